// Attacks on the way in (issue 12, points 1 and 10): bodies read before the caller is known, bodies
// too large or nested too deeply, JSON nested deeply inside strings, and paths that reach a route by
// another spelling than a front proxy would judge. Each through the real local server.
import { connect } from 'node:net';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';
import { sendJson, startRecordingServer, type RecordingServer } from '../helpers/recording-server.ts';
import { fixtures } from '../helpers/fixtures.ts';

const MASTER = 'sk-limits-master';
let gateway: TestGateway;
let anthropic: RecordingServer;

beforeAll(async () => {
  anthropic = await startRecordingServer((_request, res) => sendJson(res, 200, fixtures('anthropic').fixtureJson('message-text.json')));
  gateway = await startGateway(`
model_list:
  - model_name: mock
    litellm_params: { model: mock/echo }
  - model_name: claude
    litellm_params: { model: anthropic/claude-sonnet-4-5, api_base: ${anthropic.url}, api_key: sk-ant-test }
general_settings: { master_key: ${MASTER}, max_request_size_mb: 0.01 }
`);
});
afterAll(async () => {
  await gateway.close();
  await anthropic.close();
});

/** A nesting `depth` levels deep: [[[...]]]. */
const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

interface RawAnswer {
  status: number;
  body: any;
}

/**
 * Sends the request head and `chunks` of a chunked body but never its end, as a slow or hostile
 * client would, and returns the answer the server gives meanwhile (undefined if none comes in 10 s:
 * a server waiting for the whole body never answers at all).
 */
function answerWhileSending(path: string, headers: Record<string, string>, chunks: string[]): Promise<RawAnswer | undefined> {
  const { port } = new URL(gateway.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => {
      const framing = headers['content-length'] === undefined ? { 'transfer-encoding': 'chunked' } : {};
      const head = Object.entries({ host: 'x', 'content-type': 'application/json', ...framing, ...headers })
        .map(([k, v]) => `${k}: ${v}\r\n`)
        .join('');
      socket.write(`POST ${path} HTTP/1.1\r\n${head}\r\n`);
      for (const chunk of chunks) socket.write(`${Buffer.byteLength(chunk).toString(16)}\r\n${chunk}\r\n`);
    });
    let received = '';
    const finish = (answer: RawAnswer | undefined) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => finish(undefined), 10_000);
    socket.on('data', (data) => {
      received += data;
      const body = wholeBody(received);
      if (body !== undefined) finish({ status: Number(received.slice(9, 12)), body: JSON.parse(body) });
    });
    socket.on('error', reject);
  });
}

/** The body of a raw HTTP/1.1 response once all of it is in (Content-Length or chunked). */
function wholeBody(received: string): string | undefined {
  const end = received.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  let rest = received.slice(end + 4);
  const length = /content-length: (\d+)/i.exec(received.slice(0, end))?.[1];
  if (length !== undefined) return rest.length >= Number(length) ? rest.slice(0, Number(length)) : undefined;
  let body = '';
  for (;;) {
    const line = rest.indexOf('\r\n');
    if (line < 0) return undefined;
    const size = parseInt(rest.slice(0, line), 16);
    if (size === 0) return body;
    if (rest.length < line + 2 + size + 2) return undefined;
    body += rest.slice(line + 2, line + 2 + size);
    rest = rest.slice(line + 2 + size + 2);
  }
}

/** One raw request with the path exactly as given (fetch would resolve `..` and `//` itself). */
function rawGet(path: string): Promise<string> {
  const { port } = new URL(gateway.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${MASTER}\r\nConnection: close\r\n\r\n`));
    let received = '';
    socket.on('data', (data) => (received += data));
    socket.on('end', () => resolve(received));
    socket.on('error', reject);
  });
}

const openai = (key = MASTER) => new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: key, maxRetries: 0 });

async function post(body: string, key = MASTER): Promise<RawAnswer> {
  const response = await fetch(`${gateway.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body });
  return { status: response.status, body: await response.json() };
}

