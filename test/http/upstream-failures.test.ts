// How an upstream call fails, whole answers and streams alike: an upstream silent for longer than it
// may be (before its head or between body bytes) is a timeout; one that drops the connection mid-answer,
// or cannot be reached, is unreachable and says so; a client that leaves aborts the call. The router
// retries on these kinds, and docs/ERRORS.md maps them to statuses.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayError } from '../../shared/core/errors.ts';
import { callUpstream, readJson, type UpstreamRequest } from '../../shared/http/upstream.ts';
import { translateUpstreamStream } from '../../shared/http/upstream-stream.ts';
import { startRecordingServer, type RecordingServer } from '../helpers/recording-server.ts';

let upstream: RecordingServer;
beforeAll(async () => void (upstream = await startRecordingServer()));
afterAll(() => upstream.close());

function upstreamRequest(stream: boolean, overrides: Partial<UpstreamRequest> = {}): UpstreamRequest {
  return {
    url: `${upstream.url}/v1/chat/completions`,
    headers: { 'content-type': 'application/json' },
    body: '{}',
    signal: new AbortController().signal,
    stream,
    timeoutMs: 300,
    maxResponseBytes: 1024,
    provider: 'openai',
    ...overrides,
  };
}

const unexpected = () => new GatewayError('upstream_error', 'the mapper was not expected to run');

/** Calls and reads to the end (a JSON answer, or every event of a stream); what it threw, if anything. */
async function failure(request: UpstreamRequest): Promise<GatewayError | undefined> {
  try {
    const response = await callUpstream(request, unexpected);
    if (!request.stream) await readJson(response, request);
    else for await (const _ of translateUpstreamStream(response.body, request, 'openai', (events) => events)) void _;
    return undefined;
  } catch (error) {
    return error as GatewayError;
  }
}

describe.each([false, true])('an upstream call (stream: %s)', (stream) => {
  const type = stream ? 'text/event-stream' : 'application/json';
  const start = stream ? 'data: {"id":"a"}\n\n' : '{"id":';

  it('times out when the upstream sends nothing, not even its head', async () => {
    upstream.respond(() => {});
    expect(await failure(upstreamRequest(stream))).toMatchObject({ kind: 'timeout', message: expect.stringContaining('did not answer in time') });
  });

  it('times out when the upstream falls silent partway through its body', async () => {
    upstream.respond((_request, res) => void res.writeHead(200, { 'content-type': type }).write(start));
    expect(await failure(upstreamRequest(stream))).toMatchObject({ kind: 'timeout' });
  });

  it('is unreachable, saying the connection was closed, when the upstream drops it mid-answer', async () => {
    upstream.respond((_request, res) => {
      res.writeHead(200, { 'content-type': type }).write(start);
      setTimeout(() => res.socket?.destroy(), 20);
    });
    expect(await failure(upstreamRequest(stream, { timeoutMs: 5000 }))).toMatchObject({
      kind: 'upstream_unreachable',
      message: expect.stringContaining('closed the connection before the answer was complete'),
    });
  });

  it('is unreachable when nothing listens there', async () => {
    const closed = await startRecordingServer();
    await closed.close();
    expect(await failure(upstreamRequest(stream, { url: `${closed.url}/v1/chat/completions` }))).toMatchObject({ kind: 'upstream_unreachable', message: expect.stringContaining('ECONNREFUSED') });
  });

  it('stops at once when the client goes away', async () => {
    upstream.respond((_request, res) => void res.writeHead(200, { 'content-type': type }).write(start));
    const client = new AbortController();
    setTimeout(() => client.abort(), 50);
    expect(await failure(upstreamRequest(stream, { signal: client.signal, timeoutMs: 5000 }))).toMatchObject({ kind: 'upstream_unreachable', message: expect.stringContaining('client went away') });
  });

  it('reuses its connection for the next call once an answer is read', async () => {
    const ports = new Set<number>();
    upstream.respond((_request, res, req) => {
      ports.add(req.socket.remotePort!);
      res.writeHead(200, { 'content-type': type }).end(stream ? 'data: {"id":"a"}\n\n' : '{"id":"a"}');
    });
    for (let i = 0; i < 5; i++) expect(await failure(upstreamRequest(stream))).toBeUndefined();
    expect(ports.size).toBe(1);
  });
});
