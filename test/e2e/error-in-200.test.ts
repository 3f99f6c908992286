// An upstream that answers 200 with an error body (`{"error": ...}`, as OpenRouter and some proxies
// do) is failing, not answering: the client gets the error, with the status its code or type stands
// for (else 502), for whole answers and streams alike, in every provider family that speaks HTTP; and
// nothing is charged for it. Through the official openai and Anthropic clients.
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedDynamo } from '../../local/embedded-dynamodb.ts';
import { sendJson, sendSse, startRecordingServer, type RecordingServer } from '../helpers/recording-server.ts';
import { eventually, MASTER, startDynamo, startSpendGateway, type SpendGateway } from '../spend/support.ts';

let upstream: RecordingServer;
let dynamo: EmbeddedDynamo;
let gateway: SpendGateway;

beforeAll(async () => {
  upstream = await startRecordingServer();
  dynamo = await startDynamo();
  const priced = 'input_cost_per_token: 0.00001, output_cost_per_token: 0.0001';
  gateway = await startSpendGateway(
    dynamo.endpoint,
    `
model_list:
  - model_name: gpt
    litellm_params: { model: openai/gpt-4o, api_base: ${upstream.url}/v1, api_key: sk-upstream-openai, ${priced} }
  - model_name: router
    litellm_params: { model: openrouter/openai/gpt-4o, api_base: ${upstream.url}/api/v1, api_key: sk-upstream-openrouter, ${priced} }
  - model_name: embed
    litellm_params: { model: openai/text-embedding-3-small, api_base: ${upstream.url}/v1, api_key: sk-upstream-openai, ${priced} }
  - model_name: claude
    litellm_params: { model: anthropic/claude-sonnet-4-5, api_base: ${upstream.url}, api_key: sk-ant-upstream, ${priced} }
  - model_name: gemini
    litellm_params: { model: gemini/gemini-2.5-flash, api_base: ${upstream.url}, api_key: AIzaSyUpstream-0123456789abcdefghijklmn, ${priced} }
router_settings: { num_retries: 0 }
general_settings: { master_key: ${MASTER} }
`,
  );
});
afterAll(async () => {
  await gateway.close();
  await dynamo.close();
  await upstream.close();
});

const openai = (key = MASTER) => new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: key, maxRetries: 0 });
const hi = [{ role: 'user' as const, content: 'Hi' }];

async function failure(call: Promise<unknown>): Promise<{ status?: number; error?: any }> {
  try {
    const result = await call;
    // A stream that "succeeded" must fail while read.
    if (result && typeof result === 'object' && Symbol.asyncIterator in result) for await (const _ of result as AsyncIterable<unknown>);
    return { status: 200 };
  } catch (error) {
    if (error instanceof OpenAI.APIError || error instanceof Anthropic.APIError) return { status: error.status, error: error.error };
    throw error;
  }
}

const errorBodies: Array<[string, unknown, number, string]> = [
  ['a rate-limit code', { error: { message: 'Rate limit reached for requests', type: 'requests', code: 'rate_limit_exceeded' } }, 429, 'rate_limit_error'],
  ["OpenRouter's numeric code", { error: { message: 'Provider returned error', code: 503 } }, 503, 'service_unavailable_error'],
  ['an invalid-request type', { error: { message: 'Unrecognized request argument', type: 'invalid_request_error', code: null } }, 400, 'invalid_request_error'],
  [
    'a context-window code',
    { error: { message: "This model's maximum context length is 128000 tokens", type: 'invalid_request_error', code: 'context_length_exceeded' } },
    400,
    'invalid_request_error',
  ],
  ['a code that says no status', { error: { message: 'Something odd happened', code: 'weird_thing' } }, 502, 'api_error'],
  ['a bare string', { error: 'upstream exploded' }, 502, 'api_error'],
];

