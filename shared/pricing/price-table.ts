// Which price applies to a deployment: prices set in its config entry win (litellm_params, then
// model_info, as LiteLLM reads them), then the table in prices.json by `model_info.base_model` or by
// the upstream model id.
import type { Deployment } from '../config/types.ts';
import table from './prices.json' with { type: 'json' };
import type { ModelPrice } from './types.ts';

const PRICES = table as Record<string, ModelPrice>;

/** The table's sections for each provider prefix; providers not listed are priced only by config. */
const SECTIONS_BY_PROVIDER: Record<string, string[]> = {
  openai: ['openai'], azure: ['openai'], anthropic: ['anthropic'], gemini: ['gemini'], vertex_ai: ['gemini', 'anthropic'],
  bedrock: ['bedrock'], mistral: ['mistral'], groq: ['groq'], deepseek: ['deepseek'], xai: ['xai'],
};

const PRICE_FIELDS = ['input_cost_per_token', 'output_cost_per_token', 'cache_read_input_token_cost', 'cache_creation_input_token_cost'] as const;

/** The built-in mock provider answers for free. */
const FREE: ModelPrice = { input_cost_per_token: 0, output_cost_per_token: 0 };

export function priceOf(deployment: Deployment): ModelPrice | undefined {
  if (deployment.provider === 'mock') return FREE;
  const configured = configuredPrice(deployment.params) ?? configuredPrice(deployment.modelInfo);
  const listed = listedPrice(deployment);
  if (!configured) return listed;
  return { ...listed, ...configured, output_cost_per_token: configured.output_cost_per_token ?? listed?.output_cost_per_token ?? 0 };
}

function configuredPrice(source: Record<string, unknown>): ModelPrice | undefined {
  if (typeof source['input_cost_per_token'] !== 'number' && typeof source['output_cost_per_token'] !== 'number') return undefined;
  const price: Record<string, number> = {};
  for (const field of PRICE_FIELDS) if (typeof source[field] === 'number') price[field] = source[field] as number;
  return { input_cost_per_token: 0, ...price } as ModelPrice;
}

function listedPrice(deployment: Deployment): ModelPrice | undefined {
  const baseModel = deployment.modelInfo['base_model'];
  const candidates: string[] = [];
  if (typeof baseModel === 'string') {
    const [prefix, ...rest] = baseModel.split('/');
    const sections = SECTIONS_BY_PROVIDER[prefix!];
    if (sections && rest.length) candidates.push(...sections.map((s) => `${s}/${rest.join('/')}`));
    else candidates.push(baseModel);
  }
  // Bedrock's cross-region inference profiles (`us.anthropic...`) cost what their model costs;
  // Vertex names Claude versions with `@` where Anthropic uses `-`.
  const id = deployment.upstreamModel.replace(/^(us|eu|apac|us-gov|global)\./, '').replace('@', '-');
  for (const section of SECTIONS_BY_PROVIDER[deployment.provider] ?? []) candidates.push(`${section}/${id}`);
  for (const key of candidates) if (PRICES[key]) return PRICES[key];
  return undefined;
}
