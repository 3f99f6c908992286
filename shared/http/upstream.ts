// Calls to upstream providers: undici's `request` over keep-alive pools per origin (no fetch, no web
// streams on the hot path), with timeouts, client-abort propagation and error mapping.
import { Agent, errors as undiciErrors, request, type Dispatcher } from 'undici';
import { GatewayError } from '../core/errors.ts';

const dispatcher = new Agent({ keepAliveTimeout: 30_000, keepAliveMaxTimeout: 600_000, connections: 256 });

export interface UpstreamRequest {
  url: string;
  method?: 'POST' | 'GET';
  headers: Record<string, string>;
  body?: string;
  /** The request's abort signal: client gone. */
  signal: AbortSignal;
  /** Non-streams: the whole exchange. Streams without `streamTimeoutMs`: the longest silence. */
  timeoutMs: number;
  /** `stream_timeout`, for streams only: time allowed until the response headers, and between chunks. */
  streamTimeoutMs?: number;
  stream: boolean;
}

export type UpstreamBody = Dispatcher.ResponseData['body'];

export interface UpstreamResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: UpstreamBody;
  /** Non-streams: fires when the whole exchange has taken longer than its timeout, body reading included. */
  deadline?: AbortSignal;
  /** The provider's error mapping, for an error that comes inside this 2xx answer. */
  mapError: UpstreamErrorMapper;
}

/** Turns an upstream's non-2xx answer into the gateway's error; each provider knows its error body. */
export type UpstreamErrorMapper = (status: number, bodyText: string, headers: UpstreamResponse['headers']) => GatewayError;

const MAX_ERROR_BODY_BYTES = 64 * 1024;

export async function callUpstream(upstream: UpstreamRequest, mapError: UpstreamErrorMapper): Promise<UpstreamResponse> {
  const deadline = upstream.stream ? undefined : AbortSignal.timeout(upstream.timeoutMs);
  const signal = deadline ? AbortSignal.any([upstream.signal, deadline]) : upstream.signal;
  // stream_timeout is for streams only (as in LiteLLM): a whole answer may take `timeout` to start.
  const silenceMs = upstream.stream ? upstream.streamTimeoutMs ?? upstream.timeoutMs : upstream.timeoutMs;
  let response: Dispatcher.ResponseData;
  try {
    response = await request(upstream.url, {
      method: upstream.method ?? 'POST',
      headers: upstream.headers,
      body: upstream.body,
      signal,
      dispatcher,
      headersTimeout: silenceMs,
      bodyTimeout: silenceMs,
    });
  } catch (error) {
    throw connectionError(error, upstream, deadline);
  }
  if (response.statusCode < 200 || response.statusCode >= 300) {
    const text = await readCapped(response.body).catch(() => '');
    throw mapError(response.statusCode, text, response.headers);
  }
  // A stream asked for and a JSON body answered: an error sent with a 200 (OpenRouter, proxies) instead of events.
  if (upstream.stream && /json/i.test(headerValue(response.headers, 'content-type') ?? '')) {
    const text = await readCapped(response.body).catch(() => '');
    if (isErrorBody(parsedOrUndefined(text))) throw mapError(response.statusCode, text, response.headers);
    throw new GatewayError('upstream_error', `The upstream answered a streaming request with a JSON body (${text.length} bytes) instead of events.`);
  }
  return { status: response.statusCode, headers: response.headers, body: response.body, deadline, mapError };
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
 * error body sent with a 2xx status is the provider's error, not an answer.
 */
export async function readJson(response: UpstreamResponse, upstream: UpstreamRequest): Promise<unknown> {
  let text: string;
  try {
    text = await response.body.text();
  } catch (error) {
    throw connectionError(error, upstream, response.deadline);
  }
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

/** Maps what undici throws while connecting or reading into timeout (408), client abort, or 502. */
export function connectionError(error: unknown, upstream: Pick<UpstreamRequest, 'url' | 'signal'>, deadline?: AbortSignal): GatewayError {
  if (error instanceof GatewayError) return error;
  const origin = new URL(upstream.url).origin;
  if (deadline?.aborted || error instanceof undiciErrors.HeadersTimeoutError || error instanceof undiciErrors.BodyTimeoutError) {
    return new GatewayError('timeout', `The upstream ${origin} did not answer in time. Raise litellm_params.timeout (or stream_timeout) if the model needs longer.`, { cause: error });
  }
  if (upstream.signal.aborted) {
    return new GatewayError('upstream_unreachable', 'The request was aborted because the client went away.', { cause: error });
  }
  return new GatewayError('upstream_unreachable', `Cannot reach the upstream ${origin}: ${(error as Error).message ?? 'connection failed'}.`, { cause: error });
}

async function readCapped(body: UpstreamBody): Promise<string> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    parts.push(chunk as Buffer);
    size += (chunk as Buffer).length;
    if (size >= MAX_ERROR_BODY_BYTES) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(parts).toString('utf8').slice(0, MAX_ERROR_BODY_BYTES);
}

export function headerValue(headers: UpstreamResponse['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}
