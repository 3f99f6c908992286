// latency-based-routing: the deployment with the lowest mean latency over `routing_strategy_args.ttl`
// (time to first chunk for streams, the whole answer otherwise). Deployments not measured yet go first,
// as in LiteLLM; those within `lowest_latency_buffer` (a fraction) of the best share the traffic; and a
// small random share goes anywhere, so a deployment that was slow once gets measured again.
import type { RoutingStrategy, StrategyContext } from './strategy.ts';

/** Share of requests sent to a random candidate to refresh its latency. */
export const EXPLORATION_SHARE = 0.05;

export function latencyBased({ stats, random, settings }: StrategyContext): RoutingStrategy {
  return {
    pick(candidates) {
      if (random() < EXPLORATION_SHARE) return candidates[Math.floor(random() * candidates.length)]!;
      const latencies = candidates.map((d) => stats.averageLatency(d.id, settings.latencyTtlMs) ?? 0);
      const best = Math.min(...latencies);
      const close = candidates.filter((_, i) => latencies[i]! <= best * (1 + settings.latencyBuffer));
      return close[Math.floor(random() * close.length)]!;
    },
  };
}
