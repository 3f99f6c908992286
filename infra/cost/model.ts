// The cost model of docs/COST.md and `tollgate cost`: what a month of requests costs in each deployment
// mode (Lambda behind API Gateway, the local server on Fargate behind an ALB, and LiteLLM's documented
// production setup beside them), from the measured inputs (./measured.ts) and list prices (./prices.ts).
// Lambda's CPU share by memory is modelled, not measured: AWS documents one vCPU at 1,769 MB and a share
// in proportion below it; a single-threaded Node process gains nothing above it.
import { DYNAMODB_CALL_CPU_MS, DYNAMODB_PER_REQUEST, DYNAMODB_ROUND_TRIP_MS, LOG_BYTES, type KeyKind, type MeasuredPath, PATHS, type RequestKind, SERVER_CPU_MS } from './measured.ts';
import { HOURS_PER_MONTH, PRICES } from './prices.ts';

/** Memory at which a function has one full vCPU (AWS Lambda documentation). */
export const ONE_VCPU_MB = 1769;
/** The memory sizes the model compares (Lambda takes any from 128 MB to 10,240 MB). */
export const MEMORY_SIZES = [128, 256, 384, 512, 640, 768, 896, 1024, 1152, 1280, 1408, 1536, 1664, ONE_VCPU_MB, 2048, 3008];
/** The default memory may add at most this much latency over the fastest setting, on every path of the rule. */
export const LATENCY_ALLOWANCE_MS = 1;
/** The average upstream time the default memory is priced at. */
export const REFERENCE_UPSTREAM_MS = 5000;

const SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600;
const GB = 1024 ** 3;

/** The modelled CPU share of a function: 1 at 1,769 MB and above, proportionally less below. */
export function cpuShare(memoryMb: number): number {
  return Math.min(1, memoryMb / ONE_VCPU_MB);
}

export function requestKind(key: KeyKind): RequestKind {
  return DYNAMODB_PER_REQUEST.find((kind) => kind.key === key)!;
}

/** A path taken with a kind of key: what one Lambda invocation does. */
export interface LambdaCase {
  name: string;
  path: MeasuredPath;
  kind: RequestKind;
  /** Whether the default memory must keep this case within the allowance. */
  inRule: boolean;
}

const pathNamed = (prefix: string) => PATHS.find((p) => p.name.startsWith(prefix))!;

export const LAMBDA_CASES: LambdaCase[] = [
  { name: 'chat pass-through, master key', path: pathNamed('chat pass-through'), kind: requestKind('master'), inRule: true },
  { name: 'translation, master key', path: pathNamed('translation'), kind: requestKind('master'), inRule: true },
  { name: 'virtual key (budget, limits), pass-through', path: pathNamed('chat pass-through'), kind: requestKind('virtual'), inRule: true },
  { name: 'Responses bridge, master key', path: pathNamed('Responses bridge'), kind: requestKind('master'), inRule: true },
  { name: 'Bedrock Converse, virtual key', path: pathNamed('Bedrock'), kind: requestKind('virtual'), inRule: false },
];

/** The gateway's time from the request to its last byte, without the upstream's: what the client waits for. */
export function addedLatencyMs(c: LambdaCase, memoryMb: number): number {
  const waiting = c.path.wallMs - c.path.cpuMs;
  const cpu = c.path.cpuMs + c.kind.beforeUpstream * DYNAMODB_CALL_CPU_MS;
  return waiting + cpu / cpuShare(memoryMb) + c.kind.beforeUpstream * DYNAMODB_ROUND_TRIP_MS;
}

/** Billed duration of one invocation: the upstream's time, the gateway's work and every DynamoDB round trip, to the next ms. */
export function billedMs(c: LambdaCase, memoryMb: number, upstreamMs: number): number {
  const waiting = c.path.wallMs - c.path.cpuMs;
  const cpu = c.path.cpuMs + c.kind.commands.length * DYNAMODB_CALL_CPU_MS;
  return Math.ceil(upstreamMs + waiting + cpu / cpuShare(memoryMb) + c.kind.roundTrips * DYNAMODB_ROUND_TRIP_MS);
}

