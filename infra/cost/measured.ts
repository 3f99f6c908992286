// What the cost model (./model.ts) takes from measurements rather than price pages: the gateway's CPU
// and wall time per request on each path (docs/BENCHMARKS.md), the DynamoDB commands and capacity units
// per request (counted by test/infra/cost-inputs.test.ts), and the bytes it logs per request (counted by
// test/lambda/log-volume.test.ts). Each figure says where it comes from; the few that could not be
// measured here say so.

/** The bench run the CPU and wall figures come from (docs/BENCHMARKS.md, "Latest results"). */
export const BENCH_RUN = '2026-11-24T19:55Z, 2 shared vCPUs (AMD EPYC), load average 0.63 before the run';

export interface MeasuredPath {
  name: string;
  /** The gateway's CPU per request, in process (no HTTP server), one request at a time as Lambda runs them. */
  cpuMs: number;
  /** The gateway's wall time per request in the same run, less the fake upstream's 1 ms. */
  wallMs: number;
  source: string;
}

const section3 = (row: string, cpuUs: number, wallUs: number): Pick<MeasuredPath, 'cpuMs' | 'wallMs' | 'source'> => ({
  cpuMs: cpuUs / 1000,
  wallMs: (wallUs - 1000) / 1000,
  source: `BENCHMARKS.md §3 "${row}": ${cpuUs.toLocaleString('en-US')} µs CPU, ${wallUs.toLocaleString('en-US')} µs wall`,
});

/**
 * The Responses bridge (`/v1/responses` for a model served on chat: request, answer and stream events
 * translated) against the streamed Anthropic chat translation it runs on, both measured in one targeted
 * run of the in-process harness (3 × 300 streamed requests each, taken in turns), 2026-12-05 10:41 UTC,
 * load average 13–17: 1,173 against 1,011 µs CPU, 2,998 against 2,485 µs wall beyond the upstream's
 * 1 ms. The load makes its absolute numbers meaningless; the ratio is what is used.
 */
export const RESPONSES_BRIDGE_RATIO = { cpu: 1173 / 1011, wall: 2998 / 2485 };

const ANTHROPIC_STREAM = section3('Anthropic translation, stream', 370, 1560);

/** The paths the issue names, plus Bedrock (the dearest path the bench measures). */
export const PATHS: MeasuredPath[] = [
  { name: 'chat pass-through (OpenAI, streamed)', ...section3('OpenAI passthrough, stream', 408, 1570) },
  { name: 'translation (Anthropic, JSON)', ...section3('Anthropic translation, JSON', 417, 1608) },
  {
    name: 'Responses bridge (/v1/responses over Anthropic chat, streamed)',
    cpuMs: ANTHROPIC_STREAM.cpuMs * RESPONSES_BRIDGE_RATIO.cpu,
    wallMs: ANTHROPIC_STREAM.wallMs * RESPONSES_BRIDGE_RATIO.wall,
    source: `${ANTHROPIC_STREAM.source}, × ${RESPONSES_BRIDGE_RATIO.cpu.toFixed(2)} CPU and × ${RESPONSES_BRIDGE_RATIO.wall.toFixed(2)} wall (the bridge against it, measured together)`,
  },
  { name: 'Bedrock Converse (AWS SDK, streamed)', ...section3('Bedrock Converse translation (AWS SDK), stream', 1699, 2926) },
];

/**
 * One DynamoDB command's CPU in the caller (SDK v3: SigV4, middleware, marshalling, HTTP): 470–690 µs
 * measured alone against dynalite (BENCHMARKS.md, "What the numbers say"); the model takes the top.
 */
export const DYNAMODB_CALL_CPU_MS = 0.69;

/**
 * A DynamoDB round trip in-region. Not measurable here (dynalite shares this machine's CPUs); AWS
 * documents single-digit milliseconds, and the model takes 5 ms. At seconds of upstream time per
 * request it moves the cost by a fraction of a percent.
 */
export const DYNAMODB_ROUND_TRIP_MS = 5;

export type KeyKind = 'master' | 'virtual';

export interface RequestKind {
  key: KeyKind;
  name: string;
  /** Commands sent per warm request (the key record cached), as test/infra/cost-inputs.test.ts counts them. */
  commands: string[];
  /** Of those, sent before the upstream call: waited for by the client. */
  beforeUpstream: number;
  /** Round trips the invocation waits for in all: the ones after the last byte run side by side. */
  roundTrips: number;
  readUnits: number;
  /** Table and `by_entity` index writes together. */
  writeUnits: number;
}

export const DYNAMODB_PER_REQUEST: RequestKind[] = [
  { key: 'master', name: 'master key', commands: ['PutCommand', 'UpdateCommand'], beforeUpstream: 0, roundTrips: 2, readUnits: 0, writeUnits: 4 },
  {
    key: 'virtual',
    name: 'virtual key with a budget and rate limits',
    commands: ['UpdateCommand', 'PutCommand', 'UpdateCommand', 'UpdateCommand'],
    beforeUpstream: 1,
    roundTrips: 2,
    readUnits: 0,
    writeUnits: 8,
  },
];

/**
 * The local server's whole-process CPU per request (its HTTP server, the core, the SDK's DynamoDB calls):
 * BENCHMARKS.md §1, concurrency 1, the larger of JSON and streamed. This is what a Fargate task spends.
 */
export const SERVER_CPU_MS: Record<KeyKind, { ms: number; source: string }> = {
  master: { ms: 1.81, source: 'BENCHMARKS.md §1 "closed, c=1, stream, Tollgate, master key": 1,810 µs' },
  virtual: { ms: 3.706, source: 'BENCHMARKS.md §1 "closed, c=1, JSON, Tollgate, virtual key": 3,706 µs' },
};

/** Bytes logged per request to CloudWatch Logs. */
export const LOG_BYTES = {
  /** The gateway's access log line and its EMF metrics line: test/lambda/log-volume.test.ts counts them. */
  gateway: 1280,
  /** Lambda's START, END and REPORT lines (their documented format, with ids and durations filled in). */
  lambdaPlatform: 330,
  /** The stage's access log line (infra/tollgate-stack.ts's fields, filled in). */
  apiGatewayAccess: 300,
};
