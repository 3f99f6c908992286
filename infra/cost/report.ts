// The cost model's tables as Markdown: what `tollgate cost` prints, and the generated blocks of
// docs/COST.md (written by `npm run cost:doc`, checked by test/infra/cost-model.test.ts).
import { BENCH_RUN, DYNAMODB_CALL_CPU_MS, DYNAMODB_PER_REQUEST, DYNAMODB_ROUND_TRIP_MS, LOG_BYTES, PATHS, SERVER_CPU_MS } from './measured.ts';
import { breakEvenRequests, costs, defaultLambdaMemoryMb, LAMBDA_CASES, LATENCY_ALLOWANCE_MS, memoryTable, REFERENCE_UPSTREAM_MS, smallestMemoryWithin, type Workload } from './model.ts';
import { PRICE_REGION, PRICES, PRICES_AS_OF } from './prices.ts';

export const VOLUMES = [1e6, 1e7, 1e8, 1e9];
export const UPSTREAM_TIMES_MS = [1000, 5000, 30_000];

const usd = (n: number) => `$${n < 10 ? n.toFixed(2) : Math.round(n).toLocaleString('en-US')}`;
export const requestsLabel = (n: number) => (n >= 1e9 ? `${n / 1e9}B` : n >= 1e6 ? `${n / 1e6}M` : n.toLocaleString('en-US'));
const seconds = (ms: number) => `${ms / 1000} s`;

