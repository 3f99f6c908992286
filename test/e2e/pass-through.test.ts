// LiteLLM's native pass-through routes for the formats the gateway speaks, as their official SDKs call
// them with the base URL pointed at the gateway: `/anthropic` (Claude Code's ANTHROPIC_BASE_URL) and
// `/openai/v1`. A virtual key authenticates (x-api-key, as the Anthropic SDK sends it, or Bearer), its
// rpm_limit holds, every call is charged to it, and streams pass event by event.
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedDynamo } from '../../local/embedded-dynamodb.ts';
import { eventually } from '../helpers/eventually.ts';
import { startFakeAnthropic } from '../helpers/fake-anthropic.ts';
import { startFakeOpenAI } from '../helpers/fake-openai.ts';
import { MASTER, startDynamo, startKeysGateway, type KeysGateway } from '../helpers/identity.ts';
import type { RecordingServer } from '../helpers/recording-server.ts';

const CLAUDE = 'claude-sonnet-4-5-20250929';
let dynamo: EmbeddedDynamo;
let anthropic: RecordingServer;
let openai: RecordingServer;
let gateway: KeysGateway;

beforeAll(async () => {
  dynamo = await startDynamo();
  anthropic = await startFakeAnthropic({ apiKey: 'sk-ant-upstream', models: { [CLAUDE]: 64_000 } });
  openai = await startFakeOpenAI({ apiKey: 'sk-openai-upstream', models: { 'gpt-4o': { maxOutputTokens: 16384, reasoning: false } } });
  // Claude Code names Anthropic's models: a wildcard group serves each of them.
  const config = `
model_list:
  - model_name: "claude-*"
    litellm_params: { model: "anthropic/claude-*", api_base: "${anthropic.url}", api_key: sk-ant-upstream }
  - model_name: gpt-4o
    litellm_params: { model: openai/gpt-4o, api_base: "${openai.url}/v1", api_key: sk-openai-upstream }
general_settings: { master_key: ${MASTER} }
`;
  gateway = await startKeysGateway(dynamo.endpoint, { config, cacheSeconds: 0 });
});
afterAll(async () => {
  await gateway?.close();
  for (const server of [anthropic, openai]) await server?.close();
  await dynamo?.close();
});

const spendOf = async (key: string) => (await gateway.call('GET', `/key/info?key=${key}`)).body.info.spend as number;

describe('/anthropic pass-through', () => {
  it("serves the Anthropic SDK with a virtual key in x-api-key, the client's body reaching Anthropic as sent, charged to the key", async () => {
    const { key } = (await gateway.call('POST', '/key/generate', { models: [] })).body;
    const client = new Anthropic({ baseURL: `${gateway.url}/anthropic`, apiKey: key, maxRetries: 0 });
    const message = await client.messages.create({ model: CLAUDE, max_tokens: 64, messages: [{ role: 'user', content: 'Hi' }], metadata: { user_id: 'u-1' } });
    expect(message.type).toBe('message');
    expect(message.content[0]).toMatchObject({ type: 'text' });
    const sent = anthropic.requests.at(-1)!;
    expect(sent.url).toBe('/v1/messages');
    expect(sent.headers['x-api-key']).toBe('sk-ant-upstream');
    expect(sent.json).toMatchObject({ model: CLAUDE, max_tokens: 64, metadata: { user_id: 'u-1' } });
    await eventually(async () => ((await spendOf(key)) > 0 ? true : undefined));

    const counted = await client.messages.countTokens({ model: CLAUDE, messages: [{ role: 'user', content: 'Hi' }] });
    expect(counted.input_tokens).toBeGreaterThan(0);
  });

  it('streams event by event, and charges the stream', async () => {
    const { key } = (await gateway.call('POST', '/key/generate', {})).body;
    const client = new Anthropic({ baseURL: `${gateway.url}/anthropic`, apiKey: key, maxRetries: 0 });
    const events: string[] = [];
    const stream = client.messages.stream({ model: CLAUDE, max_tokens: 64, messages: [{ role: 'user', content: 'Count to three' }] });
    for await (const event of stream) events.push(event.type);
    expect(events[0]).toBe('message_start');
    expect(events).toContain('content_block_delta');
    expect(events.at(-1)).toBe('message_stop');
    expect((await stream.finalMessage()).usage.output_tokens).toBeGreaterThan(0);
    await eventually(async () => ((await spendOf(key)) > 0 ? true : undefined));
  });

  it("holds the key's rpm_limit and refuses a missing key in Anthropic's error shape", async () => {
    const { key } = (await gateway.call('POST', '/key/generate', { rpm_limit: 1 })).body;
    const client = new Anthropic({ baseURL: `${gateway.url}/anthropic`, apiKey: key, maxRetries: 0 });
    const ask = () => client.messages.create({ model: CLAUDE, max_tokens: 16, messages: [{ role: 'user', content: 'Hi' }] });
    await ask();
    await expect(ask()).rejects.toMatchObject({ status: 429 });
    const anonymous = await fetch(`${gateway.url}/anthropic/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: CLAUDE, max_tokens: 16, messages: [] }),
    });
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
  });
});

describe('/openai pass-through', () => {
  it('serves the OpenAI SDK pointed at <gateway>/openai/v1, streamed and not, charged to the key', async () => {
    const { key } = (await gateway.call('POST', '/key/generate', {})).body;
    const client = new OpenAI({ baseURL: `${gateway.url}/openai/v1`, apiKey: key, maxRetries: 0 });
    const answer = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }] });
    expect(answer.choices[0]!.message.role).toBe('assistant');
    expect(openai.requests.at(-1)!.headers['authorization']).toBe('Bearer sk-openai-upstream');
    const chunks = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }], stream: true, stream_options: { include_usage: true } });
    let usage: unknown;
    for await (const chunk of chunks) usage = chunk.usage ?? usage;
    expect(usage).toMatchObject({ completion_tokens: expect.any(Number) });
    await eventually(async () => ((await spendOf(key)) > 0 ? true : undefined));
    // A model the key may not call is refused here as on /v1.
    const narrow = (await gateway.call('POST', '/key/generate', { models: [CLAUDE] })).body.key;
    await expect(
      new OpenAI({ baseURL: `${gateway.url}/openai/v1`, apiKey: narrow, maxRetries: 0 }).chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }] }),
    ).rejects.toMatchObject({ status: 401 });
  });
});
