// The local adapter: node:http in front of the core. It only moves bytes; the gateway decides.
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Gateway } from '../shared/core/gateway.ts';
import { GatewayError } from '../shared/core/errors.ts';
import type { GatewayResponse, IncomingRequest } from '../shared/core/types.ts';

export interface RunningServer {
  url: string;
  server: Server;
  /** Closes every connection at once, streams in flight included; waits for their after-response hooks. */
  close(): Promise<void>;
  /**
   * Graceful shutdown (SIGTERM): stops taking connections, answers the requests in flight to the end
   * (streams included) and runs their after-response hooks (spend records), for at most `graceMs`;
   * then closes what is left as `close()` does.
   */
  drain(graceMs: number): Promise<void>;
  /** Resolves once the requests in flight now have answered and run their after-response hooks. */
  idle(): Promise<void>;
}

export async function listen(gateway: Gateway, host: string, port: number): Promise<RunningServer> {
  // Requests still running their after-response hooks (spend records): close() waits for them.
  const inFlight = new Set<Promise<void>>();
  let draining = false;
  const server = createServer((req, res) => {
    // A request arriving on a kept-alive connection while draining is answered, then its connection closed.
    if (draining) res.setHeader('connection', 'close');
    const serving = serve(gateway, req, res).finally(() => inFlight.delete(serving));
    inFlight.add(serving);
  });
  server.keepAliveTimeout = 65_000;
  server.on('clientError', answerUnparsable);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const close = async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
    await Promise.allSettled(inFlight);
  };
  return {
    url: `http://${shownHost}:${address.port}`,
    server,
    close,
    idle: async () => {
      await Promise.allSettled(inFlight);
    },
    drain: async (graceMs) => {
      draining = true;
      server.close();
      const deadline = Date.now() + graceMs;
      while (inFlight.size > 0 && Date.now() < deadline) {
        server.closeIdleConnections();
        await Promise.race([Promise.allSettled(inFlight), new Promise((resolve) => setTimeout(resolve, Math.min(100, deadline - Date.now())))]);
      }
      await close();
    },
  };
}

async function serve(gateway: Gateway, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const controller = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  let target: { path: string; query: Record<string, string> };
  try {
    target = requestTarget(req.url ?? '/');
  } catch (error) {
    writeError(res, error as GatewayError);
    req.resume();
    return;
  }
  const request: IncomingRequest = {
    method: req.method ?? 'GET',
    ...target,
    headers: flattenHeaders(req.headers),
    // The gateway reads the body after authentication, and may stop early (over a limit): then the
    // stream is left open, to be drained below, so the answer still reaches the client.
    body: req.iterator({ destroyOnReturn: false }),
    signal: controller.signal,
    sourceIp: req.socket.remoteAddress,
  };
  const response = await gateway.handle(request);
  // Unread bytes (a body refused, or never needed) are read and dropped: the client can finish
  // sending and read the answer, and the connection stays usable.
  if (!req.complete) req.resume();
  try {
    await write(res, response);
  } catch {
    // A streamed body that never started would otherwise keep its upstream call open.
    controller.abort();
    failed(res);
  } finally {
    await response.done();
  }
}

/**
 * A request node:http cannot parse (headers, URL included, over its 16 KB limit; broken HTTP) gets
 * its answer in the gateway's error format too, rather than Node's empty one; then the socket closes.
 */
function answerUnparsable(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (!socket.writable || error.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const failure =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? new GatewayError('request_header_too_large', 'The request line and headers are larger than the 16 KB the server takes: send long values in the body, not the URL.')
      : new GatewayError('invalid_request', 'The request is not valid HTTP/1.1.');
  const body = JSON.stringify(failure.toJSON());
  socket.end(`HTTP/1.1 ${failure.status} ${STATUS_CODES[failure.status]}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
}

/**
 * The path exactly as sent (the gateway refuses non-canonical ones; URL would resolve `..` and read
 * `//x/key/list` as host x) and the query. An absolute-form target (`GET http://host/path`) gives its path.
 */
function requestTarget(raw: string): { path: string; query: Record<string, string> } {
  const origin = /^https?:\/\/[^/?#]*/i.exec(raw)?.[0];
  const rest = origin === undefined ? raw : raw.slice(origin.length) || '/';
  const at = rest.indexOf('?');
  const path = at < 0 ? rest : rest.slice(0, at);
  if (!path.startsWith('/') || (origin !== undefined && !URL.canParse(raw))) {
    throw new GatewayError('invalid_request', 'The request target is not a valid URL path.');
  }
  return { path, query: at < 0 ? {} : Object.fromEntries(new URLSearchParams(rest.slice(at + 1))) };
}

function writeError(res: ServerResponse, error: GatewayError): void {
  res.writeHead(error.status, { 'content-type': 'application/json' }).end(JSON.stringify(error.toJSON()));
}

/**
 * Writing failed (e.g. a header value Node refuses): the client still gets an answer, a plain 500 if
 * nothing was sent yet, else a cut connection; and no rejection goes unhandled, which would end the server.
 */
function failed(res: ServerResponse): void {
  if (res.headersSent) res.destroy();
  else writeError(res, new GatewayError('internal', 'The gateway could not write its response.'));
}

async function write(res: ServerResponse, response: GatewayResponse): Promise<void> {
  res.writeHead(response.status, response.headers);
  if (typeof response.body === 'string') {
    res.end(response.body);
    return;
  }
  res.flushHeaders();
  for await (const chunk of response.body) {
    if (res.destroyed) break;
    if (!res.write(chunk)) await drained(res);
  }
  res.end();
}

/** Waits for the socket to take more, or for the client to go away. */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

function flattenHeaders(headers: IncomingMessage['headers']): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}
