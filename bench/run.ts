// `npm run bench`: every benchmark of issue 8 in one bounded run on loopback, Tollgate beside the
// Portkey gateway, written to bench/results/latest.json and latest.md and printed. docs/BENCHMARKS.md
// explains the method. Settings (environment): BENCH_DB_DELAY_MS, BENCH_SECONDS, BENCH_ROUNDS, BENCH_WARMUP_SECONDS,
// BENCH_LATENCY_MS, BENCH_GAP_MS, BENCH_RATE, BENCH_LADDER_FROM, BENCH_LADDER_TO, BENCH_STREAM_REQUESTS,
// BENCH_CPU_REQUESTS, BENCH_COLD_RUNS.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheRuns } from './cache-runs.ts';
import { measureColdStart } from './cold-start.ts';
import { measureCpu } from './cpu-per-request.ts';
import { measureGuardrailOverhead } from './guardrail-overhead.ts';
import { closedLoop, LoadClient, openLoop, summarizeRun, type Measured, type Sample } from './load.ts';
import { cpuSeconds } from './processes.ts';
import { rateLadder } from './rate-ladder.ts';
import { renderMarkdown } from './report.ts';
import type { BenchResults, BenchSettings, LoadRun, StreamingRun } from './results.ts';
import { forwarding, summarize } from './stats.ts';
import { portkeyVersion, startTargets, type Profile, type Target, type Targets } from './targets.ts';

const RESULTS = fileURLToPath(new URL('./results/', import.meta.url));
const WORK = join(RESULTS, 'work');