/** Lambda's own charges per million requests (requests and duration, arm64). */
export function lambdaPerMillion(c: LambdaCase, memoryMb: number, upstreamMs: number): number {
  const gbSeconds = (memoryMb / 1024) * (billedMs(c, memoryMb, upstreamMs) / 1000);
  return PRICES.lambdaRequests.usd + 1e6 * gbSeconds * PRICES.lambdaArmGbSecond.usd;
}

export interface MemoryRow {
  memoryMb: number;
  /** Added latency per case, in the order of LAMBDA_CASES. */
  latencyMs: number[];
  /** Over the fastest setting, the worst case of the rule. */
  overFastestMs: number;
  /** Lambda's charges per million requests of the rule's dearest case, at the reference upstream time. */
  perMillion: number;
}

export function memoryTable(): MemoryRow[] {
  const fastest = LAMBDA_CASES.map((c) => Math.min(...MEMORY_SIZES.map((m) => addedLatencyMs(c, m))));
  return MEMORY_SIZES.map((memoryMb) => {
    const latencyMs = LAMBDA_CASES.map((c) => addedLatencyMs(c, memoryMb));
    const ruled = LAMBDA_CASES.flatMap((c, i) => (c.inRule ? [latencyMs[i]! - fastest[i]!] : []));
    const perMillion = Math.max(...LAMBDA_CASES.filter((c) => c.inRule).map((c) => lambdaPerMillion(c, memoryMb, REFERENCE_UPSTREAM_MS)));
    return { memoryMb, latencyMs, overFastestMs: Math.max(...ruled), perMillion };
  });
}

/** The stack's default memory: the cheapest size whose added latency is within the allowance of the fastest's. */
export function defaultLambdaMemoryMb(): number {
  const within = memoryTable().filter((row) => row.overFastestMs <= LATENCY_ALLOWANCE_MS);
  return within.reduce((best, row) => (row.perMillion < best.perMillion ? row : best)).memoryMb;
}

/** Which memory would keep a case (e.g. Bedrock) within the allowance: the smallest size that does. */
export function smallestMemoryWithin(c: LambdaCase): number {
  const fastest = Math.min(...MEMORY_SIZES.map((m) => addedLatencyMs(c, m)));
  return MEMORY_SIZES.find((m) => addedLatencyMs(c, m) - fastest <= LATENCY_ALLOWANCE_MS)!;
}

// ---- A month of requests, per mode ----

export interface Workload {
  requestsPerMonth: number;
  upstreamMs: number;
  key: KeyKind;
  /** Lambda memory; default: the stack's. */
  memoryMb?: number;
}

export interface LineItem {
  item: string;
  usd: number;
}

export interface ModeCost {
  mode: 'lambda' | 'fargate' | 'litellm';
  title: string;
  items: LineItem[];
  monthly: number;
  perMillion: number;
  /** What runs: instances or concurrency. */
  shape: string;
}

/** The Fargate task the stack runs (infra/fargate-service.ts): one vCPU, as one Node process uses. */
export const FARGATE_TASK = { vcpu: 1, memoryGb: 2, minTasks: 2, targetCpu: 0.5 };
/**
 * Streams in flight one task holds. Not measured here: open sockets and stream buffers take tens of KB
 * each, so 2 GB holds far more; 1,000 leaves room for large requests.
 */
export const STREAMS_PER_TASK = 1000;
/** Bytes an ALB processes per request (request and answer). Assumed: a chat prompt and answer of a few KB. */
export const ALB_BYTES_PER_REQUEST = 10_000;

