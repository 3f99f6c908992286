// The virtual-key open loop at rising rates (issue 24): Tollgate with a key that has a budget and rate
// limits, requests started on schedule at each rate in turn (bench/load.ts#openLoop, latency counted
// from the scheduled start), from BENCH_LADDER_FROM req/s doubling up to the first rate with errors or
// whose answers fall behind what was offered, so the table ends where the gateway stops keeping up.
import { openLoop, summarizeRun, type RunResult } from './load.ts';
import type { Target } from './targets.ts';

export interface LadderStep {
  rate: number;
  result: RunResult;
}

/** Answers below this share of the offered rate: the gateway is not keeping up. */
const KEEPING_UP = 0.95;

export async function rateLadder(target: Target, options: { from: number; to: number; seconds: number; warmupSeconds: number }): Promise<LadderStep[]> {
  const steps: LadderStep[] = [];
  for (let rate = options.from; rate <= options.to; rate *= 2) {
    const result = summarizeRun([await openLoop(target, false, { rate, seconds: options.seconds, warmupSeconds: options.warmupSeconds, maxConnections: 512 })]);
    steps.push({ rate, result });
    if (result.errors > 0 || result.rps < rate * KEEPING_UP) break;
  }
  return steps;
}
