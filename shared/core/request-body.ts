// Reading a request body within limits, as it arrives: a body over the caller's size cap is refused
// at the byte that crosses it (or at once, by its Content-Length), and one that nests too deeply at
// the bracket that goes too deep, so neither is ever held whole or parsed.
import { GatewayError } from './errors.ts';
import { JsonDepthGauge, MAX_JSON_DEPTH } from './json-depth.ts';
import type { IncomingBody } from './types.ts';

/** LiteLLM's `max_request_size_mb` default here: what an authenticated caller may send. */
export const DEFAULT_MAX_REQUEST_BYTES = 32 * 1024 * 1024;
/** What a request on a route without authentication (the health probes) may carry. */
export const PUBLIC_MAX_REQUEST_BYTES = 64 * 1024;

export interface BodyLimit {
  maxBytes: number;
  /** The 413's message after "The request body is larger than 32 MB": whose limit it is, what to do. */
  explanation: string;
}

export async function readRequestBody(body: IncomingBody, contentLength: string | undefined, limit: BodyLimit): Promise<string> {
  if (typeof body === 'string') {
    if (contentLength !== undefined && Number(contentLength) > limit.maxBytes) throw tooLarge(limit);
    // A string's length never exceeds its UTF-8 size: the cheap test first.
    if (body.length > limit.maxBytes || Buffer.byteLength(body) > limit.maxBytes) throw tooLarge(limit);
    if (!new JsonDepthGauge(MAX_JSON_DEPTH).feed(Buffer.from(body))) throw tooDeep();
    return body;
  }
  return (await readRequestBytes(body, contentLength, limit, new JsonDepthGauge(MAX_JSON_DEPTH))).toString('utf8');
}

/** The body's bytes, within the size limit; with a gauge, within the nesting limit too (binary bodies, multipart uploads, have none). */
export async function readRequestBytes(body: IncomingBody, contentLength: string | undefined, limit: BodyLimit, gauge?: JsonDepthGauge): Promise<Buffer> {
  if (contentLength !== undefined && Number(contentLength) > limit.maxBytes) throw tooLarge(limit);
  if (typeof body === 'string') body = [Buffer.from(body)];
  const parts: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      size += chunk.length;
      if (size > limit.maxBytes) throw tooLarge(limit);
      if (gauge && !gauge.feed(chunk)) throw tooDeep();
      parts.push(chunk);
    }
  } catch (error) {
    if (error instanceof GatewayError) throw error;
    throw new GatewayError('invalid_request', 'Could not read the request body: the connection failed while it was being sent.', { cause: error });
  }
  return Buffer.concat(parts, size);
}

function tooLarge(limit: BodyLimit): GatewayError {
  return new GatewayError('payload_too_large', `The request body is larger than ${shownSize(limit.maxBytes)}, ${limit.explanation}`);
}

function tooDeep(): GatewayError {
  return new GatewayError('invalid_json', `The request body nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep, which no API request needs. Flatten it.`);
}

/** 32 MB, 64 KB, 1.5 MB: sizes as people set them (LiteLLM's MB are 1024 × 1024 bytes). */
export function shownSize(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  if (mb >= 1) return `${Number(mb.toFixed(2))} MB`;
  return `${Number((bytes / 1024).toFixed(2))} KB`;
}
