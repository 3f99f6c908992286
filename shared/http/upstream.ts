// Calls to upstream providers: node:http(s) over keep-alive agents (a socket pool per origin; no fetch,
// no web streams on the hot path), with timeouts, client-abort propagation and error mapping.
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import { GatewayError } from '../core/errors.ts';
import { JsonDepthGauge, MAX_JSON_DEPTH } from '../core/json-depth.ts';
import { shownSize } from '../core/request-body.ts';

// Up to 256 connections per origin; an idle one is closed after 30 s, or sooner if the upstream's
// Keep-Alive header says so. LIFO reuses the warmest connection and lets the others idle out.
const AGENT_OPTIONS = { keepAlive: true, maxSockets: 256, timeout: 30_000, scheduling: 'lifo' } as const;
const agents = { http: new HttpAgent(AGENT_OPTIONS), https: new HttpsAgent(AGENT_OPTIONS) };
/** How long connecting (TCP, TLS) may take before the upstream counts as unreachable. */
const CONNECT_TIMEOUT_MS = 10_000;

export interface UpstreamRequest {
  url: string;
  method?: 'POST' | 'GET';
  headers: Record<string, string>;
  /** JSON text, or the bytes of a multipart upload. */
  body?: string | Buffer;
  /** The request's abort signal: client gone. */
  signal: AbortSignal;
  /** Non-streams: the whole exchange. Streams without `streamTimeoutMs`: the longest silence. */
  timeoutMs: number;
  /** `stream_timeout`, for streams only: time allowed until the response headers, and between chunks. */
  streamTimeoutMs?: number;
  stream: boolean;
  /** Non-streams: the most the answer may hold (`general_settings.max_response_size_mb`); more is a 502. */
  maxResponseBytes: number;
  /** The provider answering (`openai`, `vertex_ai`, ...), for messages. */
  provider: string;
}

export type UpstreamBody = Readable;

export interface UpstreamResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: UpstreamBody;
  /** Non-streams: fires when the whole exchange has taken longer than its timeout, body reading included. */
  deadline?: Deadline;
  /** The provider's error mapping, for an error that comes inside this 2xx answer. */
  mapError: UpstreamErrorMapper;
}

/** Turns an upstream's non-2xx answer into the gateway's error; each provider knows its error body. */
export type UpstreamErrorMapper = (status: number, bodyText: string, headers: UpstreamResponse['headers']) => GatewayError;

const MAX_ERROR_BODY_BYTES = 64 * 1024;

/**
 * A non-streamed exchange's timeout: its signal aborts when the client goes away or the time is up.
 * Ended (timer cleared, listener removed) as soon as the exchange is, so a finished call holds
 * nothing for the rest of its `timeout` (AbortSignal.timeout would, for up to 600 s each).
 */
export class Deadline {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private readonly onAbort = () => this.controller.abort();
  expired = false;

