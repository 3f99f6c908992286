// The local server driven by the official `openai` client, in front of a fake OpenAI upstream that
// replays fixtures from OpenAI's API reference.
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';
import { sendJson, sendSse, sleep, startRecordingServer, type RecordingServer } from '../helpers/recording-server.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/openai/${name}`, import.meta.url), 'utf8');
const sseEvents = (name: string) =>
  fixture(name)
    .split('\n\n')
    .filter(Boolean)
    .map((e) => `${e}\n\n`);
const UPSTREAM_KEY = 'sk-upstream-secret-0123456789';
const MASTER = 'sk-test-master';

let upstream: RecordingServer;
let gateway: TestGateway;
let client: OpenAI;

beforeAll(async () => {
  upstream = await startRecordingServer();
  gateway = await startGateway(
    `
model_list:
  - model_name: gpt-test
    litellm_params:
      model: openai/gpt-4o-mini
      api_base: ${upstream.url}/v1
      api_key: os.environ/UPSTREAM_KEY
      timeout: 2
  - model_name: gpt-quick
    litellm_params: { model: openai/gpt-4o-mini, api_base: "${upstream.url}", api_key: os.environ/UPSTREAM_KEY, timeout: 0.3 }
  - model_name: mock
    litellm_params: { model: mock/echo }
  - model_name: not-configured
    litellm_params: { model: openai/gpt-4o, api_key: os.environ/MISSING_KEY }
general_settings: { master_key: ${MASTER} }
# One attempt: these tests look at how each failure is reported (retries are the router's tests).
router_settings: { num_retries: 0 }
`,
    { UPSTREAM_KEY },
  );
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: MASTER, maxRetries: 0 });
});
afterAll(async () => {
  await gateway.close();
  await upstream.close();
});
beforeEach(() => {
  upstream.requests.length = 0;
});

describe('chat completions through the openai client', () => {
  it('answers a non-streamed chat and reports the model the client asked for', async () => {
    upstream.respond((_r, res) => sendJson(res, 200, JSON.parse(fixture('chat-completion.json'))));
    const completion = await client.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'Hi' }] });
    expect(completion.choices[0]!.message.content).toBe('Hello! How can I assist you today?');
    expect(completion.model).toBe('gpt-test');
    expect(completion.usage?.total_tokens).toBe(29);
    const sent = upstream.requests[0]!;
    expect(sent.url).toBe('/v1/chat/completions');
    expect(sent.headers['authorization']).toBe(`Bearer ${UPSTREAM_KEY}`);
    expect(sent.json).toEqual({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] });
  });

  it('streams chunks and leaves out the usage chunk the client did not ask for', async () => {
    upstream.respond((_r, res) => sendSse(res, sseEvents('chat-stream.sse')));
    const stream = await client.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'Hi' }], stream: true });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('Hello! How can I help?');
    expect(chunks.every((c) => c.model === 'gpt-test')).toBe(true);
    expect(chunks.some((c) => c.usage)).toBe(false);
    expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe('stop');
    // The gateway asked for usage anyway: spend is priced from it.
    expect(upstream.requests[0]!.json.stream_options).toEqual({ include_usage: true });
  });

  it('passes the usage chunk on when stream_options.include_usage is set', async () => {
    upstream.respond((_r, res) => sendSse(res, sseEvents('chat-stream.sse')));
    const stream = await client.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'Hi' }], stream: true, stream_options: { include_usage: true } });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.at(-1)!.usage?.total_tokens).toBe(15);
    expect(upstream.requests[0]!.json.stream_options).toEqual({ include_usage: true });
  });

  it('forwards tools and returns tool calls, streamed and not', async () => {
    const tools: OpenAI.ChatCompletionTool[] = [{ type: 'function', function: { name: 'get_current_weather', parameters: { type: 'object', properties: { location: { type: 'string' } } } } }];
    upstream.respond((_r, res) => sendJson(res, 200, JSON.parse(fixture('tool-call-completion.json'))));
    const completion = await client.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'Weather in Boston?' }], tools, tool_choice: 'auto' });
    expect(completion.choices[0]!.finish_reason).toBe('tool_calls');
    expect(JSON.parse(completion.choices[0]!.message.tool_calls![0]!.type === 'function' ? (completion.choices[0]!.message.tool_calls![0] as any).function.arguments : '')).toEqual({
      location: 'Boston, MA',
    });
    expect(upstream.requests[0]!.json.tools).toEqual(tools);

    upstream.respond((_r, res) => sendSse(res, sseEvents('tool-call-stream.sse')));
    const runner = client.chat.completions.stream({ model: 'gpt-test', messages: [{ role: 'user', content: 'Weather in Boston?' }], tools });
    const final = await runner.finalChatCompletion();
    const call = final.choices[0]!.message.tool_calls![0] as any;
    expect(call.id).toBe('call_DdmO9pD3xa9XTPNJ32zg2hcA');
    expect(JSON.parse(call.function.arguments)).toEqual({ location: 'Boston, MA' });
  });

  it('forwards each chunk as it arrives instead of buffering the stream', async () => {
    upstream.respond((_r, res) => sendSse(res, sseEvents('chat-stream.sse'), 150));
    const arrivals = await rawStreamArrivals(gateway.url, { model: 'gpt-test', stream: true, messages: [{ role: 'user', content: 'Hi' }] });
    const contentArrivals = arrivals.filter((a) => a.text.includes('"content"'));
    expect(contentArrivals.length).toBeGreaterThanOrEqual(4);
    for (let i = 1; i < contentArrivals.length; i++) {
      expect(contentArrivals[i]!.at - contentArrivals[i - 1]!.at).toBeGreaterThan(80);
    }
  });

  it('aborts the upstream request when the client disconnects mid-stream', async () => {
    let upstreamClosed: () => void;
    const closed = new Promise<void>((resolve) => (upstreamClosed = resolve));
    upstream.respond(async (_r, res) => {
      res.on('close', () => upstreamClosed());
      await sendSse(
        res,
        Array.from({ length: 100 }, () => sseEvents('chat-stream.sse')[1]!),
        100,
      );
    });
    const controller = new AbortController();
    const stream = await client.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'Hi' }], stream: true }, { signal: controller.signal });
    let seen = 0;
    try {
      for await (const _chunk of stream) {
        if (++seen === 2) controller.abort();
      }
    } catch {
      // the client may report its own abort; either way it stopped reading
    }
    expect(seen).toBeGreaterThanOrEqual(2);
    const started = Date.now();
    await closed;
    expect(Date.now() - started).toBeLessThan(2000);
    await sleep(50);
    expect(gateway.log.lines.some((l) => l.message === 'request' && l.fields?.['aborted'] === true)).toBe(true);
  });

  it('answers from the mock provider and from mock_response without any upstream', async () => {
    const mock = await client.chat.completions.create({ model: 'mock', messages: [{ role: 'user', content: 'ping' }] });
    expect(mock.choices[0]!.message.content).toContain('You said: ping');
    const canned = await client.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'x' }], mock_response: 'canned answer' } as any);
    expect(canned.choices[0]!.message.content).toBe('canned answer');
    expect(upstream.requests).toHaveLength(0);
  });
});

