// cohere/ on Cohere's v2 API through the local gateway, driven by the official `openai` client in front
// of the fake Cohere (test/helpers/fake-cohere.ts, judged by the `cohere-ai` SDK in
// test/providers/cohere/fake-wire.test.ts): chat, streamed chat, a tool loop, embeddings, the URL and
// the Bearer key, and an upstream refusal.
import OpenAI from 'openai';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startFakeCohere } from '../helpers/fake-cohere.ts';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';
import type { RecordingServer } from '../helpers/recording-server.ts';

const MASTER = 'sk-test-master';
let cohere: RecordingServer;
let gateway: TestGateway;
let client: OpenAI;

beforeAll(async () => {
  cohere = await startFakeCohere({ apiKey: 'co-upstream-key' });
  gateway = await startGateway(
    `
model_list:
  - model_name: command-a
    litellm_params: { model: cohere/command-a-03-2025, api_base: "${cohere.url}" }
  - model_name: cohere-embed
    litellm_params: { model: cohere/embed-v4.0, api_base: "${cohere.url}/v2" }
  - model_name: wrong-key
    litellm_params: { model: cohere/command-a-03-2025, api_base: "${cohere.url}", api_key: co-wrong }
general_settings: { master_key: ${MASTER} }
router_settings: { num_retries: 0 }
`,
    { COHERE_API_KEY: 'co-upstream-key' },
  );
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: MASTER, maxRetries: 0 });
});
afterAll(async () => {
  await gateway.close();
  await cohere.close();
});

it("chats on /v2/chat with COHERE_API_KEY as Bearer and OpenAI's parameters under Cohere's names", async () => {
  const answer = await client.chat.completions.create({
    model: 'command-a',
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: '[[say Hello from Cohere]]' },
    ],
    max_tokens: 50,
    top_p: 0.9,
    stop: 'END',
  });
  expect(answer.choices[0]).toMatchObject({ message: { role: 'assistant', content: 'Hello from Cohere' }, finish_reason: 'stop' });
  expect(answer.model).toBe('command-a');
  expect(answer.usage!.prompt_tokens).toBeGreaterThan(0);
  const sent = cohere.requests.at(-1)!;
  expect(sent).toMatchObject({ method: 'POST', url: '/v2/chat', headers: { authorization: 'Bearer co-upstream-key' } });
  expect(sent.json).toMatchObject({ model: 'command-a-03-2025', max_tokens: 50, p: 0.9, stop_sequences: ['END'], messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user' }] });
});

it("streams Cohere's events as chat.completion.chunks, usage last", async () => {
  const stream = await client.chat.completions.create({
    model: 'command-a',
    messages: [{ role: 'user', content: '[[say streamed from Cohere]]' }],
    stream: true,
    stream_options: { include_usage: true },
  });
  let text = '';
  let finish: string | null = null;
  let usage: OpenAI.CompletionUsage | undefined | null;
  for await (const chunk of stream) {
    text += chunk.choices[0]?.delta.content ?? '';
    finish = chunk.choices[0]?.finish_reason ?? finish;
    usage = chunk.usage ?? usage;
  }
  expect(text).toBe('streamed from Cohere');
  expect(finish).toBe('stop');
  expect(usage!.completion_tokens).toBeGreaterThan(0);
  expect(cohere.requests.at(-1)!.json.stream).toBe(true);
});

it('runs a tool loop: the call comes back as tool_calls, the result goes back as a tool message', async () => {
  const tools: OpenAI.ChatCompletionTool[] = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }];
  const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: '[[call get_weather {"city":"Paris"}]]' }];
  const first = await client.chat.completions.create({ model: 'command-a', messages, tools });
  const call = first.choices[0]!.message.tool_calls![0]!;
  expect(first.choices[0]!.finish_reason).toBe('tool_calls');
  expect(call).toMatchObject({ type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } });
  messages.push(first.choices[0]!.message, { role: 'tool', tool_call_id: call.id, content: 'sunny, 21 C' });
  const second = await client.chat.completions.create({ model: 'command-a', messages, tools });
  expect(second.choices[0]!.message.content).toBe('tool said: sunny, 21 C');

  const streamed = await client.chat.completions.create({ model: 'command-a', messages: messages.slice(0, 1), tools, stream: true });
  let args = '';
  for await (const chunk of streamed) args += chunk.choices[0]?.delta.tool_calls?.[0]?.function?.arguments ?? '';
  expect(JSON.parse(args)).toEqual({ city: 'Paris' });
});

it('embeds on /v2/embed (api_base with /v2 taken as it is), float vectors and billed tokens', async () => {
  const answer = await client.embeddings.create({ model: 'cohere-embed', input: ['first text', 'second text'] });
  expect(answer.data).toHaveLength(2);
  expect(answer.data[0]!.embedding).toHaveLength(8);
  expect(answer.usage.prompt_tokens).toBeGreaterThan(0);
  expect(cohere.requests.at(-1)).toMatchObject({ url: '/v2/embed', json: { model: 'embed-v4.0', texts: ['first text', 'second text'], input_type: 'search_document', embedding_types: ['float'] } });
});

it("passes Cohere's refusal of a wrong key on as a 401, without the key", async () => {
  const error = await client.chat.completions.create({ model: 'wrong-key', messages: [{ role: 'user', content: 'hi' }] }).catch((e: InstanceType<typeof OpenAI.APIError>) => e);
  expect(error).toMatchObject({ status: 401, message: expect.stringContaining('invalid api token') });
  expect(JSON.stringify(error)).not.toContain('co-wrong');
});