describe('OpenAI-compatible providers', () => {
  it.each(errorBodies)('map a 200 whose body is %s to that error, streamed or not', async (_name, body, status, type) => {
    upstream.respond((_r, res) => sendJson(res, 200, body));
    for (const model of ['gpt', 'router']) {
      for (const stream of [false, true]) {
        const result = await failure(openai().chat.completions.create({ model, messages: hi, stream }));
        expect(result.status, `${model} stream=${stream}`).toBe(status);
        expect(result.error.type).toBe(type);
        const text = typeof (body as { error: unknown }).error === 'string' ? 'upstream exploded' : (body as { error: { message: string } }).error.message;
        expect(result.error.message).toContain(text);
      }
    }
  });

  it('map an error event that comes first in a stream by its code', async () => {
    upstream.respond((_r, res) => sendSse(res, [`data: ${JSON.stringify({ error: { message: 'Rate limit reached', type: 'rate_limit_error' } })}\n\n`]));
    expect((await failure(openai().chat.completions.create({ model: 'gpt', messages: hi, stream: true }))).status).toBe(429);
  });

  it('refuse a 200 that is not a chat completion, and a JSON body that is not an error answering a stream', async () => {
    upstream.respond((_r, res) => sendJson(res, 200, { id: 'x', object: 'chat.completion' }));
    const whole = await failure(openai().chat.completions.create({ model: 'gpt', messages: hi }));
    expect(whole.status).toBe(502);
    expect(whole.error.message).toContain('not a chat completion');
    const streamed = await failure(openai().chat.completions.create({ model: 'gpt', messages: hi, stream: true }));
    expect(streamed.status).toBe(502);
    expect(streamed.error.message).toContain('JSON body');
  });

  it('map an embeddings 200 with an error body', async () => {
    upstream.respond((_r, res) => sendJson(res, 200, { error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' } }));
    const result = await failure(openai().embeddings.create({ model: 'embed', input: 'Hi' }));
    expect(result.status).toBe(401);
    expect(result.error.message).toContain('Incorrect API key');
  });

  it('charge nothing for it: no estimate for an empty stream, a failure in the ledger', async () => {
    const { key, token } = (await gateway.admin('POST', '/key/generate', { max_budget: 10 })).body;
    upstream.respond((_r, res) => sendJson(res, 200, { error: { message: 'Provider returned error', code: 502 } }));
    for (const stream of [false, true]) expect((await failure(openai(key).chat.completions.create({ model: 'gpt', messages: hi, stream }))).status).toBe(502);
    const logs = await eventually(async () => {
      const found = (await gateway.admin('GET', `/spend/logs?api_key=${token}`)).body as Array<{ spend: number; status: string }>;
      expect(found).toHaveLength(2);
      return found;
    });
    expect(logs.map((log) => [log.status, log.spend])).toEqual([
      ['failure', 0],
      ['failure', 0],
    ]);
    expect((await gateway.admin('GET', `/key/info?key=${token}`)).body.info.spend).toBe(0);
  });
});

describe('other provider families', () => {
  it("map Anthropic's error body in a 200, whole and streamed, on chat and on /v1/messages", async () => {
    upstream.respond((_r, res) => sendJson(res, 200, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }));
    for (const stream of [false, true]) expect((await failure(openai().chat.completions.create({ model: 'claude', messages: hi, stream }))).status).toBe(503);
    const anthropic = new Anthropic({ baseURL: gateway.url, apiKey: MASTER, maxRetries: 0 });
    for (const stream of [false, true]) {
      const result = await failure(anthropic.messages.create({ model: 'claude', max_tokens: 10, messages: hi, stream }));
      expect(result.status).toBe(503);
      expect(result.error).toMatchObject({ type: 'error', error: { type: 'overloaded_error' } });
    }
  });

  it("map Google's error body in a 200, whole and streamed", async () => {
    upstream.respond((_r, res) => sendJson(res, 200, { error: { code: 429, message: 'Resource has been exhausted (e.g. check quota).', status: 'RESOURCE_EXHAUSTED' } }));
    for (const stream of [false, true]) {
      const result = await failure(openai().chat.completions.create({ model: 'gemini', messages: hi, stream }));
      expect(result.status).toBe(429);
      expect(result.error.message).toContain('Resource has been exhausted');
    }
  });
});
