// A fake upstream on 127.0.0.1: records every request and answers with whatever the test scripts.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  /** The body's bytes (uploads, protobuf). */
  raw: Buffer;
  json: any;
}

export type Responder = (request: RecordedRequest, res: ServerResponse, req: IncomingMessage) => void | Promise<void>;

export interface RecordingServer {
  url: string;
  requests: RecordedRequest[];
  /** Replaces how the next requests are answered. */
  respond(responder: Responder): void;
  close(): Promise<void>;
}

export async function startRecordingServer(responder: Responder = (_r, res) => void res.writeHead(500).end()): Promise<RecordingServer> {
  let current = responder;
  const requests: RecordedRequest[] = [];
  const server = createServer(async (req, res) => {
    const parts: Buffer[] = [];
    for await (const chunk of req) parts.push(chunk as Buffer);
    const raw = Buffer.concat(parts);
    const body = raw.toString('utf8');
    let json: unknown;
    try {
      json = body ? JSON.parse(body) : undefined;
    } catch {
      json = undefined;
    }
    const recorded = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, raw, json };
    requests.push(recorded);
    await current(recorded, res, req);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    respond: (next) => void (current = next),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

/** Writes an SSE body event by event, `gapMs` apart, as a real upstream streams. */
export async function sendSse(res: ServerResponse, events: string[], gapMs = 0): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  for (const event of events) {
    if (res.destroyed) return;
    res.write(event.endsWith('\n\n') ? event : `${event}\n\n`);
    if (gapMs) await sleep(gapMs);
  }
  res.end();
}