  constructor(
    private readonly clientSignal: AbortSignal,
    ms: number,
  ) {
    this.timer = setTimeout(() => {
      this.expired = true;
      this.controller.abort();
    }, ms);
    if (clientSignal.aborted) this.controller.abort();
    else clientSignal.addEventListener('abort', this.onAbort, { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  end(): void {
    clearTimeout(this.timer);
    this.clientSignal.removeEventListener('abort', this.onAbort);
  }
}

export async function callUpstream(upstream: UpstreamRequest, mapError: UpstreamErrorMapper): Promise<UpstreamResponse> {
  const deadline = upstream.stream ? undefined : new Deadline(upstream.signal, upstream.timeoutMs);
  const signal = deadline?.signal ?? upstream.signal;
  // stream_timeout is for streams only (as in LiteLLM): a whole answer may take `timeout` to start.
  const silenceMs = upstream.stream ? (upstream.streamTimeoutMs ?? upstream.timeoutMs) : upstream.timeoutMs;
  let response: IncomingMessage;
  try {
    response = await send(upstream, signal, silenceMs);
  } catch (error) {
    deadline?.end();
    throw connectionError(error, upstream, deadline?.expired);
  }
  const status = response.statusCode ?? 0;
  if (status < 200 || status >= 300) {
    const text = await readErrorBody(response);
    deadline?.end();
    throw mapError(status, text, response.headers);
  }
  // A stream asked for and a JSON body answered: an error sent with a 200 (OpenRouter, proxies) instead of events.
  if (upstream.stream && /json/i.test(headerValue(response.headers, 'content-type') ?? '')) {
    const text = await readErrorBody(response);
    if (isErrorBody(parsedOrUndefined(text))) throw mapError(status, text, response.headers);
    throw new GatewayError('upstream_error', `The upstream answered a streaming request with a JSON body (${text.length} bytes) instead of events.`);
  }
  // However the body is finished with (read, failed, destroyed), the exchange is over then.
  if (deadline) response.once('close', () => deadline.end());
  return { status, headers: response.headers, body: response, deadline, mapError };
}

/** The upstream was silent (no response head, or no body bytes) for longer than it may be. */
class UpstreamSilence extends Error {}

/**
 * Sends the request and resolves with the response once its head has arrived; its body is read by the
 * caller. `silenceMs` bounds every wait on the connection (the head, then each body chunk); past it the
 * exchange fails with UpstreamSilence, the request and the body alike.
 */
function send(upstream: UpstreamRequest, signal: AbortSignal, silenceMs: number): Promise<IncomingMessage> {
  const url = new URL(upstream.url);
  const secure = url.protocol === 'https:';
  return new Promise((resolve, reject) => {
    let response: IncomingMessage | undefined;
    const request = (secure ? httpsRequest : httpRequest)(url, { method: upstream.method ?? 'POST', headers: upstream.headers, agent: secure ? agents.https : agents.http, signal });
    request.setTimeout(silenceMs, () => {
      const error = new UpstreamSilence(`no answer for ${silenceMs} ms`);
      response?.destroy(error);
      request.destroy(error);
    });
    request.once('socket', (socket) => {
      if (!socket.connecting) return;
      const timer = setTimeout(() => request.destroy(new Error(`connecting took longer than ${CONNECT_TIMEOUT_MS / 1000} s`)), CONNECT_TIMEOUT_MS);
      socket.once(secure ? 'secureConnect' : 'connect', () => clearTimeout(timer)).once('close', () => clearTimeout(timer));
    });
    request.once('response', (answer) => resolve((response = answer)));
    // Also after the response: a connection lost mid-body fails the body, which the reader sees.
    request.on('error', reject);
    request.end(upstream.body);
  });
}

function parsedOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Whether a parsed answer is an error body (`{"error": ...}`, also as Google's one-element array) rather than what was asked for. */
function isErrorBody(value: unknown): boolean {
  const body = Array.isArray(value) && value.length === 1 ? value[0] : value;
  if (!body || typeof body !== 'object') return false;
  const error = (body as { error?: unknown }).error;
  return (typeof error === 'object' && error !== null) || (typeof error === 'string' && error !== '');
}

/**
 * Reads a whole non-streamed upstream body as a JSON object, mapping timeouts and cut connections; an
 * error body sent with a 2xx status is the provider's error, not an answer. An answer over
 * `maxResponseBytes` is a 502 at the byte that crosses it, never held whole; so is one nested too
 * deeply to handle (see json-depth.ts).
 */
export async function readJson(response: UpstreamResponse, upstream: UpstreamRequest): Promise<unknown> {
  let read: { text: string; complete: boolean; tooDeep: boolean };
  try {
    read = await readBounded(response.body, upstream.maxResponseBytes, new JsonDepthGauge(MAX_JSON_DEPTH));
  } catch (error) {
    throw connectionError(error, upstream, response.deadline?.expired);
  }
  if (!read.complete) {
    throw new GatewayError(
      'upstream_error',
      `${upstream.provider} answered with more than ${shownSize(upstream.maxResponseBytes)}, the most the gateway reads of a non-streamed answer (general_settings.max_response_size_mb). Ask for less (fewer inputs or tokens), stream it, or ask the admin to raise the limit.`,
    );
  }
  if (read.tooDeep) {
    throw new GatewayError('upstream_error', `${upstream.provider} answered with JSON nested more than ${MAX_JSON_DEPTH} levels deep, which the gateway does not pass on.`);
  }
  const { text } = read;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new GatewayError('upstream_error', `The upstream answered with a body that is not JSON (${text.length} bytes).`);
  }
  if (isErrorBody(value)) throw response.mapError(response.status, text, response.headers);
  // Every answer the providers read is an object; `null`, a number or a list is not an answer.
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new GatewayError('upstream_error', `The upstream answered with JSON that is not an object (${text.length} bytes).`);
  return value;
}

/** A whole non-streamed answer that is text, not JSON (a transcript as text, SRT or VTT), within `maxResponseBytes`. */
export async function readText(response: UpstreamResponse, upstream: UpstreamRequest): Promise<string> {
  let read: { text: string; complete: boolean };
  try {
    read = await readBounded(response.body, upstream.maxResponseBytes);
  } catch (error) {
    throw connectionError(error, upstream, response.deadline?.expired);
  }
  if (!read.complete)
    throw new GatewayError(
      'upstream_error',
      `${upstream.provider} answered with more than ${shownSize(upstream.maxResponseBytes)}, the most the gateway reads of a non-streamed answer (general_settings.max_response_size_mb).`,
    );
  return read.text;
}

/** Maps what fails while connecting or reading into timeout (408), client abort, or 502. */
export function connectionError(error: unknown, upstream: Pick<UpstreamRequest, 'url' | 'signal'>, timedOut?: boolean): GatewayError {
  if (error instanceof GatewayError) return error;
  const origin = new URL(upstream.url).origin;
  if (timedOut || error instanceof UpstreamSilence) {
    return new GatewayError('timeout', `The upstream ${origin} did not answer in time. Raise litellm_params.timeout (or stream_timeout) if the model needs longer.`, { cause: error });
  }
  if (upstream.signal.aborted) {
    return new GatewayError('upstream_unreachable', 'The request was aborted because the client went away.', { cause: error });
  }
  // Node says only "aborted" or "socket hang up" when the upstream drops the connection mid-answer.
  const reason = (error as NodeJS.ErrnoException).code === 'ECONNRESET' ? 'it closed the connection before the answer was complete' : ((error as Error).message ?? 'connection failed');
  return new GatewayError('upstream_unreachable', `Cannot reach the upstream ${origin}: ${reason}.`, { cause: error });
}

/** The first 64 KB of an error answer, enough for any provider's message; '' if it cannot be read. */
function readErrorBody(body: UpstreamBody): Promise<string> {
  return readBounded(body, MAX_ERROR_BODY_BYTES).then(
    (read) => read.text,
    () => '',
  );
}

/**
 * Up to `maxBytes` of a body as text; past them the connection is dropped (`complete: false`) rather
 * than read on. With a gauge, reading also stops at JSON nested too deeply (`tooDeep`).
 */
async function readBounded(body: UpstreamBody, maxBytes: number, gauge?: JsonDepthGauge): Promise<{ text: string; complete: boolean; tooDeep: boolean }> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    if (size + chunk.length > maxBytes) {
      parts.push(chunk.subarray(0, maxBytes - size));
      body.destroy();
      return { text: Buffer.concat(parts).toString('utf8'), complete: false, tooDeep: false };
    }
    size += chunk.length;
    parts.push(chunk);
    if (gauge && !gauge.feed(chunk)) {
      body.destroy();
      return { text: '', complete: true, tooDeep: true };
    }
  }
  return { text: Buffer.concat(parts, size).toString('utf8'), complete: true, tooDeep: false };
}

export function headerValue(headers: UpstreamResponse['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}
