// Which price applies to a deployment: prices set in its config entry win (litellm_params, then
// model_info, as LiteLLM reads them), then the table in prices.json (every model LiteLLM prices, with
// Tollgate's hand-kept entries on top: scripts/build-prices.ts), where each provider says its
// models are listed (Provider.priceKeys), by `model_info.base_model` or by the upstream model id.
// Some calls are priced by a variant of the model (an image's quality and size, LiteLLM's
// `hd/1024-x-1024/dall-e-3`): its entry wins over the model's own.
// The table (about 0.4 MB) is read on first use, not bundled: it sits beside the Lambda bundle
// (infra/tollgate-stack.ts copies it there) as it sits beside this file in the source tree.
import { readFileSync } from 'node:fs';
import { ANY_PROVIDER, type Deployment } from '../config/types.ts';
import type { Provider } from '../providers/types.ts';
import type { ModelPrice } from './types.ts';
import { UNIT_PRICE_FIELDS } from './units.ts';

/** The price file's name, beside the bundle (or this file, run from source). */
export const PRICE_FILE = 'prices.json';

let table: Record<string, ModelPrice> | undefined;

/** The table, read and parsed the first time a price or listing is asked for. */
export function priceTable(): Record<string, ModelPrice> {
  table ??= JSON.parse(readFileSync(new URL(`./${PRICE_FILE}`, import.meta.url), 'utf8')) as Record<string, ModelPrice>;
  return table;
}

const PRICE_FIELDS = ['input_cost_per_token', 'output_cost_per_token', 'cache_read_input_token_cost', 'cache_creation_input_token_cost', ...Object.values(UNIT_PRICE_FIELDS)] as const;

/** The providers, by name, as pricing needs them: where each lists its models in the table. */
export type PriceListings = ReadonlyMap<string, Pick<Provider, 'priceKeys'>>;

/** `variant`: the price entry's prefix for this call (`hd/1024-x-1024`), tried before the model's own. */
export function priceLookup(providers: PriceListings): (deployment: Deployment, variant?: string) => ModelPrice | undefined {
  return (deployment, variant) => {
    const configured = configuredPrice(deployment.params) ?? configuredPrice(deployment.modelInfo);
    const listed = (variant === undefined ? undefined : listedPrice(deployment, providers, `${variant}/`)) ?? listedPrice(deployment, providers, '');
    if (!configured) return listed;
    return { ...listed, ...configured, output_cost_per_token: configured.output_cost_per_token ?? listed?.output_cost_per_token ?? 0 };
  };
}

/** LiteLLM's per-size image prices (`1024-x-1024/dall-e-3`, `hd/1024-x-1792/dall-e-3`): prices of a model's options, not models. */
const IMAGE_SIZE_VARIANT = /^(?:[a-z]+\/)?\d+-x-\d+\//;

/**
 * The upstream model ids the table lists for a provider: each key whose provider, asked where it
 * lists the rest of the key (`priceKeys`), names that very key. Lists what a wildcard deployment
 * (`openai/*`) can serve. For any provider (`*`, a `model: "*"` deployment): every key listed under
 * the provider it names, as `provider/model` (`openai/gpt-4o`, not also `azure/gpt-4o`).
 */
export function listedModels(providers: PriceListings): (provider: string) => string[] {
  const memo = new Map<string, string[]>();
  return (name) => {
    let models = memo.get(name);
    if (models) return models;
    // Not the per-size prices, nor LiteLLM's patterns (`bedrock/*/1-month-commitment/...`, provisioned throughput).
    const listed = (key: string, provider: Pick<Provider, 'priceKeys'> | undefined) => {
      const model = key.slice(key.indexOf('/') + 1);
      return provider !== undefined && !IMAGE_SIZE_VARIANT.test(model) && !model.includes('*') && provider.priceKeys(model).includes(key);
    };
    if (name === ANY_PROVIDER) {
      models = Object.keys(priceTable()).filter((key) => listed(key, providers.get(key.slice(0, key.indexOf('/')))));
    } else {
      const provider = providers.get(name);
      models = provider
        ? Object.keys(priceTable())
            .filter((key) => listed(key, provider))
            .map((key) => key.slice(key.indexOf('/') + 1))
        : [];
    }
    memo.set(name, models);
    return models;
  };
}

/**
 * The provider the table lists a bare model id under (its `litellm_provider`, when that provider
 * lists the id there itself): where a `model: "*"` deployment sends `gpt-4o` or `claude-sonnet-4-5`.
 * An id several providers list (`gpt-4o`: OpenAI's and Azure's) goes to the one registered first.
 */
export function listingProvider(providers: PriceListings): (model: string) => string | undefined {
  let byModel: Map<string, string> | undefined;
  return (model) => {
    if (!byModel) {
      byModel = new Map();
      const bare = new Set<string>();
      const rank = new Map([...providers.keys()].map((name, index) => [name, index]));
      for (const [key, price] of Object.entries(priceTable())) {
        const name = price.litellm_provider ?? key.slice(0, key.indexOf('/'));
        const id = key.slice(key.indexOf('/') + 1);
        const listedFirst = byModel.get(id);
        // LiteLLM sends a bare id to the provider its table lists under that bare id; otherwise the provider registered first.
        const keepFirst = listedFirst !== undefined && (bare.has(id) || (!price.bare_id && (rank.get(listedFirst) ?? Infinity) <= (rank.get(name) ?? Infinity)));
        if (keepFirst) continue;
        if (providers.get(name)?.priceKeys(id).includes(key)) {
          byModel.set(id, name);
          if (price.bare_id) bare.add(id);
        }
      }
    }
    return byModel.get(model);
  };
}

function configuredPrice(source: Record<string, unknown>): ModelPrice | undefined {
  if (!PRICE_FIELDS.some((field) => typeof source[field] === 'number')) return undefined;
  const price: Record<string, number> = {};
  for (const field of PRICE_FIELDS) if (typeof source[field] === 'number') price[field] = source[field] as number;
  return { input_cost_per_token: 0, ...price } as ModelPrice;
}

function listedPrice(deployment: Deployment, providers: PriceListings, variant: string): ModelPrice | undefined {
  const candidates: string[] = [];
  // `provider/model`, e.g. `azure/gpt-4.1-mini`: the provider named says where that model is listed.
  const baseModel = deployment.modelInfo['base_model'];
  if (typeof baseModel === 'string') {
    const [prefix, ...rest] = baseModel.split('/');
    const keys = rest.length ? providers.get(prefix!)?.priceKeys(variant + rest.join('/')) : undefined;
    candidates.push(...(keys?.length ? keys : [variant + baseModel]));
  }
  candidates.push(...(providers.get(deployment.provider)?.priceKeys(variant + deployment.upstreamModel) ?? []));
  const prices = priceTable();
  for (const key of candidates) if (prices[key]) return prices[key];
  return undefined;
}
