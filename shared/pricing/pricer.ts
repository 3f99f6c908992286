// Prices requests for the rest of the gateway: provider cost from usage and the price table, charged
// cost with the configured margin. A model with no price costs 0 and is logged once as unpriced.
import type { Deployment } from '../config/types.ts';
import type { Log } from '../core/log.ts';
import type { Usage } from '../openai/types.ts';
import { providerCost } from './cost.ts';
import { chargedCost, type MarginConfig } from './margin.ts';
import { priceLookup, type PriceListings } from './price-table.ts';
import type { ModelPrice, RequestCost } from './types.ts';

export class Pricer {
  private readonly prices = new Map<string, ModelPrice | undefined>();
  private readonly unpricedLogged = new Set<string>();
  private readonly lookup: (deployment: Deployment) => ModelPrice | undefined;

  /** `providers` say where their models are listed in the price table. */
  constructor(
    private readonly log: Log,
    providers: PriceListings,
    private readonly margins?: MarginConfig,
  ) {
    this.lookup = priceLookup(providers);
  }

  /** The deployment's price, or undefined when neither config nor table has one. */
  priceOf(deployment: Deployment): ModelPrice | undefined {
    // A wildcard deployment keeps its id for every model it serves: each has its own price.
    const key = `${deployment.id}\u0000${deployment.upstreamModel}`;
    if (!this.prices.has(key)) this.prices.set(key, this.lookup(deployment));
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

  costOf(deployment: Deployment, usage: Usage): RequestCost {
    const price = this.priceOf(deployment);
    if (!price) {
      if (!this.unpricedLogged.has(deployment.id)) {
        this.unpricedLogged.add(deployment.id);
        this.log.warn('unpriced model: its requests cost 0; set input_cost_per_token/output_cost_per_token in its config entry', {
          model: deployment.modelName,
          upstream: `${deployment.provider}/${deployment.upstreamModel}`,
        });
      }
      return { provider: 0, charged: 0 };
    }
    const provider = providerCost(usage, price);
    return { provider, charged: chargedCost(provider, deployment, this.margins) };
  }
}
