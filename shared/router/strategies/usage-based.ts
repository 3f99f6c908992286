// usage-based-routing: among deployments under their rpm/tpm this minute, the one that has used the
// fewest tokens this minute; ties at random.
import { underRateHints } from './rate-hints.ts';
import { lowestScore } from './lowest-score.ts';
import type { RoutingStrategy, StrategyContext } from './strategy.ts';

export function usageBased({ stats, random }: StrategyContext): RoutingStrategy {
  return {
    pick(candidates, { promptTokens }) {
      const open = underRateHints(candidates, stats, promptTokens);
      return open.length ? lowestScore(open, (d) => stats.usageThisMinute(d.id).tokens, random) : undefined;
    },
  };
}