function setting(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a number ≥ 0, not "${raw}"`);
  return value;
}

const settings: BenchSettings = {
  upstreamLatencyMs: setting('BENCH_LATENCY_MS', 1),
  upstreamGapMs: setting('BENCH_GAP_MS', 10),
  dbDelayMs: setting('BENCH_DB_DELAY_MS', 0),
  seconds: setting('BENCH_SECONDS', 3),
  rounds: setting('BENCH_ROUNDS', 3),
  warmupSeconds: setting('BENCH_WARMUP_SECONDS', 1),
  concurrencies: [1, 50],
  openLoopRate: setting('BENCH_RATE', 500),
  streamRequests: setting('BENCH_STREAM_REQUESTS', 50),
  cpuRequests: setting('BENCH_CPU_REQUESTS', 2000),
  coldStartRuns: setting('BENCH_COLD_RUNS', 5),
};
/** The virtual-key ladder's first and highest offered rate (req/s). */
const LADDER_FROM = setting('BENCH_LADDER_FROM', 100);
const LADDER_TO = setting('BENCH_LADDER_TO', 3200);

const STREAM_WARMUP = 3;
const progress = (message: string) => process.stderr.write(`bench: ${message}\n`);

/**
 * Each server once under full load before anything is measured: JIT tiers, connection pools and heap
 * sizes settle there, not in whichever run happens to come first.
 */
async function warmUp(targets: Targets): Promise<void> {
  const concurrency = Math.max(...settings.concurrencies);
  for (const target of targets.of('fast')) {
    progress(`warming up ${target.name}`);
    for (const stream of [false, true]) await closedLoop(target, stream, { concurrency, warmupSeconds: 0, seconds: settings.warmupSeconds });
  }
}

/**
 * Measures every target in `rounds` turns of `seconds / rounds` each, so a noisy moment on a shared
 * machine lands on all of them alike instead of on whichever ran then. Also reads the CPU time the
 * target's gateway process and the DynamoDB process used meanwhile (Linux /proc; absent elsewhere).
 */
async function inTurns(targets: Targets, profile: Profile, measure: (target: Target, seconds: number) => Promise<Measured>): Promise<Array<Omit<LoadRun, 'loop' | 'stream' | 'concurrency' | 'rate'>>> {
  const turns = new Map<Target, { parts: Measured[]; gateway?: number; dynamo?: number }>(targets.of(profile).map((target) => [target, { parts: [], gateway: 0, dynamo: 0 }]));
  for (let round = 0; round < settings.rounds; round++) {
    for (const [target, turn] of turns) {
      const before = { gateway: target.pid && cpuSeconds(target.pid), dynamo: cpuSeconds(targets.dynamoPid) };
      turn.parts.push(await measure(target, settings.seconds / settings.rounds));
      const after = { gateway: target.pid && cpuSeconds(target.pid), dynamo: cpuSeconds(targets.dynamoPid) };
      turn.gateway = addUsed(turn.gateway, before.gateway, after.gateway);
      turn.dynamo = addUsed(turn.dynamo, before.dynamo, after.dynamo);
    }
  }
  return [...turns].map(([target, turn]) => {
    const result = summarizeRun(turn.parts);
    const perRequest = (seconds: number | undefined) => (seconds === undefined ? undefined : (seconds * 1e6) / result.requests);
    return { target: target.name, result, gatewayCpuMicros: perRequest(turn.gateway), dynamoCpuMicros: perRequest(turn.dynamo) };
  });
}

function addUsed(total: number | undefined, before: number | undefined, after: number | undefined): number | undefined {
  return total === undefined || before === undefined || after === undefined ? undefined : total + after - before;
}

async function loadRuns(targets: Targets): Promise<LoadRun[]> {
  const runs: LoadRun[] = [];
  // Each turn opens fresh connections: a short warm-up lets them settle first.
  const warmupSeconds = settings.warmupSeconds / 4;
  for (const concurrency of settings.concurrencies) {
    for (const stream of [false, true]) {
      progress(`closed loop c=${concurrency} ${stream ? 'stream' : 'JSON'}`);
      const measured = await inTurns(targets, 'fast', (target, seconds) => closedLoop(target, stream, { concurrency, seconds, warmupSeconds }));
      runs.push(...measured.map((run) => ({ loop: 'closed' as const, stream, concurrency, ...run })));
    }
  }
  progress(`open loop ${settings.openLoopRate} req/s`);
  const measured = await inTurns(targets, 'fast', (target, seconds) => openLoop(target, false, { rate: settings.openLoopRate, seconds, warmupSeconds, maxConnections: 512 }));
  runs.push(...measured.map((run) => ({ loop: 'open' as const, stream: false, rate: settings.openLoopRate, ...run })));
  return runs;
}

/** Paced streams one request at a time, the targets taking turns request by request. */
async function streamingRuns(targets: Targets): Promise<StreamingRun[]> {
  progress('paced streams, one request at a time');
  const clients = targets.of('paced').map((target) => new LoadClient(target, true, 1));
  try {
    const samples = new Map<LoadClient, Sample[]>(clients.map((client) => [client, []]));
    for (let i = 0; i < STREAM_WARMUP + settings.streamRequests; i++) {
      for (const client of clients) {
        const sample = await client.send();
        if (i >= STREAM_WARMUP) samples.get(client)!.push(sample);
      }
    }
    return clients.map((client) => {
      const good = samples.get(client)!.filter((sample) => sample.ok);
      return {
        target: client.target.name,
        requests: samples.get(client)!.length,
        errors: samples.get(client)!.length - good.length,
        ttfb: summarize(good.map((sample) => sample.ttfbMs)),
        forwarding: forwarding(
          good.map((sample) => sample.events),
          settings.upstreamGapMs,
          settings.upstreamGapMs / 4,
        ),
      };
    });
  } finally {
    await Promise.all(clients.map((client) => client.close()));
  }
}

async function main(): Promise<void> {
  mkdirSync(WORK, { recursive: true });
  const meta = {
    date: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model.trim() ?? 'unknown CPU',
    cores: cpus().length,
    loadAverage: loadavg(),
    portkeyVersion: portkeyVersion(),
    settings,
  };
  // First, on a quiet machine (no servers yet); it also fails fast if the gateway does not build.
  progress(`cold start: bundling functions/gateway/handler.ts, ${settings.coldStartRuns} fresh processes`);
  const coldStart = await measureColdStart(WORK, settings.coldStartRuns);
  progress(`guardrails: the content filter on a 2 KB prompt, ${settings.cpuRequests} requests in process`);
  const guardrails = await measureGuardrailOverhead(settings.cpuRequests);
  progress(`starting the fake upstream, Tollgate and Portkey on 127.0.0.1 (logs in ${WORK})`);
  const targets = await startTargets(WORK, { latencyMs: settings.upstreamLatencyMs, gapMs: settings.upstreamGapMs, dbDelayMs: settings.dbDelayMs ?? 0 });
  if (targets.virtualKeyMissing) progress(`no virtual-key rows: ${targets.virtualKeyMissing}`);
  progress('peer' in targets.litellm ? `LiteLLM ${targets.litellm.peer.version} at ${targets.litellm.peer.url}` : `no LiteLLM rows: ${targets.litellm.missing}`);
  let load: LoadRun[];
  let streaming: StreamingRun[];
  let cpu: BenchResults['cpu'];
  let cache: BenchResults['cache'];
  let ladder: BenchResults['ladder'];
  try {
    await warmUp(targets);
    load = await loadRuns(targets);
    streaming = await streamingRuns(targets);
    const virtualKey = targets.of('fast').find((target) => target.name === 'tollgate-vkey');
    if (virtualKey) {
      progress(`virtual key, open loop from ${LADDER_FROM} req/s doubling up to the first errors`);
      ladder = await rateLadder(virtualKey, { from: LADDER_FROM, to: LADDER_TO, seconds: settings.seconds, warmupSeconds: settings.warmupSeconds / 4 });
    }
    progress('response cache: not cached, misses and hits, c=1');
    cache = await cacheRuns(targets.of('fast').find((target) => target.name === 'tollgate')!, settings);
    progress(`CPU per request, in-process (${settings.cpuRequests} requests per case)`);
    cpu = await measureCpu(WORK, targets.upstreamUrl, settings.upstreamLatencyMs, settings.cpuRequests, Math.ceil(settings.cpuRequests / 5));
  } finally {
    await targets.stop();
  }

  const litellm = 'peer' in targets.litellm ? { version: targets.litellm.peer.version } : targets.litellm;
  const results: BenchResults = { meta: { ...meta, virtualKeyMissing: targets.virtualKeyMissing, litellm }, load, streaming, cpu, coldStart, cache, guardrails, ladder };
  const markdown = renderMarkdown(results);
  writeFileSync(join(RESULTS, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(RESULTS, 'latest.md'), markdown);
  process.stdout.write(`\n${markdown}\nWritten: bench/results/latest.json, bench/results/latest.md\n`);
}

await main();
