// The response cache in the Lambda's EMF metrics: a request the cache looked up counts as a hit or a
// miss, and a hit publishes what it saved.
import { Metrics } from '@aws-lambda-powertools/metrics';
import { describe, expect, it, vi } from 'vitest';
import { requestMetrics } from '../../functions/gateway/metrics.ts';
import type { RequestContext } from '../../shared/core/types.ts';
import { startCallRecord } from '../../shared/pricing/call-record.ts';

/** The EMF records the hook publishes for each request, as CloudWatch would read them from stdout. */
function published(requests: Array<(ctx: RequestContext) => void>): any[] {
  const lines: string[] = [];
  const logs = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(' ')));
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    const hook = requestMetrics(new Metrics({ namespace: 'Tollgate', serviceName: 'gateway' }), new Set(['gpt-4o']));
    for (const prepare of requests) {
      const ctx = { logFields: {}, timings: { start: 0, end: 5 }, status: 200 } as unknown as RequestContext;
      prepare(ctx);
      void hook(ctx);
    }
  } finally {
    logs.mockRestore();
    out.mockRestore();
  }
  return lines.filter((line) => line.includes('"_aws"')).map((line) => JSON.parse(line.trim()));
}

describe('cache metrics', () => {
  it('counts hits and misses of requests the cache looked up, and what hits saved', () => {
    const [hit, miss, uncached] = published([
      (ctx) =>
        Object.assign(startCallRecord(ctx, { model: 'gpt-4o', callType: 'acompletion', request: {}, headers: {} }), {
          cacheKey: 'k',
          cacheHit: { cost: { provider: 0, charged: 0.001 }, saved: 0.004 },
        }),
      (ctx) => Object.assign(startCallRecord(ctx, { model: 'gpt-4o', callType: 'acompletion', request: {}, headers: {} }), { cacheKey: 'k' }),
      (ctx) => startCallRecord(ctx, { model: 'gpt-4o', callType: 'acompletion', request: {}, headers: {} }),
    ]);
    expect(hit).toMatchObject({ CacheHits: 1, CacheMisses: 0, CacheSavings: 0.003 });
    expect(miss).toMatchObject({ CacheHits: 0, CacheMisses: 1 });
    expect(miss.CacheSavings).toBeUndefined();
    expect(uncached.CacheHits).toBeUndefined();
  });
});