describe('request bodies', () => {
  it('answers a caller without a valid key before reading its body', async () => {
    const endless = ['{"model":"mock","messages":[{"role":"user","content":"', 'x'.repeat(4096)];
    const noKey = await answerWhileSending('/v1/chat/completions', {}, endless);
    expect(noKey?.status).toBe(401);
    const wrongKey = await answerWhileSending('/v1/chat/completions', { authorization: 'Bearer sk-not-a-key' }, endless);
    expect(wrongKey).toMatchObject({ status: 401, body: { error: { type: 'auth_error', code: '401' } } });
    expect((await fetch(`${gateway.url}/health/liveliness`)).status).toBe(200);
  });

  it('refuses a body over max_request_size_mb with a 413 naming the limit: by its Content-Length before it is sent, else at the byte that crosses it', async () => {
    const declared = await answerWhileSending('/v1/chat/completions', { authorization: `Bearer ${MASTER}`, 'content-length': String(1024 * 1024) }, []);
    expect(declared).toMatchObject({ status: 413, body: { error: { type: 'invalid_request_error', code: '413', param: null } } });
    expect(declared!.body.error.message).toMatch(/larger than 10\.24 KB.*general_settings\.max_request_size_mb/);
    const streamed = await answerWhileSending('/v1/chat/completions', { authorization: `Bearer ${MASTER}` }, ['{"model":"mock","messages":[{"role":"user","content":"', 'x'.repeat(16 * 1024)]);
    expect(streamed?.status).toBe(413);

    const error = await openai()
      .chat.completions.create({ model: 'mock', messages: [{ role: 'user', content: 'x'.repeat(20 * 1024) }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(413);
    // Under the limit, the same client is served on.
    expect((await openai().chat.completions.create({ model: 'mock', messages: [{ role: 'user', content: 'hello' }] })).choices[0]!.message.content).toContain('hello');
  });

  it('refuses a body nested more than 100 levels with a 400 as soon as it goes too deep, and serves one at the limit', async () => {
    const endless = await answerWhileSending('/v1/chat/completions', { authorization: `Bearer ${MASTER}` }, ['{"model":"mock","messages":[],"metadata":', '['.repeat(8000)]);
    expect(endless).toMatchObject({ status: 400, body: { error: { type: 'invalid_request_error', code: '400' } } });
    expect(endless!.body.error.message).toMatch(/more than 100 levels deep/);

    const deep = await post(JSON.stringify({ model: 'mock', messages: [{ role: 'user', content: 'hi' }] }).replace(/}$/, `,"metadata":{"a":${nested(5000)}}}`));
    expect(deep.status).toBe(400);
    expect(deep.body.error.message).toMatch(/more than 100 levels deep/);

    // body → metadata → 97 arrays = 99 levels, + the string's own: fine.
    const atLimit = await post(JSON.stringify({ model: 'mock', messages: [{ role: 'user', content: 'hi' }] }).replace(/}$/, `,"metadata":{"a":${nested(98)}}}`));
    expect(atLimit.status).toBe(200);
  });

  it("refuses JSON nested thousands deep inside a tool call's arguments with a 400, not a stack overflow", async () => {
    const messages = [
      { role: 'user', content: 'call it' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: `{"a":${nested(5000)}}` } }] },
      { role: 'tool', tool_call_id: 'call_1', content: 'done' },
    ];
    const answer = await post(JSON.stringify({ model: 'claude', messages }));
    expect(answer).toMatchObject({ status: 400, body: { error: { param: 'messages[1].tool_calls[0].function.arguments' } } });
    expect(answer.body.error.message).toMatch(/more than 100 levels deep/);
    expect(anthropic.requests).toHaveLength(0);
  });
});

describe('request paths', () => {
  it('refuses a route reached through an empty or dot segment, which a front proxy would judge as another path', async () => {
    for (const path of ['//x/key/list', '/health/liveliness/../../key/list', '/v1/./models', '/v1//models']) {
      const answer = await rawGet(path);
      expect(answer, path).toMatch(/^HTTP\/1\.1 400 /);
      expect(answer, path).toContain('not in canonical form');
    }
    expect(await rawGet('/v1/models')).toMatch(/^HTTP\/1\.1 200 /);
    expect(await rawGet('/v1/models/')).toMatch(/^HTTP\/1\.1 200 /);
    expect(await rawGet('/v1/models?x=..//')).toMatch(/^HTTP\/1\.1 200 /);
  });
});
