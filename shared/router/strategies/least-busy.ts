// least-busy: the deployment with the fewest requests in flight on this instance; ties at random.
import { lowestScore } from './lowest-score.ts';
import type { RoutingStrategy, StrategyContext } from './strategy.ts';

export function leastBusy({ stats, random }: StrategyContext): RoutingStrategy {
  return { pick: (candidates) => lowestScore(candidates, (d) => stats.inFlight(d.id), random) };
}
