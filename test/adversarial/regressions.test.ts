// What the adversarial suite (fuzz.test.ts) found, one test each, so that each stays fixed whatever
// the fuzzer's seed: requests and upstream answers that made the gateway answer 500, or answer out of
// format. Through the official openai and Anthropic clients where a client would see it.
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtures } from '../helpers/fixtures.ts';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';
import { sendJson, sendSse, startRecordingServer, type RecordingServer } from '../helpers/recording-server.ts';

const MASTER = 'sk-regressions-master';
const openaiFixtures = fixtures('openai');
const anthropicFixtures = fixtures('anthropic');

let upstream: RecordingServer;
let gateway: TestGateway;

beforeAll(async () => {
  upstream = await startRecordingServer();
  gateway = await startGateway(`
model_list:
  - model_name: mock
    litellm_params: { model: mock/echo }
  - model_name: gpt
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${upstream.url}/v1, api_key: sk-upstream-openai }
  - model_name: claude
    litellm_params: { model: anthropic/claude-sonnet-4-5, api_base: ${upstream.url}, api_key: sk-ant-upstream }
  - model_name: gemini
    litellm_params: { model: gemini/gemini-2.5-flash, api_base: ${upstream.url}, api_key: AIzaSyRegressions-0123456789abcdefghijk }
router_settings: { num_retries: 0 }
general_settings: { master_key: ${MASTER} }
`);
});
afterAll(async () => {
  await gateway.close();
  await upstream.close();
});

const openai = () => new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: MASTER, maxRetries: 0 });
const anthropic = (apiKey = MASTER) => new Anthropic({ baseURL: gateway.url, apiKey, maxRetries: 0 });
const hi = [{ role: 'user' as const, content: 'Hi' }];

/** The error a call ends with (reading a stream to its end), or undefined if it succeeded. */
async function failure(call: Promise<unknown>): Promise<any> {
  try {
    const result = await call;
    if (result && typeof result === 'object' && Symbol.asyncIterator in result) for await (const _ of result as AsyncIterable<unknown>);
    return undefined;
  } catch (error) {
    return error;
  }
}

