// The fake Cohere (test/helpers/fake-cohere.ts) judged by Cohere's own SDK (`cohere-ai`'s v2 client):
// what it answers parses as the real API's chat, chat stream and embed answers, so tests of the
// gateway against it test Cohere's wire format.
import { CohereClientV2 } from 'cohere-ai';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startFakeCohere } from '../../helpers/fake-cohere.ts';
import type { RecordingServer } from '../../helpers/recording-server.ts';

let fake: RecordingServer;
let cohere: CohereClientV2;
beforeAll(async () => {
  fake = await startFakeCohere({ apiKey: 'co-key' });
  cohere = new CohereClientV2({ token: 'co-key', environment: fake.url, maxRetries: 0 });
});
afterAll(() => fake.close());

it('answers chat as the SDK reads it: text, usage, finish reason', async () => {
  const answer = await cohere.chat({ model: 'command-a-03-2025', messages: [{ role: 'user', content: '[[say Hello from Cohere]]' }] });
  expect(answer.message.content?.[0]).toMatchObject({ type: 'text', text: 'Hello from Cohere' });
  expect(answer.finishReason).toBe('COMPLETE');
  expect(answer.usage?.tokens?.inputTokens).toBeGreaterThan(0);
});

it('streams chat events the SDK dispatches by type, and tool calls', async () => {
  const types: string[] = [];
  let text = '';
  for await (const event of await cohere.chatStream({ model: 'command-a-03-2025', messages: [{ role: 'user', content: '[[say streamed words]]' }] })) {
    types.push(event.type);
    if (event.type === 'content-delta') text += event.delta?.message?.content?.text ?? '';
  }
  expect(text).toBe('streamed words');
  expect(types[0]).toBe('message-start');
  expect(types.at(-1)).toBe('message-end');

  const tools = [{ type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }];
  const called = await cohere.chat({ model: 'command-a-03-2025', tools, messages: [{ role: 'user', content: '[[call get_weather {"city":"Paris"}]]' }] });
  expect(called.finishReason).toBe('TOOL_CALL');
  expect(called.message.toolCalls?.[0]?.function).toMatchObject({ name: 'get_weather', arguments: '{"city":"Paris"}' });
});

it('embeds as the SDK reads it, and refuses a wrong key as the SDK expects', async () => {
  const answer = await cohere.embed({ model: 'embed-v4.0', texts: ['a', 'b'], inputType: 'search_document', embeddingTypes: ['float'] });
  expect(answer.embeddings.float).toHaveLength(2);
  expect(answer.meta?.billedUnits?.inputTokens).toBeGreaterThan(0);
  const wrong = new CohereClientV2({ token: 'nope', environment: fake.url, maxRetries: 0 });
  await expect(wrong.chat({ model: 'command-a-03-2025', messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({ statusCode: 401 });
});
