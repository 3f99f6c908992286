// /v1/messages cached like chat, through the official `@anthropic-ai/sdk` client: an anthropic/
// deployment's streamed answer (thinking, text and a tool call) stored once whole and served to a
// whole request and replayed to a streamed one with the same content; another provider's answer
// (translated) cached the same way.
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedDynamo } from '../../local/embedded-dynamodb.ts';
import { startFakeAnthropic } from '../helpers/fake-anthropic.ts';
import { startRecordingServer, type RecordingServer } from '../helpers/recording-server.ts';
import { answerText, cacheConfig, MASTER, startCacheGateway, startDynamo, startFakeUpstream, type CacheGateway, type FakeUpstream } from './support.ts';

let dynamo: EmbeddedDynamo;
let anthropic: RecordingServer;
let openai: FakeUpstream;
/** An Anthropic upstream that streams an event that is not JSON. */
let broken: RecordingServer;
let gateway: CacheGateway;
let client: Anthropic;

beforeAll(async () => {
  dynamo = await startDynamo();
  anthropic = await startFakeAnthropic({ apiKey: 'sk-ant-upstream', models: { 'claude-sonnet-4-5': 64_000 } });
  openai = await startFakeUpstream();
  broken = await startRecordingServer();
  broken.respond((_r, res) => void res.writeHead(200, { 'content-type': 'text/event-stream' }).end('event: message_start\ndata: \n\n'));
  const claude =
    `  - model_name: claude\n    litellm_params: { model: anthropic/claude-sonnet-4-5, api_base: ${anthropic.url}, api_key: sk-ant-upstream }\n` +
    `  - model_name: claude-broken\n    litellm_params: { model: anthropic/claude-sonnet-4-5, api_base: ${broken.url}, api_key: sk-ant-upstream }\n`;
  gateway = await startCacheGateway(dynamo.endpoint, cacheConfig(openai.url, '{ type: redis }').replace('model_list:\n', `model_list:\n${claude}`));
  client = new Anthropic({ baseURL: gateway.url, apiKey: MASTER, maxRetries: 0 });
});
afterAll(async () => {
  await gateway.close();
  await anthropic.close();
  await broken.close();
  await openai.close();
  await dynamo.close();
});

const stored = () => new Promise((resolve) => setTimeout(resolve, 300));
const weather = { name: 'get_weather', description: 'Weather in a city', input_schema: { type: 'object' as const, properties: { city: { type: 'string' } } } };

describe('the cache on /v1/messages', () => {
  it("answers a streamed event that is not JSON as the upstream's error, and stores nothing (found by the adversarial suite)", async () => {
    const body = { model: 'claude-broken', max_tokens: 5, messages: [{ role: 'user' as const, content: 'hi' }] };
    for (let i = 0; i < 2; i++) {
      const failure = await client.messages
        .stream(body)
        .finalMessage()
        .catch((error: Error) => error);
      expect((failure as Error).message).toContain('not valid JSON');
      await stored();
    }
    expect(broken.requests.length).toBe(2);
  });

  it('stores an anthropic/ stream whole, serves it to a whole request and replays it to a streamed one', async () => {
    const body = {
      model: 'claude',
      max_tokens: 4096,
      thinking: { type: 'enabled' as const, budget_tokens: 1024 },
      tools: [weather],
      messages: [{ role: 'user' as const, content: 'What is it like in Paris? [[call get_weather {"city":"Paris"}]]' }],
    };
    const live = await client.messages.stream(body).finalMessage();
    expect(live.content.map((block) => block.type)).toEqual(['thinking', 'text', 'tool_use']);
    await stored();
    const calls = anthropic.requests.length;

    const { data: whole, response } = await client.messages.create(body).withResponse();
    expect(response.headers.get('x-tollgate-cache')).toBe('hit');
    expect(whole.content).toEqual(live.content);
    expect(whole.stop_reason).toBe('tool_use');
    expect(whole.model).toBe('claude');

    const replayed = client.messages.stream(body);
    const events: string[] = [];
    replayed.on('streamEvent', (event) => void events.push(event.type));
    const message = await replayed.finalMessage();
    expect(message.content).toEqual(live.content);
    expect(message.usage.output_tokens).toBe(live.usage.output_tokens);
    expect(events[0]).toBe('message_start');
    expect(events.at(-1)).toBe('message_stop');
    expect(anthropic.requests.length).toBe(calls);
  });

  it('caches another provider’s translated answer the same way', async () => {
    const body = { model: 'gpt-4o', max_tokens: 100, messages: [{ role: 'user' as const, content: `translated ${Date.now()}` }] };
    const first = await client.messages.create(body);
    const text = answerText(openai.chats());
    expect(first.content).toEqual([{ type: 'text', text }]);
    await stored();
    const calls = openai.chats();
    const replayed = await client.messages.stream(body).finalMessage();
    expect(replayed.content).toEqual([{ type: 'text', text }]);
    expect(openai.chats()).toBe(calls);
    const again = await client.messages.create(body).withResponse();
    expect(again.response.headers.get('x-tollgate-cache')).toBe('hit');
  });
});
