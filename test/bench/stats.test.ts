// The benchmark harness's arithmetic and report (bench/): percentiles, SSE event counting across
// chunk boundaries, the one-by-one forwarding verdict, and the Markdown table with the targets judged.
// No timing is measured here.
import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../bench/report.ts';
import { checkTargets, type BenchResults } from '../../bench/results.ts';
import { forwarding, percentile, SseEventCounter, summarize } from '../../bench/stats.ts';

describe('summaries', () => {
  it('takes nearest-rank percentiles whatever the input order', () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i);
    const summary = summarize(samples);
    expect(summary).toMatchObject({ count: 100, p50: 50, p90: 90, p99: 99, max: 100, mean: 50.5 });
    expect(percentile([3], 0.99)).toBe(3);
    expect(summarize([]).p50).toBeNaN();
  });
});

describe('SSE event counting', () => {
  it('counts events completed by each chunk, with the blank line split across chunks', () => {
    const counter = new SseEventCounter();
    expect(counter.push('data: {"a":1}\n')).toBe(0);
    expect(counter.push('\ndata: {"b":2}\n\ndata: [DO')).toBe(2);
    expect(counter.push('NE]\n\n')).toBe(1);
    expect(counter.push('event: ping\ndata: {}\n\n')).toBe(1);
  });
});

describe('forwarding verdict', () => {
  it('says one by one when the gaps keep the upstream pace, a late event included', () => {
    const paced = [
      [1, 11, 21.5, 31],
      [2, 12.2, 22, 32],
      [0, 10, 25, 30],
    ];
    const verdict = forwarding(paced, 10, 2.5);
    expect(verdict).toMatchObject({ events: 4, oneByOne: true, bunched: 0 });
    expect(verdict.onPace).toBeCloseTo(7 / 9);
    expect(verdict.minGapMs).toBeCloseTo(5);
  });

  it('says not one by one when events arrive bunched after a wait', () => {
    const bunched = [[30, 30.1, 30.1, 40, 50]];
    const verdict = forwarding(bunched, 10, 2.5);
    expect(verdict).toMatchObject({ oneByOne: false, onPace: 0.5, bunched: 0.5 });
  });
});

const summary = (p50: number, p99: number) => ({ count: 100, p50, p90: p99, p99, max: p99, mean: p50 });
const run = (rps: number, p50: number, p99: number) => ({ requests: 100, errors: 0, rps, latency: summary(p50, p99), ttfb: summary(p50, p99) });
const verdict = (oneByOne: boolean) => ({ events: 8, gap: summary(10, 11), minGapMs: oneByOne ? 9.5 : 0, onPace: oneByOne ? 1 : 0.4, bunched: oneByOne ? 0 : 0.3, oneByOne });

function results(): BenchResults {
  return {
    meta: {
      date: '2026-11-24T20:00:00.000Z',
      node: 'v24.21.0',
      cpu: 'Test CPU',
      cores: 2,
      loadAverage: [0.5, 0.4, 0.3],
      portkeyVersion: '1.15.2',
      settings: {
        upstreamLatencyMs: 1,
        upstreamGapMs: 10,
        seconds: 3,
        rounds: 3,
        warmupSeconds: 1,
        concurrencies: [1, 50],
        openLoopRate: 500,
        streamRequests: 30,
        cpuRequests: 2000,
        coldStartRuns: 5,
      },
    },
    load: [
      { loop: 'closed', stream: false, concurrency: 1, target: 'direct', result: run(700, 1.4, 2.0) },
      { loop: 'closed', stream: false, concurrency: 1, target: 'tollgate', result: run(600, 1.6, 2.5), gatewayCpuMicros: 812.6, dynamoCpuMicros: 0 },
      { loop: 'closed', stream: false, concurrency: 1, target: 'portkey', result: run(300, 3.0, 9.0) },
      { loop: 'closed', stream: false, concurrency: 50, target: 'direct', result: run(9000, 5, 20) },
      { loop: 'closed', stream: false, concurrency: 50, target: 'tollgate', result: run(3300, 15, 40) },
      { loop: 'closed', stream: false, concurrency: 50, target: 'portkey', result: run(1000, 50, 120) },
      { loop: 'open', stream: false, rate: 500, target: 'direct', result: run(500, 1.3, 4) },
    ],
    streaming: [
      { target: 'direct', requests: 30, errors: 0, ttfb: summary(1.7, 2.3), forwarding: verdict(true) },
      { target: 'tollgate', requests: 30, errors: 0, ttfb: summary(2.0, 2.9), forwarding: verdict(true) },
      { target: 'portkey', requests: 30, errors: 0, ttfb: summary(29, 34), forwarding: verdict(false) },
    ],
    cpu: [{ name: 'OpenAI passthrough', model: 'bench-fast', stream: false, requests: 2000, errors: 0, cpuMicrosPerRequest: 412.4, wallMicrosPerRequest: 1900 }],
    coldStart: {
      bundleBytes: 1_200_000,
      bundleGzipBytes: 350_000,
      onFirstUseBytes: 400_000,
      sourceMapBytes: 4_000_000,
      runs: 5,
      errors: 0,
      bootMs: summary(30, 31),
      importMs: summary(100, 110),
      firstEventMs: summary(7, 8),
      readyMs: summary(140, 150),
      cpuMs: summary(300, 320),
      readyWithSourceMapsMs: summary(170, 180),
    },
  };
}

