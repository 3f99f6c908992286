// The `tollgate` package as a library, imported by its own name (package.json "exports"): one-off
// calls to fake Anthropic and OpenAI upstreams on loopback, credentials from arguments or the
// provider's environment variable, and the gateway's errors.
import { readFileSync } from 'node:fs';
import { completion, embedding, GatewayError, type ChatCompletionChunk } from 'tollgate';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sendJson, sendSse, startRecordingServer, type RecordingServer } from '../helpers/recording-server.ts';

const fixture = (path: string) => readFileSync(new URL(`../fixtures/${path}`, import.meta.url), 'utf8');
const frames = (text: string) =>
  text
    .split('\n\n')
    .filter((e) => e.trim())
    .map((e) => `${e}\n\n`);
const ANTHROPIC_KEY = 'sk-ant-api03-sdk-test-key-0123456789';
const OPENAI_KEY = 'sk-openai-sdk-env-key-0123456789';

let anthropic: RecordingServer;
let openai: RecordingServer;
beforeAll(async () => {
  anthropic = await startRecordingServer();
  openai = await startRecordingServer();
});
afterAll(async () => {
  await Promise.all([anthropic.close(), openai.close()]);
});
beforeEach(() => {
  anthropic.requests.length = 0;
  openai.requests.length = 0;
  process.env['OPENAI_API_KEY'] = OPENAI_KEY;
});
afterEach(() => {
  delete process.env['OPENAI_API_KEY'];
});

async function collect(chunks: AsyncIterable<ChatCompletionChunk>): Promise<ChatCompletionChunk[]> {
  const out: ChatCompletionChunk[] = [];
  for await (const chunk of chunks) out.push(chunk);
  return out;
}

describe('completion', () => {
  it('calls an Anthropic model with the key and base given as arguments, and answers in OpenAI shape', async () => {
    anthropic.respond((_r, res) => sendJson(res, 200, JSON.parse(fixture('anthropic/message-tool-use.json'))));
    const answer = await completion({
      model: 'anthropic/claude-sonnet-4-5',
      api_key: ANTHROPIC_KEY,
      api_base: anthropic.url,
      messages: [{ role: 'user', content: 'Weather in San Francisco?' }],
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { location: { type: 'string' } } } } }],
    });
    const sent = anthropic.requests[0]!;
    expect(sent.url).toBe('/v1/messages');
    expect(sent.headers['x-api-key']).toBe(ANTHROPIC_KEY);
    expect(sent.json).toMatchObject({ model: 'claude-sonnet-4-5', messages: [{ role: 'user' }] });
    expect(sent.json).not.toHaveProperty('api_key');
    expect(sent.json).not.toHaveProperty('api_base');
    expect(answer.object).toBe('chat.completion');
    expect(answer.choices[0]!.finish_reason).toBe('tool_calls');
    expect(JSON.parse(answer.choices[0]!.message.tool_calls![0]!.function.arguments)).toEqual({ location: 'San Francisco, CA', unit: 'celsius' });
    expect(answer.usage).toMatchObject({ prompt_tokens: 472, completion_tokens: 89 });
  });

  it('streams an async iterable of OpenAI chunks', async () => {
    anthropic.respond((_r, res) => sendSse(res, frames(fixture('anthropic/stream-text.sse'))));
    const chunks = await collect(
      await completion({ model: 'anthropic/claude-sonnet-4-5', api_key: ANTHROPIC_KEY, api_base: anthropic.url, messages: [{ role: 'user', content: 'Hi' }], stream: true }),
    );
    expect(chunks.every((c) => c.object === 'chat.completion.chunk')).toBe(true);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('Hello! How can I help?');
    expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe('stop');
    expect(chunks.some((c) => c.usage)).toBe(false);
  });

  it('reads the key from the provider environment variable, and streams usage when asked', async () => {
    openai.respond((_r, res) => sendSse(res, frames(fixture('openai/chat-stream.sse'))));
    const chunks = await collect(
      await completion({ model: 'openai/gpt-4o-mini', api_base: openai.url, messages: [{ role: 'user', content: 'Hi' }], stream: true, stream_options: { include_usage: true } }),
    );
    expect(openai.requests[0]!.headers['authorization']).toBe(`Bearer ${OPENAI_KEY}`);
    expect(chunks.at(-1)!.usage).toMatchObject({ total_tokens: 15 });
  });

  it('throws GatewayError for what the caller must fix, before any call', async () => {
    delete process.env['OPENAI_API_KEY'];
    const noKey = await completion({ model: 'openai/gpt-4o-mini', api_base: openai.url, messages: [{ role: 'user', content: 'Hi' }] }).catch((e: unknown) => e);
    expect(noKey).toBeInstanceOf(GatewayError);
    expect((noKey as GatewayError).message).toContain('OPENAI_API_KEY');

    const unknown = await completion({ model: 'nosuch/model', messages: [{ role: 'user', content: 'Hi' }] }).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(GatewayError);
    expect((unknown as GatewayError).message).toContain('unknown provider "nosuch"');

    const badBody = await completion({ model: 'anthropic/claude-sonnet-4-5', api_key: ANTHROPIC_KEY, api_base: anthropic.url, messages: [] }).catch((e: unknown) => e);
    expect(badBody).toMatchObject({ kind: 'invalid_request', status: 400, param: 'messages' });
    expect(anthropic.requests).toHaveLength(0);
    expect(openai.requests).toHaveLength(0);
  });

  it('throws the gateway error an upstream failure maps to, without the key', async () => {
    anthropic.respond((_r, res) => sendJson(res, 429, JSON.parse(fixture('anthropic/error-rate-limit.json')), { 'retry-after': '3' }));
    const error = await completion({ model: 'anthropic/claude-sonnet-4-5', api_key: ANTHROPIC_KEY, api_base: anthropic.url, messages: [{ role: 'user', content: 'Hi' }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ kind: 'rate_limited', status: 429, retryAfter: 3 });
    expect((error as GatewayError).toJSON().error.type).toBe('rate_limit_error');
    expect((error as Error).message).not.toContain(ANTHROPIC_KEY);
  });
});

describe('embedding', () => {
  it('embeds through an OpenAI-family provider, base64 passed through', async () => {
    const vector = [0.5, -0.25, 0.125];
    openai.respond((request, res) =>
      sendJson(res, 200, {
        object: 'list',
        model: 'text-embedding-3-small',
        usage: { prompt_tokens: 2, total_tokens: 2 },
        data: [{ object: 'embedding', index: 0, embedding: request.json.encoding_format === 'base64' ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector }],
      }),
    );
    const floats = await embedding({ model: 'openai/text-embedding-3-small', api_base: openai.url, input: 'hello', dimensions: 3 });
    expect(floats.data[0]!.embedding).toEqual(vector);
    expect(floats.usage.total_tokens).toBe(2);
    expect(openai.requests[0]!.json).toEqual({ model: 'text-embedding-3-small', input: 'hello', dimensions: 3 });

    const encoded = await embedding({ model: 'openai/text-embedding-3-small', api_base: openai.url, input: 'hello', encoding_format: 'base64' });
    const bytes = Buffer.from(encoded.data[0]!.embedding as string, 'base64');
    expect(Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, 3))).toEqual(vector);
  });

  it('refuses a provider without embeddings', async () => {
    await expect(embedding({ model: 'anthropic/claude-sonnet-4-5', api_key: ANTHROPIC_KEY, input: 'x' })).rejects.toThrow(/does not serve embeddings/);
  });
});
