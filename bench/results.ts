// The shape of bench/results/latest.json, and the targets from issue 8 judged against it.
import type { ColdStartResult } from './cold-start.ts';
import type { CpuResult } from './cpu-worker.ts';
import type { GuardrailOverhead } from './guardrail-overhead.ts';
import type { LadderStep } from './rate-ladder.ts';
import type { RunResult } from './load.ts';
import type { ForwardingVerdict, Summary } from './stats.ts';
import type { TargetName } from './targets.ts';

export interface LoadRun {
  loop: 'closed' | 'open';
  stream: boolean;
  /** Closed loop: clients in flight. */
  concurrency?: number;
  /** Open loop: requests per second offered. */
  rate?: number;
  target: TargetName;
  result: RunResult;
  /** CPU the gateway process used per request meanwhile (none for direct calls; Linux only). */
  gatewayCpuMicros?: number;
  /** CPU the DynamoDB (dynalite) process used per request meanwhile. */
  dynamoCpuMicros?: number;
}

/** Tollgate's response cache at concurrency 1, JSON (bench/cache-runs.ts). */
export interface CacheRun {
  case: 'not cached' | 'miss' | 'hit';
  result: RunResult;
}

export interface StreamingRun {
  target: TargetName;
  requests: number;
  errors: number;
  ttfb: Summary;
  forwarding: ForwardingVerdict;
}

export interface BenchResults {
  meta: {
    date: string;
    node: string;
    cpu: string;
    cores: number;
    loadAverage: number[];
    /** `@portkey-ai/gateway` as installed. */
    portkeyVersion: string;
    settings: BenchSettings;
    /** Why the virtual-key rows are absent, when they are. */
    virtualKeyMissing?: string;
    /** The LiteLLM proxy's version, or why it is not in the run (absent from runs made before it was looked for). */
    litellm?: { version: string } | { missing: string };
  };
  load: LoadRun[];
  streaming: StreamingRun[];
  cpu: CpuResult[];
  coldStart: ColdStartResult;
  /** Absent in results from before the cache rows. */
  cache?: CacheRun[];
  /** The content filter on a 2 KB prompt, in process (absent from runs made before it was measured). */
  guardrails?: GuardrailOverhead;
  /** The virtual key in open loop at rising rates, up to the first errors (absent from runs made before it). */
  ladder?: LadderStep[];
}

export interface BenchSettings {
  upstreamLatencyMs: number;
  upstreamGapMs: number;
  /** How long the bench's dynalite holds every call, as DynamoDB's round trip in AWS (absent in runs from before the setting). */
  dbDelayMs?: number;
  /** Measured seconds per target and scenario, split into `rounds` turns. */
  seconds: number;
  rounds: number;
  warmupSeconds: number;
  concurrencies: number[];
  openLoopRate: number;
  streamRequests: number;
  cpuRequests: number;
  coldStartRuns: number;
}

export interface TargetCheck {
  goal: string;
  measured: string;
  met: boolean | undefined;
}

/** Finds a run; undefined when it was not measured (e.g. a target that failed to start). */
export function findRun(results: BenchResults, query: RunQuery): RunResult | undefined {
  return findLoadRun(results, query)?.result;
}

export type RunQuery = Pick<LoadRun, 'loop' | 'stream' | 'concurrency' | 'rate' | 'target'>;

export function findLoadRun(results: BenchResults, query: RunQuery): LoadRun | undefined {
  return results.load.find((run) => run.loop === query.loop && run.stream === query.stream && run.target === query.target && run.concurrency === query.concurrency && run.rate === query.rate);
}

const ms = (value: number | undefined) => (value === undefined || Number.isNaN(value) ? 'n/a' : `${value.toFixed(2)} ms`);

/** Issue 8's targets, reported (never asserted): master-key path, non-streaming unless stated. */
export function checkTargets(results: BenchResults): TargetCheck[] {
  const closed = (target: TargetName, concurrency: number) => findRun(results, { loop: 'closed', stream: false, concurrency, target });
  const direct1 = closed('direct', 1);
  const tollgate1 = closed('tollgate', 1);
  const addedP50 = tollgate1 && direct1 ? tollgate1.latency.p50 - direct1.latency.p50 : undefined;
  const addedP99 = tollgate1 && direct1 ? tollgate1.latency.p99 - direct1.latency.p99 : undefined;
  const top = Math.max(...results.meta.settings.concurrencies);
  const tollgateTop = closed('tollgate', top);
  const portkeyTop = closed('portkey', top);
  const ratio = tollgateTop && portkeyTop && portkeyTop.rps > 0 ? tollgateTop.rps / portkeyTop.rps : undefined;
  const streamDirect = results.streaming.find((run) => run.target === 'direct');
  const streamTollgate = results.streaming.find((run) => run.target === 'tollgate');
  const addedTtfb = streamDirect && streamTollgate ? streamTollgate.ttfb.p50 - streamDirect.ttfb.p50 : undefined;
  const cold = results.coldStart;
  return [
    { goal: 'added latency p50 ≤ 0.3 ms at concurrency 1', measured: ms(addedP50), met: addedP50 === undefined ? undefined : addedP50 <= 0.3 },
    { goal: 'added latency p99 ≤ 1 ms at concurrency 1', measured: ms(addedP99), met: addedP99 === undefined ? undefined : addedP99 <= 1 },
    {
      goal: `req/s at concurrency ${top} ≥ 3× Portkey's`,
      measured: ratio === undefined ? 'n/a' : `${ratio.toFixed(2)}× (${Math.round(tollgateTop!.rps)} vs ${Math.round(portkeyTop!.rps)})`,
      met: ratio === undefined ? undefined : ratio >= 3,
    },
    { goal: 'added time to first token ≤ 0.5 ms', measured: ms(addedTtfb), met: addedTtfb === undefined ? undefined : addedTtfb <= 0.5 },
    {
      goal: 'chunks forwarded one by one',
      measured: streamTollgate ? `${(streamTollgate.forwarding.bunched * 100).toFixed(0)}% of gaps bunched, ${(streamTollgate.forwarding.onPace * 100).toFixed(0)}% on the upstream's pace` : 'n/a',
      met: streamTollgate?.forwarding.oneByOne,
    },
    { goal: 'bundled handler ≤ 1 MB', measured: `${(cold.bundleBytes / 1e6).toFixed(2)} MB`, met: cold.bundleBytes <= 1e6 },
    { goal: 'fresh process loads it and answers its first event in ≤ 150 ms', measured: ms(cold.readyMs.p50), met: cold.readyMs.p50 <= 150 },
    ...(results.guardrails
      ? [{ goal: 'an in-process guardrail adds < 0.5 ms to a 2 KB prompt (p50)', measured: ms(results.guardrails.micros.p50 / 1000), met: results.guardrails.micros.p50 < 500 }]
      : []),
  ];
}
