// Prices requests for the rest of the gateway: provider cost from usage and the price table, charged
// cost with the configured margin. A model with no price costs 0 and is logged once as unpriced.
import type { Deployment } from '../config/types.ts';
import type { Log } from '../core/log.ts';
import type { Usage } from '../openai/types.ts';
import { providerCost } from './cost.ts';
import { chargedCost, type MarginConfig } from './margin.ts';
import { priceLookup, type PriceListings } from './price-table.ts';
import type { ModelMode, ModelPrice, RequestCost } from './types.ts';
import type { UnitUsage } from './units.ts';

const MODES = new Set<string>(['chat', 'completion', 'responses', 'embedding', 'image_generation', 'audio_transcription', 'audio_speech', 'rerank', 'moderation'] satisfies ModelMode[]);

export class Pricer {
  private readonly prices = new Map<string, ModelPrice | undefined>();
  private readonly unpricedLogged = new Set<string>();
  private readonly lookup: (deployment: Deployment, variant?: string) => ModelPrice | undefined;

  /** `providers` say where their models are listed in the price table. */
  constructor(
    private readonly log: Log,
    providers: PriceListings,
    private readonly margins?: MarginConfig,
  ) {
    this.lookup = priceLookup(providers);
  }

  /**
   * The deployment's price, or undefined when neither config nor table has one. `variant` names the
   * call's own entry where the table prices one by its options (`hd/1024-x-1024` for an image).
   */
  priceOf(deployment: Deployment, variant?: string): ModelPrice | undefined {
    // A wildcard deployment keeps its id for every model it serves: each has its own price, and a
    // `model: "*"` one serves the same id from several providers (`azure/command-r-plus`, `cohere/command-r-plus`).
    const model = `${deployment.id}\u0000${deployment.provider}\u0000${deployment.upstreamModel}`;
    const key = variant === undefined ? model : `${model}\n${variant}`;
    if (!this.prices.has(key)) this.prices.set(key, this.lookup(deployment, variant));
    return this.prices.get(key);
  }

  /**
   * The most tokens the deployment's model can write: `model_info.max_output_tokens` (or LiteLLM's
   * older `max_tokens`) from the config, else the price table's; undefined when neither knows.
   */
  maxOutputTokens(deployment: Deployment): number | undefined {
    const configured = deployment.modelInfo['max_output_tokens'] ?? deployment.modelInfo['max_tokens'];
    if (typeof configured === 'number' && configured > 0) return configured;
    return this.priceOf(deployment)?.max_output_tokens;
  }

  /** Whether the deployment's model reasons (`model_info.supports_reasoning`, else the price table's); false when unknown. */
  supportsReasoning(deployment: Deployment): boolean {
    const configured = deployment.modelInfo['supports_reasoning'];
    if (typeof configured === 'boolean') return configured;
    return this.priceOf(deployment)?.supports_reasoning === true;
  }

  /** What the deployment's model does (`model_info.mode`, else the price table's); undefined when neither says. */
  modeOf(deployment: Deployment): ModelMode | undefined {
    const configured = deployment.modelInfo['mode'];
    if (typeof configured === 'string' && MODES.has(configured)) return configured as ModelMode;
    return this.priceOf(deployment)?.mode;
  }

  /** What `usage` (and `units`, for calls priced in them) costs on the deployment. */
  costOf(deployment: Deployment, usage: Usage, units?: UnitUsage, variant?: string): RequestCost {
    const price = this.priceOf(deployment, variant);
    if (!price) {
      if (!this.unpricedLogged.has(deployment.id)) {
        this.unpricedLogged.add(deployment.id);
        this.log.warn('unpriced model: its requests cost 0 and no budget holds them; set model_info.base_model or input_cost_per_token/output_cost_per_token in its config entry', {
          model: deployment.modelName,
          upstream: `${deployment.provider}/${deployment.upstreamModel}`,
        });
      }
      return { provider: 0, charged: 0 };
    }
    const provider = providerCost(usage, price, units);
    return { provider, charged: chargedCost(provider, deployment, this.margins) };
  }
}
