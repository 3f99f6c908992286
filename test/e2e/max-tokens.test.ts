// A max_tokens above what the model can write is lowered to its known maximum (price table, or
// model_info) on every path, and the response says so in x-tollgate-max-tokens-clamped.
import { readFileSync } from 'node:fs';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';
import { fixtures } from '../helpers/fixtures.ts';
import { sendJson, sendSse, startRecordingServer, type RecordingServer } from '../helpers/recording-server.ts';

const fixture = (path: string) => JSON.parse(readFileSync(new URL(`../fixtures/${path}`, import.meta.url), 'utf8'));
const MASTER = 'sk-test-master';
let openaiUpstream: RecordingServer;
let anthropicUpstream: RecordingServer;
let gateway: TestGateway;

beforeAll(async () => {
  openaiUpstream = await startRecordingServer((_r, res) => sendJson(res, 200, fixture('openai/chat-completion.json')));
  // Streams are answered as Anthropic streams them: a JSON body to a stream request is an upstream error.
  anthropicUpstream = await startRecordingServer((r, res) =>
    r.json?.stream ? sendSse(res, fixtures('anthropic').sseFrames('stream-text.sse')) : sendJson(res, 200, fixture('anthropic/message-text.json')),
  );
  gateway = await startGateway(`
model_list:
  - model_name: gpt-mini            # gpt-4o-mini writes at most 16384 tokens (price table)
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${openaiUpstream.url}, api_key: sk-up }
  - model_name: small               # the config's own maximum wins
    litellm_params: { model: openai/my-finetune, api_base: ${openaiUpstream.url}, api_key: sk-up }
    model_info: { max_output_tokens: 1000 }
  - model_name: unknown             # no known maximum: sent as it came
    litellm_params: { model: openai/some-new-model, api_base: ${openaiUpstream.url}, api_key: sk-up }
  - model_name: claude              # claude-sonnet-4-5 writes at most 64000
    litellm_params: { model: anthropic/claude-sonnet-4-5-20250929, api_base: ${anthropicUpstream.url}, api_key: sk-ant-up }
general_settings: { master_key: ${MASTER} }
`);
});
afterAll(async () => {
  await gateway.close();
  await Promise.all([openaiUpstream.close(), anthropicUpstream.close()]);
});
beforeEach(() => {
  openaiUpstream.requests.length = 0;
  anthropicUpstream.requests.length = 0;
});

const openai = () => new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: MASTER, maxRetries: 0 });
const messages = [{ role: 'user' as const, content: 'Hi' }];

describe('max_tokens above the model maximum', () => {
  it('is clamped on chat, for max_tokens and max_completion_tokens, and the header says so', async () => {
    const { response } = await openai().chat.completions.create({ model: 'gpt-mini', messages, max_tokens: 128000 }).withResponse();
    expect(openaiUpstream.requests[0]!.json.max_tokens).toBe(16384);
    expect(response.headers.get('x-tollgate-max-tokens-clamped')).toBe('128000->16384');
    await openai().chat.completions.create({ model: 'small', messages, max_completion_tokens: 5000 });
    expect(openaiUpstream.requests[1]!.json.max_completion_tokens).toBe(1000);
  });

  it('is left alone within the maximum, or when the maximum is unknown, with no header', async () => {
    const within = await openai().chat.completions.create({ model: 'gpt-mini', messages, max_tokens: 100 }).withResponse();
    expect(openaiUpstream.requests[0]!.json.max_tokens).toBe(100);
    expect(within.response.headers.get('x-tollgate-max-tokens-clamped')).toBeNull();
    await openai().chat.completions.create({ model: 'unknown', messages, max_tokens: 500000 });
    expect(openaiUpstream.requests[1]!.json.max_tokens).toBe(500000);
  });

  it('is clamped on /v1/messages, passed through to Anthropic and translated for others', async () => {
    // The SDK itself refuses a non-streamed call this large, so it is sent as the Vercel AI SDK sends it.
    const send = (model: string) =>
      fetch(`${gateway.url}/v1/messages`, {
        method: 'POST',
        headers: { 'x-api-key': MASTER, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
        body: JSON.stringify({ model, max_tokens: 128000, messages }),
      });
    const response = await send('claude');
    expect(response.status).toBe(200);
    expect(anthropicUpstream.requests[0]!.json.max_tokens).toBe(64000);
    expect(response.headers.get('x-tollgate-max-tokens-clamped')).toBe('128000->64000');
    expect((await send('gpt-mini')).status).toBe(200);
    expect(openaiUpstream.requests[0]!.json.max_tokens).toBe(16384);
    const streamed = await new Anthropic({ baseURL: gateway.url, apiKey: MASTER, maxRetries: 0 }).messages.stream({ model: 'claude', max_tokens: 100000, messages }).withResponse();
    expect(streamed.response.headers.get('x-tollgate-max-tokens-clamped')).toBe('100000->64000');
  });
});
