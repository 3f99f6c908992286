// cost-based-routing: among deployments under their rpm/tpm this minute, the cheapest per token
// (input + output price), priced as spend tracking prices them: `input_cost_per_token` /
// `output_cost_per_token` in `litellm_params` or `model_info`, else the price table. A deployment
// without a price counts as the most expensive, so it is used only when nothing priced is open.
import { underRateHints } from './rate-hints.ts';
import { lowestScore } from './lowest-score.ts';
import type { RoutingStrategy, StrategyContext } from './strategy.ts';

export function costBased({ stats, random, priceOf }: StrategyContext): RoutingStrategy {
  return {
    pick(candidates, { promptTokens }) {
      const open = underRateHints(candidates, stats, promptTokens);
      return open.length ? lowestScore(open, (d) => perToken(priceOf(d)), random) : undefined;
    },
  };
}

function perToken(price: ReturnType<StrategyContext['priceOf']>): number {
  return price ? price.input_cost_per_token + price.output_cost_per_token : Infinity;
}
