// The Lambda entry point end to end: a real API Gateway REST proxy event → middy 7 streamify handler →
// the core → a fake OpenAI-compatible upstream on 127.0.0.1, read back the way API Gateway reads the
// Lambda response stream (JSON prelude, 8 NUL bytes, body chunks as they arrive).
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RequestContext, Route } from '../../shared/core/types.ts';
import { apiGatewayEvent, lambdaContext, type EventInput } from '../helpers/apigw-events.ts';
import { installLambdaShim, invokeStreaming, type ArrivedChunk } from '../helpers/lambda-stream-shim.ts';

// middy calls awslambda.streamifyResponse when the handler module is imported: install first, import later.
installLambdaShim();

const MASTER_KEY = `sk-lambda-test-${randomUUID()}`;
const GAP_MS = 120;

type HandlerModule = typeof import('../../functions/gateway/handler.ts');
let mod: HandlerModule;
let upstream: FakeUpstream;
let dir: string;
const logLines: string[] = [];
let coldStartLines: string[] = [];

// ---------------------------------------------------------------------------------------------
// A fake OpenAI-compatible upstream: `stream-model` streams five chunks GAP_MS apart; `stall-model`
// sends two and then holds the connection open, recording when its socket closes.

interface UpstreamCall {
  model: string;
  stream: boolean;
  closed: Promise<number>;
  ended: boolean;
}
interface FakeUpstream {
  url: string;
  calls: UpstreamCall[];
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function chunk(model: string, delta: Record<string, unknown>, finish: string | null = null): string {
  return `data: ${JSON.stringify({ id: 'chatcmpl-fake', object: 'chat.completion.chunk', created: 1_700_000_000, model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
}

async function startFakeUpstream(): Promise<FakeUpstream> {
  const calls: UpstreamCall[] = [];
  const server: Server = createServer(async (req, res) => {
    const parts: Buffer[] = [];
    for await (const part of req) parts.push(part as Buffer);
    const body = JSON.parse(Buffer.concat(parts).toString('utf8')) as { model: string; stream?: boolean };
    const call: UpstreamCall = { model: body.model, stream: body.stream === true, ended: false, closed: new Promise((resolve) => res.once('close', () => resolve(performance.now()))) };
    calls.push(call);
    if (!call.stream) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          id: 'chatcmpl-fake',
          object: 'chat.completion',
          created: 1_700_000_000,
          model: body.model,
          choices: [{ index: 0, message: { role: 'assistant', content: 'fake answer' }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
        }),
      );
      call.ended = true;
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const write = (data: string) => !res.destroyed && res.write(data);
    write(chunk(body.model, { role: 'assistant', content: '' }));
    const pieces = body.model === 'stall-model' ? ['one ', 'two '] : ['Hel', 'lo', ' from', ' the', ' fake'];
    for (const piece of pieces) {
      await sleep(GAP_MS);
      write(chunk(body.model, { content: piece }));
    }
    if (body.model === 'stall-model') return; // holds the connection open until the gateway lets go
    await sleep(GAP_MS);
    write(chunk(body.model, {}, 'stop'));
    write('data: [DONE]\n\n');
    res.end();
    call.ended = true;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const auth = { Authorization: `Bearer ${MASTER_KEY}` };

async function invoke(handler: unknown, input: EventInput, context = lambdaContext()) {
  const { stream, result } = invokeStreaming(handler, apiGatewayEvent(input), context);
  await result;
  return { prelude: stream.prelude!, body: stream.body, stream };
}

/** The content deltas of an SSE body, with the time each chunk carrying one arrived. */
function contentArrivals(chunks: ArrivedChunk[]): Array<{ at: number; content: string }> {
  const out: Array<{ at: number; content: string }> = [];
  for (const c of chunks) {
    for (const line of c.text.split('\n')) {
      if (!line.startsWith('data: {')) continue;
      const content = (JSON.parse(line.slice(6)) as { choices?: Array<{ delta: { content?: string } }> }).choices?.[0]?.delta.content;
      if (content) out.push({ at: c.at, content });
    }
  }
  return out;
}

const parsedLogs = (lines: string[]) =>
  lines.flatMap((l) => {
    try {
      return [JSON.parse(l) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
const accessLogs = () => parsedLogs(logLines).filter((l) => l['message'] === 'request');

// ---------------------------------------------------------------------------------------------

beforeAll(async () => {
  upstream = await startFakeUpstream();
  dir = mkdtempSync(join(tmpdir(), 'tollgate-lambda-'));
  // As the stack bundles it: the config as JSON (infra/deployed-config.ts).
  const configPath = join(dir, 'gateway.config.json');
  writeFileSync(
    configPath,
    JSON.stringify({
      model_list: [
        { model_name: 'mock', litellm_params: { model: 'mock/anything' } },
        { model_name: 'fake-stream', litellm_params: { model: 'hosted_vllm/stream-model', api_base: upstream.url } },
        { model_name: 'fake-stall', litellm_params: { model: 'hosted_vllm/stall-model', api_base: upstream.url } },
      ],
      router_settings: { routing_strategy: 'provider-budget-routing' },
      general_settings: { master_key: 'os.environ/TEST_TOLLGATE_MASTER_KEY', max_request_size_mb: 0.5 },
    }),
  );
  process.env['GATEWAY_CONFIG'] = configPath;
  process.env['TEST_TOLLGATE_MASTER_KEY'] = MASTER_KEY;
  // Powertools then prints through the global console, which the test captures (and keeps quiet).
  process.env['POWERTOOLS_DEV'] = 'true';
  for (const level of ['debug', 'info', 'warn', 'error', 'log'] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void logLines.push(args.map(String).join(' ')));
  }
  mod = await import('../../functions/gateway/handler.ts');
  coldStartLines = [...logLines];
});

afterAll(async () => {
  vi.restoreAllMocks();
  await upstream?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  delete process.env['GATEWAY_CONFIG'];
  delete process.env['TEST_TOLLGATE_MASTER_KEY'];
  delete process.env['POWERTOOLS_DEV'];
});

beforeEach(() => void (logLines.length = 0));

describe('Lambda handler (API Gateway REST, response streaming)', () => {
  it('answers a non-streamed chat completion as a JSON body behind the prelude', async () => {
    const { prelude, body, stream } = await invoke(mod.handler, { headers: auth, body: { model: 'mock', messages: [{ role: 'user', content: 'hi there' }] } });
    expect(stream.contentType).toBe('application/vnd.awslambda.http-integration-response');
    expect(prelude.statusCode).toBe(200);
    expect(prelude.headers['content-type']).toBe('application/json');
    expect(prelude.headers['x-tollgate-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(prelude.headers['x-litellm-model-group']).toBe('mock');
    const completion = JSON.parse(body) as { object: string; model: string; choices: Array<{ message: { content: string } }> };
    expect(completion.object).toBe('chat.completion');
    expect(completion.model).toBe('mock');
    expect(completion.choices[0]!.message.content).toContain('You said: hi there');
    // done() ran: the access log line, with the Lambda context Powertools adds.
    expect(accessLogs()).toEqual([expect.objectContaining({ requestId: prelude.headers['x-tollgate-request-id'], status: 200, path: '/v1/chat/completions', function_name: 'tollgate-gateway' })]);
  });

  it('streams SSE chunk by chunk as the upstream sends them, not buffered', async () => {
    const { prelude, body, stream } = await invoke(mod.handler, {
      headers: auth,
      body: { model: 'fake-stream', stream: true, messages: [{ role: 'user', content: 'hello' }] },
    });
    expect(prelude.statusCode).toBe(200);
    expect(prelude.headers['content-type']).toMatch(/^text\/event-stream/);
    const arrivals = contentArrivals(stream.chunks);
    expect(arrivals.map((a) => a.content).join('')).toBe('Hello from the fake');
    for (let i = 1; i < arrivals.length; i++) expect(arrivals[i]!.at - arrivals[i - 1]!.at).toBeGreaterThan(50);
    // The headers went out before the first content chunk (middy flushes the prelude at once).
    expect(prelude.at).toBeLessThan(arrivals[0]!.at - 50);
    expect(body.trimEnd().endsWith('data: [DONE]')).toBe(true);
    expect(accessLogs()).toEqual([expect.objectContaining({ status: 200, model: 'fake-stream' })]);
  });

  it('answers 401 in OpenAI error shape without a key', async () => {
    const { prelude, body } = await invoke(mod.handler, { body: { model: 'mock', messages: [{ role: 'user', content: 'hi' }] } });
    expect(prelude.statusCode).toBe(401);
    expect(prelude.headers['content-type']).toBe('application/json');
    expect(JSON.parse(body)).toEqual({ error: { message: expect.stringContaining('No API key'), type: 'auth_error', param: null, code: '401' } });
  });

  it('answers 404 for an unknown route', async () => {
    const { prelude, body } = await invoke(mod.handler, { method: 'GET', path: '/v1/nope', headers: auth });
    expect(prelude.statusCode).toBe(404);
    expect((JSON.parse(body) as { error: { type: string; code: string } }).error).toMatchObject({ type: 'not_found_error', code: '404' });
  });

  it('serves GET routes with lower-cased headers (x-api-key) and query parameters', async () => {
    const { prelude, body } = await invoke(mod.handler, { method: 'GET', path: '/v1/models', headers: { 'X-Api-Key': MASTER_KEY }, query: { limit: '5' } });
    expect(prelude.statusCode).toBe(200);
    expect((JSON.parse(body) as { data: Array<{ id: string }> }).data.map((m) => m.id)).toEqual(expect.arrayContaining(['mock', 'fake-stream']));
  });

  it('decodes a base64 body (isBase64Encoded)', async () => {
    const { prelude, body } = await invoke(mod.handler, {
      headers: auth,
      base64: true,
      body: { model: 'mock', messages: [{ role: 'user', content: 'héllo ✓ 你好' }] },
    });
    expect(prelude.statusCode).toBe(200);
    expect((JSON.parse(body) as { choices: Array<{ message: { content: string } }> }).choices[0]!.message.content).toContain('You said: héllo ✓ 你好');
  });

  it('holds bodies to max_request_size_mb (413) and to 100 levels of nesting (400), base64 or not', async () => {
    const message = (text: string) => (JSON.parse(text) as { error: { message: string } }).error.message;
    const tooLarge = { model: 'mock', messages: [{ role: 'user', content: 'x'.repeat(600 * 1024) }] };
    for (const base64 of [false, true]) {
      const large = await invoke(mod.handler, { headers: auth, base64, body: tooLarge });
      expect(large.prelude.statusCode).toBe(413);
      expect(message(large.body)).toMatch(/larger than 512 KB.*max_request_size_mb/);
      const deep = await invoke(mod.handler, { headers: auth, base64, body: `{"model":"mock","messages":[],"metadata":${'['.repeat(5000)}${']'.repeat(5000)}}` });
      expect(deep.prelude.statusCode).toBe(400);
      expect(message(deep.body)).toMatch(/more than 100 levels deep/);
    }
  });

  it('never logs the key, the query string or the body', async () => {
    const marker = `body-marker-${randomUUID()}`;
    const querySecret = `sk-query-${randomUUID()}`;
    await invoke(mod.handler, { headers: auth, query: { key: querySecret }, body: { model: 'mock', messages: [{ role: 'user', content: marker }] } });
    await invoke(mod.handler, { headers: { Authorization: `Bearer sk-wrong-${marker}` }, body: { model: 'mock', messages: [{ role: 'user', content: marker }] } });
    expect(accessLogs()).toHaveLength(2);
    const text = logLines.join('\n');
    for (const secret of [MASTER_KEY, querySecret, marker]) expect(text).not.toContain(secret);
  });

  it('logs the config warnings once, at cold start', async () => {
    const warnings = parsedLogs(coldStartLines).filter((l) => String(l['message']).includes('routing_strategy'));
    expect(warnings).toEqual([expect.objectContaining({ level: 'WARN', service: 'tollgate' })]);
    await invoke(mod.handler, { method: 'GET', path: '/v1/models', headers: auth });
    expect(logLines.join('\n')).not.toContain('routing_strategy');
  });
});

describe('Lambda handler: the end of an invocation', () => {
  const finished: Array<{ requestId: string; status?: number; aborted: boolean; startedAt: number; at: number }> = [];
  const bodyFinally: number[] = [];
  let hooked: HandlerModule['handler'];

  /** Test routes whose streamed body winds down slowly after an abort (50 ms), or never. */
  const teardownRoutes = (): Route[] => [
    {
      method: 'GET',
      paths: ['/test/slow-teardown'],
      auth: 'public',
      handle: async (_request, ctx) => ({
        headers: { 'content-type': 'text/event-stream' },
        body: (async function* () {
          try {
            yield 'data: first\n\n';
            await new Promise((resolve) => ctx.signal.addEventListener('abort', () => setTimeout(resolve, 50), { once: true }));
            yield 'data: late\n\n';
          } finally {
            bodyFinally.push(performance.now());
          }
        })(),
      }),
    },
    {
      method: 'GET',
      paths: ['/test/stuck-teardown'],
      auth: 'public',
      handle: async () => ({
        headers: { 'content-type': 'text/event-stream' },
        body: (async function* () {
          yield 'data: first\n\n';
          await new Promise(() => {}); // ignores the abort signal altogether
        })(),
      }),
    },
  ];

  beforeAll(() => {
    const afterResponse = async (ctx: RequestContext) => {
      const startedAt = performance.now();
      await sleep(20); // after-response work that takes a while: the invocation must wait for it
      finished.push({ requestId: ctx.requestId, status: ctx.status, aborted: ctx.signal.aborted, startedAt, at: performance.now() });
    };
    hooked = mod.createHandler({ afterResponse: [afterResponse], extraRoutes: teardownRoutes() });
  });
  beforeEach(() => {
    finished.length = 0;
    bodyFinally.length = 0;
  });

  it('runs the after-response hooks before the invocation ends', async () => {
    const { prelude } = await invoke(hooked, { headers: auth, body: { model: 'fake-stream', stream: true, messages: [{ role: 'user', content: 'x' }] } });
    expect(finished).toEqual([expect.objectContaining({ requestId: prelude.headers['x-tollgate-request-id'], status: 200, aborted: false })]);
  });

  it('aborts the upstream call at once when the response stream is torn down, and still runs done()', async () => {
    const { stream, result } = invokeStreaming(
      hooked,
      apiGatewayEvent({
        headers: auth,
        body: { model: 'fake-stall', stream: true, messages: [{ role: 'user', content: 'x' }] },
      }),
      lambdaContext(),
    );
    let settledAt = 0;
    const settled = result
      .then(
        () => 'resolved',
        () => 'rejected',
      )
      .finally(() => void (settledAt = performance.now()));

    await stream.waitFor((c) => c.text.includes('"content":"two '));
    const call = upstream.calls.at(-1)!;
    expect(call.model).toBe('stall-model');
    const destroyedAt = performance.now();
    stream.destroy(); // the client went away
    // The upstream sees its connection close right away, not at some next chunk (there is none).
    const closedAt = await Promise.race([call.closed, sleep(2000).then(() => Number.NaN)]);
    expect(closedAt - destroyedAt).toBeLessThan(500);
    expect(call.ended).toBe(false);

    await settled;
    expect(finished).toHaveLength(1);
    expect(finished[0]).toMatchObject({ aborted: true });
    expect(finished[0]!.at).toBeLessThanOrEqual(settledAt);
    expect(accessLogs()).toEqual([expect.objectContaining({ requestId: finished[0]!.requestId, aborted: true })]);
  });

  it('aborts a stalled stream before the Lambda timeout, so the stream ends and done() runs in time', async () => {
    const started = performance.now();
    const { stream, result } = invokeStreaming(
      hooked,
      apiGatewayEvent({
        headers: auth,
        body: { model: 'fake-stall', stream: true, messages: [{ role: 'user', content: 'x' }] },
      }),
      lambdaContext(1800),
    );
    await result;
    const elapsed = performance.now() - started;
    expect(elapsed).toBeLessThan(1500);
    expect(stream.prelude!.statusCode).toBe(200);
    expect(
      contentArrivals(stream.chunks)
        .map((a) => a.content)
        .join(''),
    ).toBe('one two ');
    const call = upstream.calls.at(-1)!;
    expect(await Promise.race([call.closed, sleep(1000).then(() => Number.NaN)])).not.toBeNaN();
    expect(finished).toEqual([expect.objectContaining({ aborted: true })]);
  });

  it('on a torn-down stream, runs done() after the body has wound down', async () => {
    const { stream, result } = invokeStreaming(hooked, apiGatewayEvent({ method: 'GET', path: '/test/slow-teardown' }), lambdaContext());
    await stream.waitFor((c) => c.text.includes('first'));
    stream.destroy();
    await result.catch(() => {});
    expect(bodyFinally).toHaveLength(1);
    expect(finished).toEqual([expect.objectContaining({ aborted: true })]);
    expect(finished[0]!.startedAt).toBeGreaterThanOrEqual(bodyFinally[0]!);
  });

  it('on a torn-down stream whose body never winds down, still runs done() after a bounded wait', async () => {
    const { stream, result } = invokeStreaming(hooked, apiGatewayEvent({ method: 'GET', path: '/test/stuck-teardown' }), lambdaContext());
    await stream.waitFor((c) => c.text.includes('first'));
    const destroyedAt = performance.now();
    stream.destroy();
    await result.catch(() => {});
    const waited = performance.now() - destroyedAt;
    expect(finished).toEqual([expect.objectContaining({ aborted: true })]);
    expect(waited).toBeGreaterThan(900);
    expect(waited).toBeLessThan(2000);
  });
});

describe('Lambda handler: cold start', () => {
  it('refuses a config without a master key of its own', () => {
    for (const key of [undefined, 'sk-tollgate-dev']) {
      const path = join(dir, `open-${key ?? 'none'}.json`);
      writeFileSync(path, JSON.stringify({ model_list: [{ model_name: 'mock', litellm_params: { model: 'mock/anything' } }], ...(key && { general_settings: { master_key: key } }) }));
      expect(() => mod.createHandler({ configPath: path })).toThrow(/master_key must be set/);
    }
  });

  it('exports a streamified handler for Lambda', () => {
    expect((mod.handler as unknown as Record<symbol, unknown>)[Symbol.for('aws.lambda.runtime.handler.streaming')]).toBe('response');
  });
});
