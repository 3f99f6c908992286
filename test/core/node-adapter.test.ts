// The local adapter's own failures: whatever a client sends or a route returns, the client gets an
// answer and the server keeps serving (an unhandled rejection would end `npm start`).
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createGateway } from '../../shared/core/gateway.ts';
import { RouteTable } from '../../shared/core/route-table.ts';
import type { Route } from '../../shared/core/types.ts';
import { listen, type RunningServer } from '../../local/node-adapter.ts';
import { recordingLog } from '../helpers/gateway.ts';

const ok: Route = { method: 'GET', paths: ['/ok'], auth: 'public', handle: async () => ({ body: '{"ok":true}' }) };
// Node refuses header values outside Latin-1: writing this reply's head throws.
const badHeader: Route = { method: 'GET', paths: ['/bad-header'], auth: 'public', handle: async () => ({ headers: { 'x-name': 'modèle—fast' }, body: '{}' }) };
/** The same for a stream, whose body is never read: its request signal (the upstream call) must still end. */
let streamSignal: AbortSignal | undefined;
const badHeaderStream: Route = {
  method: 'GET',
  paths: ['/bad-header-stream'],
  auth: 'public',
  handle: async (_r, ctx) => {
    streamSignal = ctx.signal;
    return {
      headers: { 'x-name': 'modèle—fast' },
      body: (async function* () {
        yield 'data: {}\n\n';
      })(),
    };
  },
};

let running: RunningServer | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function start(): Promise<RunningServer> {
  const gateway = createGateway({ routes: new RouteTable().add(ok, badHeader, badHeaderStream), log: recordingLog(), authenticators: [] });
  running = await listen(gateway, '127.0.0.1', 0);
  return running;
}

/** One raw HTTP/1.1 exchange, for request lines fetch would never send. */
function rawRequest(url: string, requestLine: string): Promise<string> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => socket.write(`${requestLine}\r\nHost: x\r\nConnection: close\r\n\r\n`));
    let received = '';
    socket.on('data', (data) => (received += data));
    socket.on('end', () => resolve(received));
    socket.on('error', reject);
  });
}

describe('local node adapter', () => {
  it('answers a request target URL cannot parse with a 400, and goes on serving', async () => {
    const server = await start();
    const answer = await rawRequest(server.url, 'GET http://[::1 HTTP/1.1');
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toContain('"type":"invalid_request_error"');
    expect(answer).toContain('not a valid URL path');
    expect(await (await fetch(`${server.url}/ok`)).json()).toEqual({ ok: true });
  });

  it('answers with a 500 in OpenAI shape when the response cannot be written, instead of leaving the client hanging, and ends the upstream call of a stream', async () => {
    const server = await start();
    const response = await fetch(`${server.url}/bad-header`, { signal: AbortSignal.timeout(5000) });
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ error: { type: 'internal_server_error', code: '500' } });
    expect((await fetch(`${server.url}/ok`)).status).toBe(200);
    const stream = await fetch(`${server.url}/bad-header-stream`, { signal: AbortSignal.timeout(5000) });
    expect(stream.status).toBe(500);
    expect(streamSignal?.aborted).toBe(true);
  });
});
