// A routing strategy picks one deployment among the healthy candidates of a model (never empty).
// `router_settings.routing_strategy` chooses which; all read the same per-instance DeploymentStats.
import type { Deployment, RouterSettings } from '../../config/types.ts';
import type { DeploymentStats } from '../deployment-stats.ts';
import { costBased } from './cost-based.ts';
import { latencyBased } from './latency-based.ts';
import { leastBusy } from './least-busy.ts';
import { simpleShuffle } from './simple-shuffle.ts';
import { usageBased } from './usage-based.ts';

export interface PickRequest {
  /** Estimated prompt tokens, for tpm limits. */
  promptTokens: number;
}

export interface RoutingStrategy {
  /** Undefined when every candidate is at its rpm/tpm for this minute (strategies that respect them). */
  pick(candidates: Deployment[], request: PickRequest): Deployment | undefined;
}

/** A deployment's price in USD per token (the price table, or its config entry), undefined when unknown. */
export type PriceLookup = (deployment: Deployment) => { input_cost_per_token: number; output_cost_per_token: number; max_input_tokens?: number } | undefined;

export interface StrategyContext {
  stats: DeploymentStats;
  random: () => number;
  settings: RouterSettings;
  priceOf: PriceLookup;
}

export function createStrategy(context: StrategyContext): RoutingStrategy {
  switch (context.settings.strategy) {
    case 'simple-shuffle':
      return simpleShuffle(context);
    case 'least-busy':
      return leastBusy(context);
    case 'latency-based-routing':
      return latencyBased(context);
    case 'usage-based-routing':
      return usageBased(context);
    case 'cost-based-routing':
      return costBased(context);
  }
}