/**
 * LiteLLM's documented production setup: gateway instances of 4 vCPU / 8 GB (the machines of its
 * published benchmarks, docs.litellm.ai/docs/benchmarks, workers = CPUs), at least two; Postgres for
 * keys and spend; Redis shared by the instances (docs.litellm.ai/docs/proxy/prod; Redis sizing: 2 vCPU /
 * 8 GB up to 1,000 RPS, docs.litellm.ai/docs/proxy/redis_sizing). Its benchmark served 1,170
 * /chat/completions requests a second on four such instances: 292 per instance.
 */
export const LITELLM_SETUP = { vcpu: 4, memoryGb: 8, minInstances: 2, rpsPerInstance: 292, redisNodes: 2 };

const perMonth = (hourly: number) => hourly * HOURS_PER_MONTH;

function dynamoItems(w: Workload): LineItem[] {
  const kind = requestKind(w.key);
  const millions = w.requestsPerMonth / 1e6;
  return [
    {
      item: `DynamoDB on-demand (${kind.writeUnits} write, ${kind.readUnits} read units a request)`,
      usd: millions * (kind.writeUnits * PRICES.dynamoWrite.usd + kind.readUnits * PRICES.dynamoRead.usd),
    },
  ];
}

function logsItem(w: Workload, bytesPerRequest: number): LineItem {
  return { item: `CloudWatch Logs (${bytesPerRequest.toLocaleString('en-US')} bytes a request)`, usd: ((w.requestsPerMonth * bytesPerRequest) / GB) * PRICES.logsIngestion.usd };
}

/** The ALB: its hours, and LCUs from the largest of new connections, active connections and bytes. */
function albItems(w: Workload): LineItem[] {
  const rps = w.requestsPerMonth / SECONDS_PER_MONTH;
  const active = rps * (w.upstreamMs / 1000);
  const gbPerHour = (rps * 3600 * ALB_BYTES_PER_REQUEST) / 1e9;
  const lcus = Math.max(rps / 25, active / 3000, gbPerHour);
  return [
    { item: 'Application Load Balancer (hours, 2 public IPv4 addresses)', usd: perMonth(PRICES.albHour.usd + 2 * PRICES.publicIpv4Hour.usd) },
    { item: `ALB capacity units (${lcus.toFixed(2)} LCU)`, usd: perMonth(lcus * PRICES.albLcuHour.usd) },
  ];
}

function total(mode: ModeCost['mode'], title: string, shape: string, items: LineItem[], w: Workload): ModeCost {
  const monthly = items.reduce((sum, i) => sum + i.usd, 0);
  return { mode, title, shape, items, monthly, perMillion: monthly / (w.requestsPerMonth / 1e6) };
}

export function lambdaCost(w: Workload): ModeCost {
  const memoryMb = w.memoryMb ?? defaultLambdaMemoryMb();
  const c = LAMBDA_CASES.find((x) => x.kind.key === w.key && x.path.name.startsWith('chat pass-through'))!;
  const millions = w.requestsPerMonth / 1e6;
  const billed = billedMs(c, memoryMb, w.upstreamMs);
  const concurrency = (w.requestsPerMonth / SECONDS_PER_MONTH) * (billed / 1000);
  return total(
    'lambda',
    `Lambda ${memoryMb} MB + API Gateway`,
    `${Math.ceil(concurrency)} concurrent on average, ${billed.toLocaleString('en-US')} ms billed a request`,
    [
      { item: 'Lambda requests', usd: millions * PRICES.lambdaRequests.usd },
      { item: `Lambda duration (${memoryMb} MB, arm64)`, usd: millions * (lambdaPerMillion(c, memoryMb, w.upstreamMs) - PRICES.lambdaRequests.usd) },
      { item: 'API Gateway REST requests', usd: millions * PRICES.apiGatewayRest.usd },
      ...dynamoItems(w),
      logsItem(w, LOG_BYTES.gateway + LOG_BYTES.lambdaPlatform + LOG_BYTES.apiGatewayAccess),
    ],
    w,
  );
}

