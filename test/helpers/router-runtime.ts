// A deterministic RouterRuntime for tests: a clock that moves only when told, a seeded random source,
// and backoff waits that return at once but are recorded, so tests assert on them without waiting.
import type { RouterRuntime } from '../../shared/router/runtime.ts';

export interface TestRuntime extends RouterRuntime {
  /** Every wait the router asked for, in ms. */
  sleeps: number[];
  advance(ms: number): void;
}

export function testRuntime(seed = 1, start = Date.UTC(2026, 0, 1, 12, 0, 0)): TestRuntime {
  let now = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    random: seededRandom(seed),
    advance: (ms) => void (now += ms),
    async sleep(ms, signal) {
      if (signal.aborted) throw signal.reason;
      sleeps.push(ms);
    },
  };
}

/** mulberry32: a small, well-spread PRNG; the same seed gives the same sequence. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
