// A fake Bedrock Runtime on 127.0.0.1, speaking cleartext HTTP/2 (h2c) as the SDK's default request
// handler does: REST-JSON for Converse and InvokeModel, binary `application/vnd.amazon.eventstream`
// frames (encoded with @smithy/eventstream-codec) for ConverseStream. Records every request.
import { createServer, type Http2ServerRequest, type Http2ServerResponse, type Http2Session } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { EventStreamCodec, type MessageHeaders } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import { sleep } from './recording-server.ts';

export interface BedrockRequest {
  /** `converse`, `converse-stream`, `invoke`, `apply-guardrail` or `rerank` (the Agent Runtime's). */
  operation: string;
  /** Decoded from the path, e.g. `us.anthropic.claude-sonnet-4-5-20250929-v1:0` (for apply-guardrail, the guardrail's id). */
  modelId: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json: any;
  /** Resolves when the client closed or reset the HTTP/2 stream. */
  closed: Promise<void>;
}

/** One event-stream message: an event of the ConverseStream union, or an exception. */
export type StreamFrame = { event: string; payload: unknown } | { exception: string; payload: { message: string } };

export type BedrockResponder = (request: BedrockRequest, res: Http2ServerResponse) => void | Promise<void>;

export interface FakeBedrock {
  url: string;
  requests: BedrockRequest[];
  respond(responder: BedrockResponder): void;
  close(): Promise<void>;
}

const codec = new EventStreamCodec(toUtf8, fromUtf8);

export async function startFakeBedrock(responder: BedrockResponder = (_r, res) => sendBedrockError(res, 500, 'InternalServerException', 'no answer scripted')): Promise<FakeBedrock> {
  let current = responder;
  const requests: BedrockRequest[] = [];
  const sessions = new Set<Http2Session>();
  const server = createServer(async (req: Http2ServerRequest, res: Http2ServerResponse) => {
    const parts: Buffer[] = [];
    for await (const chunk of req) parts.push(chunk as Buffer);
    const body = Buffer.concat(parts).toString('utf8');
    // ApplyGuardrail's path names the guardrail where the others name the model.
    // The Agent Runtime's Rerank is one path of its own.
    const match = req.url === '/rerank' ? ['/rerank', '', 'rerank'] : /^\/(?:model|guardrail)\/([^/]+)\/(converse-stream|converse|invoke|version\/[^/]+\/apply)$/.exec(req.url ?? '');
    let json: unknown;
    try {
      json = body ? JSON.parse(body) : undefined;
    } catch {
      json = undefined;
    }
    const closed = new Promise<void>((resolve) => req.stream.once('close', () => resolve()));
    const recorded: BedrockRequest = {
      operation: match?.[2]?.endsWith('/apply') ? 'apply-guardrail' : (match?.[2] ?? 'unknown'),
      modelId: match ? decodeURIComponent(match[1]!) : '',
      path: req.url ?? '',
      headers: req.headers,
      body,
      json,
      closed,
    };
    requests.push(recorded);
    if (!match) return sendBedrockError(res, 404, 'UnknownOperationException', `no such operation: ${req.url}`);
    await current(recorded, res);
  });
  server.on('session', (session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    respond: (next) => void (current = next),
    close: () =>
      new Promise((resolve) => {
        for (const session of sessions) session.destroy();
        server.close(() => resolve());
      }),
  };
}

export function sendBedrockJson(res: Http2ServerResponse, body: unknown, status = 200): void {
  res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-requestid': 'b7e0a8d4-fake-0000-0000-000000000000' }).end(JSON.stringify(body));
}

/** An error answer as Bedrock sends it: the exception name in `x-amzn-errortype`, `{message}` as the body. */
export function sendBedrockError(res: Http2ServerResponse, status: number, exception: string, message: string): void {
  res
    .writeHead(status, {
      'content-type': 'application/json',
      'x-amzn-errortype': `${exception}:http://internal.amazon.com/coral/com.amazon.bedrock/`,
      'x-amzn-requestid': 'b7e0a8d4-fake-0000-0000-000000000000',
    })
    .end(JSON.stringify({ message }));
}

/** Encodes one event-stream message with the headers Bedrock puts on events and exceptions. */
export function encodeFrame(frame: StreamFrame): Uint8Array {
  const string = (value: string) => ({ type: 'string' as const, value });
  const headers: MessageHeaders =
    'event' in frame
      ? { ':message-type': string('event'), ':event-type': string(frame.event), ':content-type': string('application/json') }
      : { ':message-type': string('exception'), ':exception-type': string(frame.exception), ':content-type': string('application/json') };
  return codec.encode({ headers, body: fromUtf8(JSON.stringify(frame.payload)) });
}

/** Streams the frames one by one, `gapMs` apart; stops writing if the client went away. */
export async function sendEventStream(res: Http2ServerResponse, frames: StreamFrame[], gapMs = 0): Promise<void> {
  res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream', 'x-amzn-requestid': 'b7e0a8d4-fake-0000-0000-000000000000' });
  for (const frame of frames) {
    if (res.stream.destroyed || res.stream.closed) return;
    res.write(encodeFrame(frame));
    if (gapMs) await sleep(gapMs);
  }
  if (!res.stream.destroyed) res.end();
}

/** The region and service a SigV4 Authorization header is scoped to (the fake does not check the signature). */
export function sigV4Scope(authorization: unknown): { region: string; service: string } | undefined {
  const match = /^AWS4-HMAC-SHA256 Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=[^,]+, Signature=[0-9a-f]{64}$/.exec(String(authorization ?? ''));
  return match ? { region: match[1]!, service: match[2]! } : undefined;
}