describe('targets and report', () => {
  it('judges each target from the runs, and says n/a for what was not measured', () => {
    const checks = checkTargets(results());
    const byGoal = Object.fromEntries(checks.map((check) => [check.goal, check]));
    expect(byGoal['added latency p50 ≤ 0.3 ms at concurrency 1']).toMatchObject({ met: true, measured: '0.20 ms' });
    expect(byGoal['added latency p99 ≤ 1 ms at concurrency 1']).toMatchObject({ met: true, measured: '0.50 ms' });
    expect(byGoal["req/s at concurrency 50 ≥ 3× Portkey's"]).toMatchObject({ met: true, measured: '3.30× (3300 vs 1000)' });
    expect(byGoal['added time to first token ≤ 0.5 ms']).toMatchObject({ met: true, measured: '0.30 ms' });
    expect(byGoal['bundled handler ≤ 1 MB']).toMatchObject({ met: false, measured: '1.20 MB' });
    expect(byGoal['fresh process loads it and answers its first event in ≤ 150 ms']).toMatchObject({ met: true });

    const withoutPeer = results();
    withoutPeer.load = withoutPeer.load.filter((r) => r.target !== 'portkey');
    expect(checkTargets(withoutPeer).find((check) => check.goal.startsWith('req/s'))).toMatchObject({ met: undefined, measured: 'n/a' });
  });

  it('renders the peer beside Tollgate with latency added over direct', () => {
    const markdown = renderMarkdown(results());
    expect(markdown).toContain('| closed, c=1, JSON | **Tollgate**, master key | 600 | 1.60 | 2.50 | +0.20 | +0.50 | 813 | 0 | 0 |');
    expect(markdown).toContain('| closed, c=50, JSON | Portkey 1.15.2 | 1,000 | 50.00 | 120.00 | +45.00 | +100.00 |  |  | 0 |');
    expect(markdown).toContain('| Portkey 1.15.2 | 29.00 | 34.00 | +27.30 | +31.70 | 8 | 10.00 | 0.00 | 40% | 30% | **no** | 0 |');
    expect(markdown).toContain('| OpenAI passthrough | JSON | 412 | 1,900 | 2000 | 0 |');
    expect(markdown).toContain('| bundled handler ≤ 1 MB | 1.20 MB | **no** |');
  });

  it('reports the in-process guardrail row and judges it against 0.5 ms, when measured', () => {
    expect(renderMarkdown(results())).not.toContain('Guardrails');
    const withGuardrails = { ...results(), guardrails: { promptBytes: 2048, requests: 2000, micros: summary(40, 300) } };
    const markdown = renderMarkdown(withGuardrails);
    expect(markdown).toContain('| 2000 | 40 | 300 |');
    expect(markdown).toContain('| an in-process guardrail adds < 0.5 ms to a 2 KB prompt (p50) | 0.04 ms | yes |');
  });

  it('puts LiteLLM beside the others when it was benched, and says why not when it was not', () => {
    const missing = { ...results(), meta: { ...results().meta, litellm: { missing: 'LiteLLM not installed: python3 has no litellm package' } } };
    expect(renderMarkdown(missing)).toContain('No LiteLLM rows: LiteLLM not installed: python3 has no litellm package.');
    const benched = results();
    benched.meta.litellm = { version: '1.80.0' };
    benched.load.push({ loop: 'closed', stream: false, concurrency: 1, target: 'litellm', result: run(200, 4.6, 9) });
    const markdown = renderMarkdown(benched);
    expect(markdown).toContain('| closed, c=1, JSON | LiteLLM 1.80.0 (CPU not measured) | 200 | 4.60 | 9.00 | +3.20 | +7.00 |  |  | 0 |');
    expect(markdown).not.toContain('No LiteLLM rows');
  });

  it('reports the virtual-key ladder, rate by rate, when measured', () => {
    expect(renderMarkdown(results())).not.toContain('rising rates');
    const step = (rate: number, rps: number, errors: number) => ({ rate, result: { ...run(rps, 2, 9), errors } });
    const markdown = renderMarkdown({ ...results(), ladder: [step(100, 100, 0), step(200, 150, 4)] });
    expect(markdown).toContain('rising rates');
    expect(markdown).toContain('| 100 | 100 | 2.00 | 9.00 | 0 |');
    expect(markdown).toContain('| 200 | 150 | 2.00 | 9.00 | 4 |');
  });
});
