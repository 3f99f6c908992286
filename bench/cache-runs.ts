// The response cache's cost and gain, Tollgate with the master key at concurrency 1 (JSON): requests
// that opt out of the cache (the other rows' requests), misses (a new prompt each time: a lookup, the
// 1 ms upstream, the entry written after the answer) and hits (one prompt, answered from the cache:
// the instance's memory tier after its first read from DynamoDB). Measured in turns like the load rows.
import { chatBody } from './bench-config.ts';
import { closedLoop, summarizeRun, type Measured } from './load.ts';
import type { CacheRun } from './results.ts';
import type { Target } from './targets.ts';

const OPT_IN = { cache: { 'use-cache': true } };

export async function cacheRuns(target: Target, options: { seconds: number; rounds: number; warmupSeconds: number }): Promise<CacheRun[]> {
  let next = 0;
  const cases: Array<{ name: CacheRun['case']; body: () => string }> = [
    { name: 'not cached', body: () => chatBody(target.model, false) },
    // A prompt no request sent before: every one misses.
    { name: 'miss', body: () => chatBody(target.model, false, OPT_IN, `Say hello, ${process.pid}-${Date.now()}-${next++}.`) },
    { name: 'hit', body: () => chatBody(target.model, false, OPT_IN) },
  ];
  const parts = new Map<CacheRun['case'], Measured[]>(cases.map((c) => [c.name, []]));
  for (let round = 0; round < options.rounds; round++) {
    for (const { name, body } of cases) {
      parts.get(name)!.push(await closedLoop(target, false, { concurrency: 1, seconds: options.seconds / options.rounds, warmupSeconds: options.warmupSeconds / 4 }, body));
    }
  }
  return cases.map(({ name }) => ({ case: name, result: summarizeRun(parts.get(name)!) }));
}