/** A Markdown table with its columns padded, as the formatter (Biome) writes them. */
function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(3, h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** One workload, every mode with its line items, and where Fargate starts to cost less: what `tollgate cost` prints. */
export function workloadReport(w: Workload): string {
  const memory = w.memoryMb ?? defaultLambdaMemoryMb();
  const modes = costs({ ...w, memoryMb: memory });
  const lines = [
    `${requestsLabel(w.requestsPerMonth)} requests a month, ${seconds(w.upstreamMs)} average upstream time, ${w.key === 'virtual' ? 'virtual keys with budgets and limits' : 'the master key'}; ${PRICE_REGION} list prices of ${PRICES_AS_OF}.`,
    '',
    table(
      ['mode', 'per month', 'per million requests', 'runs'],
      modes.map((m) => [m.title, usd(m.monthly), usd(m.perMillion), m.shape]),
    ),
  ];
  for (const m of modes)
    lines.push(
      '',
      `${m.title}:`,
      '',
      table(
        ['item', 'per month'],
        m.items.map((i) => [i.item, usd(i.usd)]),
      ),
    );
  const breakEven = breakEvenRequests(w.upstreamMs, w.key, memory);
  lines.push('', `Fargate costs less than Lambda above ${requestsLabel(breakEven)} requests a month (${(breakEven / (730 * 3600)).toFixed(1)} a second on average) at this upstream time.`);
  return `${lines.join('\n')}\n`;
}

/** Per million requests, each mode, at each volume and upstream time (virtual keys, default memory). */
export function perMillionTable(): string {
  const rows = UPSTREAM_TIMES_MS.flatMap((upstreamMs) =>
    VOLUMES.map((requestsPerMonth) => {
      const modes = costs({ requestsPerMonth, upstreamMs, key: 'virtual' });
      return [seconds(upstreamMs), requestsLabel(requestsPerMonth), ...modes.map((m) => `${usd(m.perMillion)} (${usd(m.monthly)}/month)`)];
    }),
  );
  const titles = costs({ requestsPerMonth: 1e6, upstreamMs: 1000, key: 'virtual' }).map((m) => m.title);
  return `${table(['upstream time', 'requests a month', ...titles], rows)}\n`;
}

export function breakEvenTable(): string {
  const rows = UPSTREAM_TIMES_MS.map((upstreamMs) => {
    const cells = (['virtual', 'master'] as const).map((key) => {
      const n = breakEvenRequests(upstreamMs, key);
      return `${requestsLabel(n)} a month (${(n / (730 * 3600)).toFixed(1)}/s)`;
    });
    return [seconds(upstreamMs), ...cells];
  });
  return `${table(['upstream time', 'virtual keys', 'master key'], rows)}\n`;
}

export function memoryReport(): string {
  const chosen = defaultLambdaMemoryMb();
  const rows = memoryTable().map((row) => [
    row.memoryMb === chosen ? `**${row.memoryMb}** (default)` : String(row.memoryMb),
    `${Math.round((row.memoryMb / 1769) * 100)}%`,
    ...row.latencyMs.map((ms) => ms.toFixed(2)),
    `+${row.overFastestMs.toFixed(2)}`,
    usd(row.perMillion),
  ]);
  const bedrock = LAMBDA_CASES.find((c) => !c.inRule)!;
  return [
    table(
      [
        'memory MB',
        'CPU share (modelled)',
        ...LAMBDA_CASES.map((c) => `${c.name} ms${c.inRule ? '' : ' (not in the rule)'}`),
        'rule: over fastest ms',
        `Lambda per million at ${seconds(REFERENCE_UPSTREAM_MS)}`,
      ],
      rows,
    ),
    '',
    `Default: ${chosen} MB, the cheapest size whose added latency stays within ${LATENCY_ALLOWANCE_MS} ms of the fastest on every path of the rule. ${bedrock.name} stays within ${LATENCY_ALLOWANCE_MS} ms from ${smallestMemoryWithin(bedrock)} MB.`,
    '',
  ].join('\n');
}

export function inputsReport(): string {
  const measured = [
    ...PATHS.map((p) => [p.name, `${(p.cpuMs * 1000).toFixed(0)} µs CPU, ${(p.wallMs * 1000).toFixed(0)} µs wall`, p.source]),
    ['DynamoDB command, SDK CPU in the caller', `${DYNAMODB_CALL_CPU_MS * 1000} µs`, 'BENCHMARKS.md, "What the numbers say" (470–690 µs, the top taken)'],
    ['DynamoDB round trip in-region', `${DYNAMODB_ROUND_TRIP_MS} ms`, 'assumed (not measurable here; AWS documents single-digit milliseconds)'],
    ...DYNAMODB_PER_REQUEST.map((k) => [
      `DynamoDB per request, ${k.name}`,
      `${k.commands.join(' + ')}; ${k.writeUnits} WRU, ${k.readUnits} RRU; ${k.beforeUpstream} before the upstream call`,
      'counted by test/infra/cost-inputs.test.ts',
    ]),
    ...Object.entries(SERVER_CPU_MS).map(([key, v]) => [`local server CPU per request (Fargate), ${key} key`, `${(v.ms * 1000).toFixed(0)} µs`, v.source]),
    ['logged per request: gateway lines', `${LOG_BYTES.gateway} bytes`, 'counted by test/lambda/log-volume.test.ts'],
    ['logged per request: Lambda START/END/REPORT', `${LOG_BYTES.lambdaPlatform} bytes`, 'estimated from their documented format'],
    ['logged per request: API Gateway access line', `${LOG_BYTES.apiGatewayAccess} bytes`, 'estimated from the stage’s access log fields'],
  ];
  const prices = Object.values(PRICES).map((p) => [`$${p.usd}`, p.per, p.page]);
  return [
    `Measured on ${BENCH_RUN}.`,
    '',
    table(['input', 'value', 'source'], measured),
    '',
    `List prices, ${PRICE_REGION}, as of ${PRICES_AS_OF}:`,
    '',
    table(['price', 'per', 'page'], prices),
    '',
  ].join('\n');
}

/** The generated blocks of docs/COST.md, by name. */
export function costDocBlocks(): Record<string, string> {
  return {
    example: workloadReport({ requestsPerMonth: 1e7, upstreamMs: 5000, key: 'virtual' }),
    'per-million': perMillionTable(),
    'break-even': breakEvenTable(),
    memory: memoryReport(),
    inputs: inputsReport(),
  };
}

/** docs/COST.md with every generated block (`<!-- cost:NAME -->` … `<!-- /cost:NAME -->`) rewritten from the model. */
export function fillCostDoc(doc: string): string {
  const blocks = costDocBlocks();
  const filled = doc.replace(/(<!-- cost:([a-z-]+) -->\n)[\s\S]*?(<!-- \/cost:\2 -->)/g, (_all, open: string, name: string, close: string) => {
    const block = blocks[name];
    if (block === undefined) throw new Error(`docs/COST.md names a block "${name}" the cost model does not make`);
    return `${open}\n${block}\n${close}`;
  });
  for (const name of Object.keys(blocks)) if (!filled.includes(`<!-- cost:${name} -->`)) throw new Error(`docs/COST.md lacks the block "${name}"`);
  return filled;
}
