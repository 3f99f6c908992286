// simple-shuffle (LiteLLM's default): random, weighted by `weight`, else by `rpm`, else `tpm`, else even.
import type { Deployment } from '../../config/types.ts';
import type { RoutingStrategy, StrategyContext } from './strategy.ts';

export function simpleShuffle({ random }: Pick<StrategyContext, 'random'>): RoutingStrategy {
  return { pick: (candidates) => weightedPick(candidates, random) };
}

export function weightedPick(candidates: Deployment[], random: () => number): Deployment {
  const weights = candidates.map((d) => d.weight ?? d.rpm ?? d.tpm ?? 1);
  let point = random() * weights.reduce((a, b) => a + b, 0);
  for (let i = 0; i < candidates.length; i++) {
    point -= weights[i]!;
    if (point < 0) return candidates[i]!;
  }
  return candidates[candidates.length - 1]!;
}