/** Tasks running on average: autoscaling follows the load, and never goes below the minimum. */
export function fargateTasks(w: Workload): number {
  const rps = w.requestsPerMonth / SECONDS_PER_MONTH;
  const byCpu = (rps * SERVER_CPU_MS[w.key].ms) / 1000 / (FARGATE_TASK.vcpu * FARGATE_TASK.targetCpu);
  const byStreams = (rps * (w.upstreamMs / 1000)) / STREAMS_PER_TASK;
  return Math.max(FARGATE_TASK.minTasks, Math.ceil(byCpu), Math.ceil(byStreams));
}

export function fargateCost(w: Workload): ModeCost {
  const tasks = fargateTasks(w);
  const taskHour = FARGATE_TASK.vcpu * PRICES.fargateArmVcpuHour.usd + FARGATE_TASK.memoryGb * PRICES.fargateArmGbHour.usd;
  return total(
    'fargate',
    `Fargate ${FARGATE_TASK.vcpu} vCPU / ${FARGATE_TASK.memoryGb} GB + ALB`,
    `${tasks} tasks`,
    [
      { item: `Fargate tasks (${tasks} × ${FARGATE_TASK.vcpu} vCPU / ${FARGATE_TASK.memoryGb} GB, arm64, public IPv4 each)`, usd: tasks * perMonth(taskHour + PRICES.publicIpv4Hour.usd) },
      ...albItems(w),
      ...dynamoItems(w),
      logsItem(w, LOG_BYTES.gateway),
    ],
    w,
  );
}

export function liteLlmCost(w: Workload): ModeCost {
  const rps = w.requestsPerMonth / SECONDS_PER_MONTH;
  const instances = Math.max(LITELLM_SETUP.minInstances, Math.ceil(rps / LITELLM_SETUP.rpsPerInstance));
  const instanceHour = LITELLM_SETUP.vcpu * PRICES.fargateArmVcpuHour.usd + LITELLM_SETUP.memoryGb * PRICES.fargateArmGbHour.usd;
  return total(
    'litellm',
    'LiteLLM (instances + Postgres + Redis)',
    `${instances} instances`,
    [
      { item: `LiteLLM instances (${instances} × ${LITELLM_SETUP.vcpu} vCPU / ${LITELLM_SETUP.memoryGb} GB on Fargate, arm64)`, usd: instances * perMonth(instanceHour + PRICES.publicIpv4Hour.usd) },
      ...albItems(w),
      { item: 'Postgres (RDS db.m7g.large, Multi-AZ; storage not counted)', usd: perMonth(PRICES.rdsPostgresM7gLargeMultiAz.usd) },
      { item: `Redis (ElastiCache cache.r7g.large × ${LITELLM_SETUP.redisNodes}, primary and replica)`, usd: LITELLM_SETUP.redisNodes * perMonth(PRICES.elasticacheR7gLarge.usd) },
      logsItem(w, LOG_BYTES.gateway),
    ],
    w,
  );
}

export function costs(w: Workload): ModeCost[] {
  return [lambdaCost(w), fargateCost(w), liteLlmCost(w)];
}

/**
 * The monthly volume above which Fargate costs less than Lambda at this upstream time (Lambda grows with
 * every request; Fargate starts from its minimum tasks and ALB), to the nearest 0.1 million.
 */
export function breakEvenRequests(upstreamMs: number, key: KeyKind, memoryMb?: number): number {
  const cheaperOnFargate = (requests: number) => {
    const w = { requestsPerMonth: requests, upstreamMs, key, memoryMb };
    return fargateCost(w).monthly < lambdaCost(w).monthly;
  };
  let low = 1e5;
  let high = 1e11;
  if (cheaperOnFargate(low)) return low;
  while (high - low > 1e5) {
    const mid = (low + high) / 2;
    if (cheaperOnFargate(mid)) high = mid;
    else low = mid;
  }
  return Math.round(high / 1e5) * 1e5;
}
