// The load generator, the same for every target: undici keep-alive pools, a microsecond clock, and
// per request its latency, time to first body byte and the arrival time of each SSE event.
//   closed loop: `concurrency` clients, each sending its next request when the last one ends;
//   open loop: requests start on a fixed schedule whatever happened to earlier ones, and latency counts
//   from the scheduled start, so a target that falls behind shows its queue instead of hiding it.
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { chatBody } from './bench-config.ts';
import { SseEventCounter, summarize, type Summary } from './stats.ts';
import type { Target } from './targets.ts';

const REQUEST_TIMEOUT_MS = 10_000;
const STREAM_END = 'data: [DONE]\n\n';

export interface Sample {
  ok: boolean;
  latencyMs: number;
  ttfbMs: number;
  /** Milliseconds from the start at which each SSE event was complete (streams only). */
  events: number[];
}

export interface RunResult {
  requests: number;
  errors: number;
  rps: number;
  latency: Summary;
  ttfb: Summary;
}

/** A keep-alive connection pool to one target, sending one kind of request. */
export class LoadClient {
  private readonly pool: Pool;
  private readonly path: string;
  private readonly body: () => string;

  constructor(
    readonly target: Target,
    readonly stream: boolean,
    connections: number,
    /** Each request's body; the same chat request every time unless given. */
    body?: () => string,
  ) {
    const url = new URL(target.url);
    this.pool = new Pool(url.origin, { connections, keepAliveTimeout: 60_000, headersTimeout: REQUEST_TIMEOUT_MS, bodyTimeout: REQUEST_TIMEOUT_MS });
    this.path = url.pathname;
    const fixed = chatBody(target.model, stream);
    this.body = body ?? (() => fixed);
  }

  /** Sends one request; `start` is when it should have started (open loop), else now. */
  async send(start = performance.now()): Promise<Sample> {
    const counter = new SseEventCounter();
    const events: number[] = [];
    let ttfb = Number.NaN;
    let text = '';
    try {
      const sent = this.body();
      const headers = { ...this.target.headers, 'content-length': String(Buffer.byteLength(sent)) };
      const { statusCode, body } = await this.pool.request({ path: this.path, method: 'POST', headers, body: sent });
      for await (const chunk of body) {
        const now = performance.now() - start;
        if (Number.isNaN(ttfb)) ttfb = now;
        const part = (chunk as Buffer).toString('utf8');
        if (this.stream) {
          for (let n = counter.push(part); n > 0; n--) events.push(now);
          text = (text + part).slice(-STREAM_END.length);
        } else {
          text += part;
        }
      }
      const latencyMs = performance.now() - start;
      return { ok: statusCode === 200 && complete(text, this.stream), latencyMs, ttfbMs: ttfb, events };
    } catch {
      return { ok: false, latencyMs: performance.now() - start, ttfbMs: ttfb, events };
    }
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/** A 200 is only a success if the body is what the upstream sent: a completion, or a stream that ended. */
function complete(text: string, stream: boolean): boolean {
  return stream ? text === STREAM_END : text.includes('"chat.completion"');
}

export interface ClosedLoopOptions {
  concurrency: number;
  warmupSeconds: number;
  seconds: number;
}

/** The samples of one measured phase, and how long it took. */
export interface Measured {
  samples: Sample[];
  seconds: number;
}

export async function closedLoop(target: Target, stream: boolean, options: ClosedLoopOptions, body?: () => string): Promise<Measured> {
  const client = new LoadClient(target, stream, options.concurrency, body);
  try {
    const phase = async (seconds: number) => {
      const samples: Sample[] = [];
      const end = performance.now() + seconds * 1000;
      const worker = async () => {
        while (performance.now() < end) samples.push(await client.send());
      };
      const started = performance.now();
      await Promise.all(Array.from({ length: options.concurrency }, worker));
      return { samples, seconds: (performance.now() - started) / 1000 };
    };
    await phase(options.warmupSeconds);
    return await phase(options.seconds);
  } finally {
    await client.close();
  }
}

export interface OpenLoopOptions {
  /** Requests per second offered. */
  rate: number;
  warmupSeconds: number;
  seconds: number;
  /** Connections the client may open; requests beyond them wait in the client (and count that wait). */
  maxConnections: number;
}

export async function openLoop(target: Target, stream: boolean, options: OpenLoopOptions): Promise<Measured> {
  const client = new LoadClient(target, stream, options.maxConnections);
  try {
    await schedule(client, options.rate, options.warmupSeconds);
    const started = performance.now();
    const samples = await schedule(client, options.rate, options.seconds);
    return { samples, seconds: (performance.now() - started) / 1000 };
  } finally {
    await client.close();
  }
}

/** Starts requests at `rate` per second for `seconds`, each timed from its slot in the schedule. */
async function schedule(client: LoadClient, rate: number, seconds: number): Promise<Sample[]> {
  const total = Math.round(rate * seconds);
  const interval = 1000 / rate;
  const origin = performance.now();
  const inFlight: Array<Promise<Sample>> = [];
  for (let i = 0; i < total; i++) {
    const slot = origin + i * interval;
    const wait = slot - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    inFlight.push(client.send(slot));
  }
  return Promise.all(inFlight);
}

/** One result from phases measured apart (see run.ts: targets take turns, so noise hits them alike). */
export function summarizeRun(parts: readonly Measured[]): RunResult {
  const samples = parts.flatMap((part) => part.samples);
  const seconds = parts.reduce((total, part) => total + part.seconds, 0);
  const good = samples.filter((s) => s.ok);
  return {
    requests: samples.length,
    errors: samples.length - good.length,
    rps: good.length / seconds,
    latency: summarize(good.map((s) => s.latencyMs)),
    ttfb: summarize(good.map((s) => s.ttfbMs)),
  };
}
