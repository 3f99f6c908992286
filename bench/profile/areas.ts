// Where a CPU profile's time goes: self time per function of a V8 `.cpuprofile` (written by
// `node --cpu-prof`), and the same grouped by area of a gateway request (HTTP server, upstream client,
// AWS SDK signing/marshalling/HTTP, logging, pipeline, JSON, GC...). Used by bench/profile/run.ts.

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  hitCount?: number;
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface SelfTime {
  name: string;
  area: string;
  /** Milliseconds of samples in the function itself. */
  ms: number;
}

export interface ProfileSummary {
  /** Milliseconds sampled, idle excluded. */
  busyMs: number;
  functions: SelfTime[];
  areas: Array<{ area: string; ms: number; share: number }>;
}

/** Rules tried in order against `url` and `functionName`: the first that matches names the area. */
const AREAS: Array<[string, (frame: CallFrame) => boolean]> = [
  ['GC', (f) => f.functionName === '(garbage collector)'],
  ['idle', (f) => f.functionName === '(idle)'],
  ['V8/Node other (program)', (f) => f.functionName === '(program)' || f.functionName === '(root)'],
  ['AWS SDK: SigV4 signing', (f) => /signature-v4|sha256|crc32|hash-node/.test(f.url)],
  ['AWS SDK: marshalling (util/lib-dynamodb)', (f) => /util-dynamodb|lib-dynamodb/.test(f.url)],
  ['AWS SDK: JSON protocol (de)serializers', (f) => /client-dynamodb\/dist-cjs\/|core\/dist-cjs\/submodules\/protocols|smithy-client/.test(f.url)],
  ['AWS SDK: HTTP handler', (f) => /node-http-handler/.test(f.url)],
  ['AWS SDK: middleware and the rest', (f) => /@aws-sdk|@smithy|@aws-crypto/.test(f.url)],
  ['logging', (f) => /shared\/core\/log|shared\/observability|powertools/.test(f.url)],
  ['spend tracking and store (shared/spend, shared/store)', (f) => /shared\/(spend|store)\//.test(f.url)],
  ['keys and auth (shared/keys, core/auth)', (f) => /shared\/keys\/|shared\/core\/auth/.test(f.url)],
  ['pipeline, router, endpoints', (f) => /shared\/(pipeline|router|endpoints|core|pricing|guardrails|cache)\//.test(f.url)],
  ['providers and upstream HTTP client (shared/providers, shared/http)', (f) => /shared\/(providers|http|openai)\//.test(f.url)],
  ['local server adapter (local/)', (f) => /\/local\//.test(f.url)],
  ['zod', (f) => /node_modules\/zod/.test(f.url)],
  ['node:http server', (f) => /node:_http_server|node:_http_incoming|node:_http_outgoing|node:_http_common/.test(f.url)],
  ['node:http client (agents)', (f) => /node:_http_client|node:_http_agent/.test(f.url)],
  ['sockets and streams (node:net, node:stream)', (f) => /node:net|node:internal\/stream|node:stream|node:internal\/streams|node:internal\/net/.test(f.url)],
  ['socket writes (native writev/writeUtf8String/writeBuffer)', (f) => f.url === '' && /^(writev|writeUtf8String|writeBuffer|writeLatin1String|writeGeneric)$/.test(f.functionName)],
  ['JSON.parse/stringify (native)', (f) => f.url === '' && /^(parse|stringify)$/.test(f.functionName)],
  ['crypto (native hashes, random)', (f) => /node:internal\/crypto/.test(f.url) || (f.url === '' && /^(digest|update|Hash|randomUUID|getRandomValues)$/.test(f.functionName))],
  ['timers, promises, microtasks', (f) => /node:internal\/timers|node:timers|node:internal\/process\/task_queues|node:internal\/async_hooks/.test(f.url)],
  ['tsx loader', (f) => /node_modules\/tsx/.test(f.url)],
  ['other native', (f) => f.url === ''],
  ['other Node internals', (f) => f.url.startsWith('node:')],
  ['other packages', (f) => f.url.includes('node_modules')],
];

export function areaOf(frame: CallFrame): string {
  return AREAS.find(([, matches]) => matches(frame))?.[0] ?? 'other';
}

/**
 * Self time per function (the sampled stack's top frame), largest first, and per area. With
 * `windows` (µs of the monotonic clock, as `process.hrtime` and V8's profiler read it), only samples
 * taken within them count: the measured load, not the server's start-up or the other targets' turns.
 */
export function summarizeProfile(profile: CpuProfile, windows?: Array<[number, number]>): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfMicros = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  // A sample's delta is the time since the one before: the next sample's delta is this one's length.
  let at = profile.startTime;
  for (let i = 0; i < samples.length; i++) {
    at += deltas[i] ?? 0;
    if (windows && !windows.some(([from, to]) => at >= from && at <= to)) continue;
    const length = deltas[i + 1] ?? 0;
    selfMicros.set(samples[i]!, (selfMicros.get(samples[i]!) ?? 0) + Math.max(length, 0));
  }
  const functions = new Map<string, SelfTime>();
  for (const [id, micros] of selfMicros) {
    const frame = byId.get(id)!.callFrame;
    const area = areaOf(frame);
    const file = frame.url.replace(/^file:\/\/.*?\/(node_modules|shared|local|bench)\//, '$1/');
    const name = `${frame.functionName || '(anonymous)'} ${file ? `${file}:${frame.lineNumber + 1}` : '(native)'}`;
    const entry = functions.get(name) ?? { name, area, ms: 0 };
    entry.ms += micros / 1000;
    functions.set(name, entry);
  }
  const busy = [...functions.values()].filter((f) => f.area !== 'idle');
  const busyMs = busy.reduce((sum, f) => sum + f.ms, 0);
  const areaTotals = new Map<string, number>();
  for (const f of busy) areaTotals.set(f.area, (areaTotals.get(f.area) ?? 0) + f.ms);
  return {
    busyMs,
    functions: busy.sort((a, b) => b.ms - a.ms),
    areas: [...areaTotals].map(([area, ms]) => ({ area, ms, share: ms / busyMs })).sort((a, b) => b.ms - a.ms),
  };
}