describe('requests', () => {
  it("answers /v1/messages and count_tokens without a key in Anthropic's error shape", async () => {
    for (const path of ['/v1/messages', '/v1/messages/count_tokens']) {
      const response = await fetch(`${gateway.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ type: 'error', error: { type: 'authentication_error', message: expect.stringContaining('No API key') } });
    }
    const error = await failure(anthropic('sk-not-a-key').messages.create({ model: 'mock', max_tokens: 5, messages: hi }));
    expect(error).toBeInstanceOf(Anthropic.AuthenticationError);
    expect(error.error).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
  });

  it('refuses a `user` that is not a string with a 400 naming it, and takes null as no user', async () => {
    const error = await failure(openai().chat.completions.create({ model: 'mock', messages: hi, user: 1 as unknown as string }));
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error.error).toMatchObject({ param: 'user' });
    expect((await openai().chat.completions.create({ model: 'mock', messages: hi, user: null as unknown as string })).choices).toHaveLength(1);
  });

  it("answers a request line and headers over 16 KB with a 431 in OpenAI's format", async () => {
    const response = await fetch(`${gateway.url}/v1/models?filler=${'x'.repeat(20_000)}`, { headers: { authorization: `Bearer ${MASTER}` } });
    expect(response.status).toBe(431);
    expect(await response.json()).toMatchObject({ error: { type: 'invalid_request_error', code: '431', message: expect.stringContaining('16 KB') } });
  });

  it("refuses a tool_result whose content is neither text nor blocks, on a model that is not Anthropic's", async () => {
    const messages: Anthropic.MessageParam[] = [
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 't', input: {} }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 5 as unknown as string }] },
    ];
    const error = await failure(anthropic().messages.create({ model: 'mock', max_tokens: 5, messages }));
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect(error.error.error.message).toContain('messages[1].content[0].content');
  });
});

describe("upstream answers of the wrong shape are the upstream's 502, not the gateway's 500", () => {
  const answering = (body: unknown) => upstream.respond((_r, res) => sendJson(res, 200, body));
  const streaming = (frames: string[]) => upstream.respond((_r, res) => sendSse(res, frames));

  it('OpenAI-compatible: a finish_reason that is not a string, a chunk whose choice is not an object, a usage that is not an object', async () => {
    const completion = openaiFixtures.fixtureJson<{ choices: Array<Record<string, unknown>> }>('chat-completion.json');
    answering({ ...completion, choices: [{ ...completion.choices[0], finish_reason: [{ toString: '' }] }] });
    const viaMessages = await failure(anthropic().messages.create({ model: 'gpt', max_tokens: 5, messages: hi }));
    expect(viaMessages.status).toBe(502);
    expect(viaMessages.error.error.message).toContain('choices[0].finish_reason');

    const frames = openaiFixtures.sseFrames('chat-stream.sse');
    for (const broken of ['{"id":"c","object":"chat.completion.chunk","choices":[""]}', '{"id":"c","object":"chat.completion.chunk","choices":[],"usage":5}']) {
      streaming([frames[0]!, `data: ${broken}\n\n`, ...frames.slice(1)]);
      const error = await failure(openai().chat.completions.create({ model: 'gpt', messages: hi, stream: true }));
      expect(error).toBeInstanceOf(OpenAI.APIError);
      expect(error.error).toMatchObject({ type: 'api_error', message: expect.stringContaining('not a chat.completion.chunk') });
    }
  });

  it('Anthropic: a message_start without a message, content that is not a list, a body that is null', async () => {
    const frames = anthropicFixtures.sseFrames('stream-text.sse');
    streaming([frames[0]!.replace(/"message":\{.*\}\}$/m, '"message":1}'), ...frames.slice(1)]);
    // Forwarded as Anthropic's events on /v1/messages, translated into chunks on chat.
    expect((await failure(anthropic().messages.create({ model: 'claude', max_tokens: 5, messages: hi, stream: true }))).status).toBe(502);
    expect((await failure(openai().chat.completions.create({ model: 'claude', messages: hi, stream: true }))).status).toBe(502);
    answering({ ...anthropicFixtures.fixtureJson<Record<string, unknown>>('message-text.json'), content: 5 });
    expect((await failure(anthropic().messages.create({ model: 'claude', max_tokens: 5, messages: hi }))).status).toBe(502);
    expect((await failure(openai().chat.completions.create({ model: 'claude', messages: hi }))).status).toBe(502);
    upstream.respond((_r, res) => void res.writeHead(200, { 'content-type': 'application/json' }).end('null'));
    const nothing = await failure(anthropic().messages.create({ model: 'claude', max_tokens: 5, messages: hi }));
    expect(nothing.status).toBe(502);
    expect(nothing.error.error.message).toContain('not an object');
  });

  it('usage counts that are objects with no string form ({"toString": null}): OpenAI, Anthropic (streamed too) and Gemini', async () => {
    const hostile = { toString: null };
    const completion = openaiFixtures.fixtureJson<any>('chat-completion.json');
    answering({ ...completion, usage: { ...completion.usage, completion_tokens_details: { reasoning_tokens: hostile } } });
    expect((await failure(openai().chat.completions.create({ model: 'gpt', messages: hi }))).status).toBe(502);
    const message = anthropicFixtures.fixtureJson<any>('message-text.json');
    answering({ ...message, usage: { ...message.usage, input_tokens: hostile } });
    expect((await failure(anthropic().messages.create({ model: 'claude', max_tokens: 5, messages: hi }))).status).toBe(502);
    const frames = anthropicFixtures.sseFrames('stream-text.sse');
    streaming([frames[0]!.replace('"input_tokens":', '"cache_creation_input_tokens":{"toString":null},"input_tokens":'), ...frames.slice(1)]);
    // A stream whose usage cannot be read ends with Anthropic's in-band error, not a cut connection.
    const raw = await fetch(`${gateway.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': MASTER, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'claude', max_tokens: 5, messages: hi, stream: true }),
    }).then((r) => r.text());
    expect(raw).toMatch(/event: error\ndata: \{"type":"error","error":\{"type":"api_error","message":"[^"]*usage that cannot be true/);
    answering({ candidates: [{ content: { parts: [{ text: 'Hi' }], role: 'model' }, finishReason: 'STOP', index: 0 }], usageMetadata: { promptTokenCount: hostile, candidatesTokenCount: 1 } });
    expect((await failure(openai().chat.completions.create({ model: 'gemini', messages: hi }))).status).toBe(502);
  });

  it('Gemini: parts that are not a list', async () => {
    answering({ candidates: [{ content: { parts: 0, role: 'model' }, finishReason: 'STOP', index: 0 }] });
    const error = await failure(openai().chat.completions.create({ model: 'gemini', messages: hi }));
    expect(error.status).toBe(502);
    expect(error.error.message).toContain('candidates[0].content.parts');
  });
});
