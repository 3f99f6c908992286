// bench/results/latest.md: the run's results as Markdown tables, the peer beside Tollgate.
import { checkTargets, findLoadRun, findRun, type BenchResults, type CacheRun } from './results.ts';
import type { TargetName } from './targets.ts';

const TARGETS: TargetName[] = ['direct', 'bare-proxy', 'tollgate', 'tollgate-vkey', 'portkey', 'litellm'];

function label(target: TargetName, results: BenchResults): string {
  const labels: Record<TargetName, string> = {
    direct: 'direct',
    'bare-proxy': 'bare Node proxy (floor)',
    tollgate: '**Tollgate**, master key',
    'tollgate-vkey': '**Tollgate**, virtual key',
    portkey: `Portkey ${results.meta.portkeyVersion}`,
    litellm: `LiteLLM ${results.meta.litellm && 'version' in results.meta.litellm ? results.meta.litellm.version : ''} (CPU not measured)`,
  };
  return labels[target];
}

export function table(headers: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Milliseconds with two decimals; a signed value for differences. */
export function ms(value: number, signed = false): string {
  if (Number.isNaN(value)) return 'n/a';
  const text = value.toFixed(2);
  return signed && value >= 0 ? `+${text}` : text;
}

const count = (value: number) => Math.round(value).toLocaleString('en-US');
const micros = (value: number | undefined) => (value === undefined ? '' : count(value));
const percent = (share: number) => `${(share * 100).toFixed(0)}%`;

export function renderMarkdown(results: BenchResults): string {
  const { meta } = results;
  const s = meta.settings;
  const sections = [
    `Run ${meta.date} · Node ${meta.node} · ${meta.cores} × ${meta.cpu} · load average before the run ${meta.loadAverage.map((x) => x.toFixed(2)).join(' / ')}`,
    `Fake upstream: ${s.upstreamLatencyMs} ms before answering; paced streams ${s.upstreamGapMs} ms between events. DynamoDB (dynalite): ${s.dbDelayMs ?? 0} ms added to every call. Load runs: every server warmed up under load first; then per scenario each target is measured ${s.seconds} s in ${s.rounds} turns taken in rotation.`,
    '### 1. Overhead per request (added = target minus direct in the same run; CPU = what the gateway process and the DynamoDB process used per request meanwhile, 10 ms resolution)',
    overheadTable(results),
    ...(meta.virtualKeyMissing ? [`Virtual-key rows pending: ${meta.virtualKeyMissing}`] : []),
    ...(meta.litellm && 'missing' in meta.litellm ? [`No LiteLLM rows: ${meta.litellm.missing}.`] : []),
    `### 2. Streaming: time to first token and chunk forwarding (paced upstream, one request at a time, ${s.streamRequests} per target taken in turns)`,
    streamingTable(results),
    '### 3. CPU per request, core handler in-process (no client socket; fake upstream in another process)',
    cpuTable(results),
    '### 4. Cold start: bundled gateway Lambda',
    coldStartTable(results),
    ...(results.cache ? ['### 5. Response cache (Tollgate, master key, concurrency 1, JSON; added = the case minus a miss, which calls the upstream)', cacheTable(results.cache)] : []),
    ...(results.guardrails
      ? [
          `### 6. Guardrails: the content filter in process, ${results.guardrails.promptBytes}-byte prompt with an e-mail to mask (texts read, checked by 10 detectors and 3 blocked words, written back)`,
          table(
            ['requests', 'p50 µs', 'p99 µs', 'max µs'],
            [[String(results.guardrails.requests), count(results.guardrails.micros.p50), count(results.guardrails.micros.p99), count(results.guardrails.micros.max)]],
          ),
        ]
      : []),
    ...(results.ladder
      ? [
          '### 7. Virtual key (budget, rpm and tpm limits), open loop at rising rates, JSON: up to the first rate with errors or answers falling behind (latency from the scheduled start)',
          table(
            ['offered req/s', 'answered req/s', 'p50 ms', 'p99 ms', 'errors'],
            results.ladder.map(({ rate, result }) => [count(rate), count(result.rps), ms(result.latency.p50), ms(result.latency.p99), String(result.errors)]),
          ),
        ]
      : []),
    '### Targets (issue 8; reported, not asserted)',
    table(
      ['target', 'measured', 'met'],
      checkTargets(results).map((check) => [check.goal, check.measured, check.met === undefined ? 'n/a' : check.met ? 'yes' : '**no**']),
    ),
  ];
  return `${sections.join('\n\n')}\n`;
}

function cacheTable(runs: CacheRun[]): string {
  const miss = runs.find((run) => run.case === 'miss')?.result.latency;
  return table(
    ['case', 'req/s', 'p50 ms', 'p99 ms', 'vs miss p50', 'vs miss p99', 'errors'],
    runs.map(({ case: name, result }) => [
      name,
      count(result.rps),
      ms(result.latency.p50),
      ms(result.latency.p99),
      miss && name !== 'miss' ? ms(result.latency.p50 - miss.p50, true) : '',
      miss && name !== 'miss' ? ms(result.latency.p99 - miss.p99, true) : '',
      String(result.errors),
    ]),
  );
}

function overheadTable(results: BenchResults): string {
  const rows: string[][] = [];
  const scenarios = [
    ...results.meta.settings.concurrencies.flatMap((concurrency) => [false, true].map((stream) => ({ loop: 'closed' as const, stream, concurrency, rate: undefined }))),
    { loop: 'open' as const, stream: false, concurrency: undefined, rate: results.meta.settings.openLoopRate },
  ];
  for (const scenario of scenarios) {
    const direct = findRun(results, { ...scenario, target: 'direct' });
    const name = scenario.loop === 'closed' ? `closed, c=${scenario.concurrency}, ${scenario.stream ? 'stream' : 'JSON'}` : `open, ${scenario.rate} req/s, JSON`;
    for (const target of TARGETS) {
      const measured = findLoadRun(results, { ...scenario, target });
      if (!measured) continue;
      const run = measured.result;
      const versus = target !== 'direct' && direct;
      rows.push([
        name,
        label(target, results),
        count(run.rps),
        ms(run.latency.p50),
        ms(run.latency.p99),
        versus ? ms(run.latency.p50 - direct.latency.p50, true) : '',
        versus ? ms(run.latency.p99 - direct.latency.p99, true) : '',
        micros(measured.gatewayCpuMicros),
        micros(measured.dynamoCpuMicros),
        String(run.errors),
      ]);
    }
  }
  return table(['scenario', 'target', 'req/s', 'p50 ms', 'p99 ms', 'added p50', 'added p99', 'gateway CPU µs/req', 'dynalite CPU µs/req', 'errors'], rows);
}

function streamingTable(results: BenchResults): string {
  const direct = results.streaming.find((run) => run.target === 'direct');
  return table(
    ['target', 'TTFB p50 ms', 'TTFB p90 ms', 'added TTFB p50', 'added TTFB p90', 'events/response', 'gap p50 ms', 'gap min ms', 'gaps on pace', 'gaps bunched', 'one by one', 'errors'],
    results.streaming.map((run) => {
      const versus = run.target !== 'direct' && direct;
      return [
        label(run.target, results),
        ms(run.ttfb.p50),
        ms(run.ttfb.p90),
        versus ? ms(run.ttfb.p50 - direct.ttfb.p50, true) : '',
        versus ? ms(run.ttfb.p90 - direct.ttfb.p90, true) : '',
        String(run.forwarding.events),
        ms(run.forwarding.gap.p50),
        ms(run.forwarding.minGapMs),
        percent(run.forwarding.onPace),
        percent(run.forwarding.bunched),
        run.forwarding.oneByOne ? 'yes' : '**no**',
        String(run.errors),
      ];
    }),
  );
}

function cpuTable(results: BenchResults): string {
  return table(
    ['path', 'mode', 'CPU µs/request', 'wall µs/request', 'requests', 'errors'],
    results.cpu.map((row) => [row.name, row.stream ? 'stream' : 'JSON', count(row.cpuMicrosPerRequest), count(row.wallMicrosPerRequest), String(row.requests), String(row.errors)]),
  );
}

function coldStartTable(results: BenchResults): string {
  const c = results.coldStart;
  const kb = (bytes: number) => `${count(bytes / 1024)} KB`;
  return table(
    [
      'loaded at start (index.mjs and its static imports)',
      'gzipped',
      'loaded on first use',
      'source maps',
      'Node boot',
      'import + init',
      'first event',
      'process start → answer',
      'CPU, user + sys',
      'same, with --enable-source-maps (off in the stack)',
      'runs',
    ],
    [
      [
        kb(c.bundleBytes),
        kb(c.bundleGzipBytes),
        kb(c.onFirstUseBytes),
        kb(c.sourceMapBytes),
        ms(c.bootMs.p50),
        ms(c.importMs.p50),
        ms(c.firstEventMs.p50),
        ms(c.readyMs.p50),
        ms(c.cpuMs.p50),
        ms(c.readyWithSourceMapsMs.p50),
        `${c.runs} (median)${c.errors ? `, ${c.errors} failed` : ''}`,
      ],
    ],
  );
}