describe('models and health', () => {
  it('lists enabled models only', async () => {
    const models = await client.models.list();
    expect(models.data.map((m) => m.id).sort()).toEqual(['gpt-quick', 'gpt-test', 'mock']);
  });

  it('serves health probes without a key', async () => {
    expect((await (await fetch(`${gateway.url}/health/liveliness`)).json()) as unknown).toBe("I'm alive!");
    const ready = await fetch(`${gateway.url}/health/readiness`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as any).status).toBe('healthy');
  });
});

describe('errors arrive in OpenAI format with the right status', () => {
  const chat = () => client.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'Hi' }] });

  it('401 for a missing or wrong key', async () => {
    const noKey = await fetch(`${gateway.url}/v1/chat/completions`, { method: 'POST', body: '{}' });
    expect(noKey.status).toBe(401);
    expect(((await noKey.json()) as any).error).toMatchObject({ type: 'auth_error', code: '401', param: null });
    const wrong = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'sk-wrong', maxRetries: 0 });
    await expect(wrong.models.list()).rejects.toMatchObject({ status: 401 });
  });

  it('400 for bad JSON and invalid parameters, naming what to fix', async () => {
    const bad = await post('/v1/chat/completions', '{"model":');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/not valid JSON/);
    const invalid = await post('/v1/chat/completions', JSON.stringify({ model: 'gpt-test', messages: [{ role: 'robot', content: 'x' }] }));
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.param).toBe('messages[0].role');
    const temperature = await post('/v1/chat/completions', JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'x' }], temperature: 9 }));
    expect(temperature.body.error.param).toBe('temperature');
  });

  it('400 for an unknown model, listing the names there are', async () => {
    await expect(client.chat.completions.create({ model: 'gpt-5-nope', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining('gpt-test, gpt-quick, mock'),
    });
  });

  it('404 for an unknown route and 405 for a wrong method', async () => {
    expect((await post('/v1/nothing-here', '{}')).status).toBe(404);
    const wrongMethod = await fetch(`${gateway.url}/v1/chat/completions`, { headers: { authorization: `Bearer ${MASTER}` } });
    expect(wrongMethod.status).toBe(405);
  });

  it('maps upstream failures by kind and never shows the provider key', async () => {
    const cases: Array<[number, string, number, string | undefined]> = [
      [429, 'error-rate-limit.json', 429, '429'],
      [401, 'error-invalid-key.json', 401, '401'],
      [400, 'error-context-length.json', 400, 'context_length_exceeded'],
      [400, 'error-content-filter.json', 400, 'content_policy_violation'],
      [500, 'error-rate-limit.json', 502, '502'],
      [503, 'error-rate-limit.json', 503, '503'],
    ];
    for (const [upstreamStatus, body, status, code] of cases) {
      upstream.respond((_r, res) => sendJson(res, upstreamStatus, JSON.parse(fixture(body).replace('sk-upstr*************cret', UPSTREAM_KEY)), { 'retry-after': '7' }));
      const error = await chat().then(
        () => undefined,
        (e) => e,
      );
      expect(error, `${upstreamStatus} ${body}`).toBeInstanceOf(OpenAI.APIError);
      expect(error.status).toBe(status);
      expect(error.code).toBe(code);
      expect(error.message).not.toContain(UPSTREAM_KEY);
    }
    upstream.respond((_r, res) => sendJson(res, 429, JSON.parse(fixture('error-rate-limit.json')), { 'retry-after': '7' }));
    const limited = await post('/v1/chat/completions', JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'x' }] }));
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(gateway.log.text()).not.toContain(UPSTREAM_KEY);
  });

  it('408 when the upstream is too slow, 502 when it cannot be reached', async () => {
    upstream.respond(async (_r, res) => {
      await sleep(1500);
      if (!res.destroyed) sendJson(res, 200, JSON.parse(fixture('chat-completion.json')));
    });
    await expect(client.chat.completions.create({ model: 'gpt-quick', messages: [{ role: 'user', content: 'Hi' }] })).rejects.toMatchObject({ status: 408 });
    // Headers in time, the body not: still the whole request's timeout, a 408.
    upstream.respond(async (_r, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"id":');
      await sleep(1500);
      res.end();
    });
    await expect(client.chat.completions.create({ model: 'gpt-quick', messages: [{ role: 'user', content: 'Hi' }] })).rejects.toMatchObject({ status: 408 });
    const dead = await startGateway(`
model_list:
  - model_name: dead
    litellm_params: { model: openai/x, api_base: "http://127.0.0.1:1/v1", api_key: sk-x }
`);
    const response = await fetch(`${dead.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'dead', messages: [{ role: 'user', content: 'x' }] }) });
    expect(response.status).toBe(502);
    expect(((await response.json()) as any).error.type).toBe('api_connection_error');
    await dead.close();
  });

  it('sends a failure after the first byte in-band, as an SSE error event', async () => {
    upstream.respond((_r, res) =>
      sendSse(res, [
        ...sseEvents('chat-stream.sse').slice(0, 3),
        `data: ${JSON.stringify({ error: { message: 'The server had an error while processing your request.', type: 'server_error' } })}\n\n`,
      ]),
    );
    const stream = await client.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'Hi' }], stream: true });
    let text = '';
    const failure = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    })().then(
      () => undefined,
      (e) => e,
    );
    expect(text).toBe('Hello!');
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect(failure.message).toContain('server had an error');
  });

  it("reports a stream event it cannot read as the upstream's error, not as a lost connection", async () => {
    upstream.respond((_r, res) => sendSse(res, [...sseEvents('chat-stream.sse').slice(0, 3), 'data: null\n\n']));
    const stream = await client.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'Hi' }], stream: true });
    const failure = await (async () => {
      for await (const _chunk of stream);
    })().then(
      () => undefined,
      (e) => e,
    );
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect(failure.error).toMatchObject({ type: 'api_error', message: expect.stringContaining('openai sent a stream event that is not valid JSON') });
    expect(failure.message).not.toMatch(/Cannot read|Cannot reach/);
  });
});

async function post(path: string, body: string) {
  const response = await fetch(`${gateway.url}${path}`, { method: 'POST', body, headers: { authorization: `Bearer ${MASTER}`, 'content-type': 'application/json' } });
  return { status: response.status, headers: response.headers, body: (await response.json()) as any };
}

/** Raw HTTP, so nothing between the socket and the test can buffer: when did each piece arrive? */
function rawStreamArrivals(baseUrl: string, body: unknown): Promise<Array<{ at: number; text: string }>> {
  return new Promise((resolve, reject) => {
    const arrivals: Array<{ at: number; text: string }> = [];
    const req = httpRequest(`${baseUrl}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${MASTER}`, 'content-type': 'application/json' } }, (res) => {
      res.on('data', (chunk: Buffer) => arrivals.push({ at: Date.now(), text: chunk.toString() }));
      res.on('end', () => resolve(arrivals));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}
