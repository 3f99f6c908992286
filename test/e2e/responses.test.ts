// POST /v1/responses (and its stored answers) driven by the official `openai` client, on an OpenAI
// deployment (served on the fake's own Responses API), an Anthropic one and a Bedrock one (bridged
// through chat to their fakes), with the gateway's state in dynalite: text, streams (raw events and
// the SDK's `responses.stream` helper), tools over two turns with `previous_response_id` and with the
// whole input resent, structured output, retrieve, input items, delete, another key refused, and a
// conversation continued across a restart of the gateway.
import { randomBytes, randomUUID } from 'node:crypto';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EmbeddedDynamo } from '../../local/embedded-dynamodb.ts';
import { startFakeAnthropic } from '../helpers/fake-anthropic.ts';
import { startFakeBedrock, type FakeBedrock } from '../helpers/fake-bedrock.ts';
import { scriptedConverse } from '../helpers/fake-bedrock-converse.ts';
import { startFakeOpenAI } from '../helpers/fake-openai.ts';
import { MASTER, startDynamo, startKeysGateway, type KeysGateway } from '../helpers/identity.ts';
import type { RecordingServer } from '../helpers/recording-server.ts';

const OPENAI_KEY = 'sk-proj-responses-upstream';
const ANTHROPIC_KEY = 'sk-ant-api03-responses-upstream';
const BACKENDS = ['openai', 'anthropic', 'bedrock'] as const;
type Backend = (typeof BACKENDS)[number];

let dynamo: EmbeddedDynamo;
let openai: RecordingServer;
let anthropic: RecordingServer;
let bedrock: FakeBedrock;
let gateway: KeysGateway;
let client: OpenAI;

const config = () => `
model_list:
  - model_name: openai
    litellm_params: { model: openai/gpt-4.1-mini, api_base: ${openai.url}, api_key: ${OPENAI_KEY} }
  - model_name: anthropic
    litellm_params: { model: anthropic/claude-sonnet-4-5-20250929, api_base: ${anthropic.url}, api_key: ${ANTHROPIC_KEY} }
  - model_name: bedrock
    litellm_params: { model: bedrock/us.anthropic.claude-sonnet-4-5-20250929-v1:0, api_base: ${bedrock.url}, aws_access_key_id: AKIAIOSFODNN7EXAMPLE, aws_secret_access_key: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY, aws_region_name: us-east-1 }
  - model_name: codex
    litellm_params: { model: openai/gpt-5-codex, api_base: ${openai.url}, api_key: ${OPENAI_KEY} }
    model_info: { mode: responses }
  - model_name: mock
    litellm_params: { model: mock/echo }
  - model_name: unreachable
    litellm_params: { model: openai/gpt-4.1-mini, api_base: http://127.0.0.1:1, api_key: ${OPENAI_KEY} }
general_settings: { master_key: ${MASTER} }
router_settings: { num_retries: 0 }
`;

beforeAll(async () => {
  dynamo = await startDynamo();
  openai = await startFakeOpenAI({ apiKey: OPENAI_KEY, models: { 'gpt-4.1-mini': { maxOutputTokens: 32_768, reasoning: false }, 'gpt-5-codex': { maxOutputTokens: 128_000, reasoning: true } } });
  anthropic = await startFakeAnthropic({ apiKey: ANTHROPIC_KEY, models: { 'claude-sonnet-4-5-20250929': 64_000 } });
  bedrock = await startFakeBedrock(scriptedConverse({ 'us.anthropic.claude-sonnet-4-5-20250929-v1:0': 64_000 }));
  gateway = await startKeysGateway(dynamo.endpoint, { config: config() });
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: MASTER, maxRetries: 0 });
});
afterAll(async () => {
  await gateway.close();
  await Promise.all([openai.close(), anthropic.close(), bedrock.close()]);
  await dynamo.close();
});
beforeEach(() => {
  openai.requests.length = 0;
  anthropic.requests.length = 0;
  bedrock.requests.length = 0;
});

const upstream = (backend: Backend) => ({ openai, anthropic, bedrock })[backend].requests;
/** The function call a response holds. */
const functionCall = (response: { output: Array<{ type: string }> }) => response.output.find((item) => item.type === 'function_call') as OpenAI.Responses.ResponseFunctionToolCall;
const weatherTool: OpenAI.Responses.FunctionTool = {
  type: 'function',
  name: 'get_weather',
  description: 'The current weather in a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
  strict: true,
};

describe.each(BACKENDS)('the %s model through /v1/responses', (backend) => {
  it('answers a string input, with usage, cost headers and the model as asked', async () => {
    const word = `word-${randomUUID()}`;
    const { data: response, response: raw } = await client.responses.create({ model: backend, input: `Repeat it. [[say ${word}]]`, instructions: 'Be brief.' }).withResponse();
    expect(response.object).toBe('response');
    expect(response.status).toBe('completed');
    expect(response.model).toBe(backend);
    expect(response.output_text).toBe(word);
    expect(response.instructions).toBe('Be brief.');
    expect(response.usage!.input_tokens).toBeGreaterThan(0);
    expect(response.usage!.output_tokens).toBeGreaterThan(0);
    expect(response.usage!.total_tokens).toBe(response.usage!.input_tokens + response.usage!.output_tokens);
    expect(raw.headers.get('x-litellm-model-group')).toBe(backend);
    expect(raw.headers.get('x-litellm-response-cost')).not.toBeNull();
    expect(upstream(backend)).toHaveLength(1);
    if (backend === 'openai') expect(openai.requests[0]!.url).toBe('/v1/responses');
  });

  it('streams Responses events in order, numbered, ending with the whole response', async () => {
    const word = `streamed-${randomUUID()}`;
    const stream = await client.responses.create({ model: backend, input: [{ role: 'user', content: [{ type: 'input_text', text: `[[say ${word}]]` }] }], stream: true });
    const events: OpenAI.Responses.ResponseStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    const types = events.map((event) => event.type);
    expect(types.slice(0, 3)).toEqual(['response.created', 'response.in_progress', 'response.output_item.added']);
    expect(types).toContain('response.content_part.added');
    expect(types).toContain('response.output_text.done');
    expect(types.at(-1)).toBe('response.completed');
    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_e, i) => i));
    const deltas = events.filter((event) => event.type === 'response.output_text.delta').map((event) => event.delta);
    expect(deltas.join('')).toBe(word);
    const completed = events.at(-1) as OpenAI.Responses.ResponseCompletedEvent;
    expect(completed.response.model).toBe(backend);
    expect(completed.response.output_text ?? (completed.response.output[0] as OpenAI.Responses.ResponseOutputMessage).content[0]).toBeTruthy();
    expect(completed.response.usage!.output_tokens).toBeGreaterThan(0);
  });

  it('runs a tool over two turns with previous_response_id (the stream helper for the first)', async () => {
    const city = `Paris-${randomUUID().slice(0, 8)}`;
    const stream = client.responses.stream({ model: backend, input: `Weather? [[call get_weather {"city":"${city}"}]]`, tools: [weatherTool] });
    const first = await stream.finalResponse();
    const call = functionCall(first);
    expect(call.name).toBe('get_weather');
    expect(JSON.parse(call.arguments)).toEqual({ city });
    expect(call.call_id).toBeTruthy();

    const second = await client.responses.create({
      model: backend,
      previous_response_id: first.id,
      input: [{ type: 'function_call_output', call_id: call.call_id, output: `sunny in ${city}` }],
      tools: [weatherTool],
    });
    expect(second.output_text).toBe(`tool said: sunny in ${city}`);
    expect(second.previous_response_id).toBe(first.id);
    const sent = upstream(backend)[1]!.json;
    if (backend === 'openai') {
      // OpenAI answered the first turn and keeps it: the conversation goes on by its id.
      expect(sent.previous_response_id).toBe(first.id);
      expect(sent.input).toHaveLength(1);
    } else if (backend === 'anthropic') {
      expect(sent.messages.map((m: any) => [m.role, m.content.map((b: any) => b.type)])).toEqual([
        ['user', ['text']],
        ['assistant', ['text', 'tool_use']],
        ['user', ['tool_result']],
      ]);
    } else {
      expect(sent.messages.map((m: any) => m.role)).toEqual(['user', 'assistant', 'user']);
      expect(sent.messages[2].content[0].toolResult.toolUseId).toBe(call.call_id);
    }
  });

  it('runs a tool over two turns with the whole input resent and nothing stored', async () => {
    const city = `Oslo-${randomUUID().slice(0, 8)}`;
    const input: OpenAI.Responses.ResponseInput = [{ role: 'user', content: `Weather? [[call get_weather {"city":"${city}"}]]` }];
    const first = await client.responses.create({ model: backend, input, tools: [weatherTool], store: false });
    const call = functionCall(first);
    const second = await client.responses.create({
      model: backend,
      input: [...input, ...(first.output as OpenAI.Responses.ResponseInputItem[]), { type: 'function_call_output', call_id: call.call_id, output: `rainy in ${city}` }],
      tools: [weatherTool],
      store: false,
      stream: true,
    });
    let text = '';
    for await (const event of second) if (event.type === 'response.output_text.delta') text += event.delta;
    expect(text).toBe(`tool said: rainy in ${city}`);
    await expect(client.responses.retrieve(first.id)).rejects.toMatchObject({ status: 404 });
  });

  it('answers structured output as JSON text', async () => {
    const person = { name: `Ada ${randomUUID()}`, age: 36 };
    const response = await client.responses.create({
      model: backend,
      input: `Who? [[json ${JSON.stringify(person)}]]`,
      text: {
        format: {
          type: 'json_schema',
          name: 'person',
          strict: true,
          schema: { type: 'object', properties: { name: { type: 'string' }, age: { type: 'number' } }, required: ['name', 'age'], additionalProperties: false },
        },
      },
    });
    expect(JSON.parse(response.output_text)).toEqual(person);
  });

  it('keeps the response: retrieve, input items, delete', async () => {
    const word = `kept-${randomUUID()}`;
    const created = await client.responses.create({ model: backend, input: `[[say ${word}]]`, metadata: { topic: 'test' } });
    const retrieved = await client.responses.retrieve(created.id);
    expect(retrieved.id).toBe(created.id);
    expect(retrieved.output_text).toBe(word);
    expect(retrieved.metadata).toEqual({ topic: 'test' });
    const items = await client.responses.inputItems.list(created.id);
    expect(items.data).toHaveLength(1);
    expect(items.data[0]).toMatchObject({ type: 'message', role: 'user' });
    expect(items.data[0]!.id).toBeTruthy();
    expect(await client.responses.delete(created.id)).toEqual({ id: created.id, object: 'response', deleted: true });
    await expect(client.responses.retrieve(created.id)).rejects.toMatchObject({ status: 404 });
  });
});

describe('what is sent where', () => {
  it('continues on OpenAI a conversation another provider began, sending it whole', async () => {
    const city = `Lima-${randomUUID().slice(0, 8)}`;
    const first = await client.responses.create({ model: 'anthropic', input: `[[call get_weather {"city":"${city}"}]]`, tools: [weatherTool] });
    const call = functionCall(first);
    const second = await client.responses.create({
      model: 'openai',
      previous_response_id: first.id,
      input: [{ type: 'function_call_output', call_id: call.call_id, output: 'dry' }],
      tools: [weatherTool],
    });
    expect(second.output_text).toBe('tool said: dry');
    const sent = openai.requests[0]!.json;
    expect(sent.previous_response_id).toBeUndefined();
    expect(sent.input.map((item: any) => item.type ?? 'message')).toEqual(['message', 'message', 'function_call', 'function_call_output']);
    expect(sent.input.some((item: any) => 'id' in item)).toBe(false);
  });

  it('passes fields it does not know to OpenAI untouched, and keeps its own fields to itself', async () => {
    await client.responses.create({
      model: 'openai',
      input: '[[say hi]]',
      prompt_cache_key: 'cache-1',
      metadata: { a: 'b' },
      num_retries: 1,
      fallbacks: [],
    } as OpenAI.Responses.ResponseCreateParamsNonStreaming);
    const sent = openai.requests[0]!.json;
    expect(sent).toMatchObject({ model: 'gpt-4.1-mini', prompt_cache_key: 'cache-1', metadata: { a: 'b' } });
    expect(sent.num_retries).toBeUndefined();
    expect(sent.fallbacks).toBeUndefined();
  });

  it.each(['anthropic', 'bedrock'] as const)('refuses on %s a built-in tool, and a field that changes the answer, naming them', async (backend) => {
    const tool = client.responses.create({ model: backend, input: 'news?', tools: [weatherTool, { type: 'web_search' }] });
    await expect(tool).rejects.toMatchObject({ status: 400, param: 'tools[1]', message: expect.stringContaining('"web_search"') });
    const field = client.responses.create({ model: backend, input: 'hi', top_logprobs: 2 });
    await expect(field).rejects.toMatchObject({ status: 400, param: 'top_logprobs' });
    expect(upstream(backend)).toHaveLength(0);
    const dropped = await client.responses.create({
      model: backend,
      input: '[[say dropped]]',
      top_logprobs: 2,
      tools: [{ type: 'web_search' }],
      drop_params: true,
    } as OpenAI.Responses.ResponseCreateParamsNonStreaming);
    expect(dropped.output_text).toBe('dropped');
  });

  it('takes service fields that change nothing in the answer (Codex sends prompt_cache_key) on a bridged model', async () => {
    const response = await client.responses.create({ model: 'bedrock', input: '[[say cached]]', prompt_cache_key: 'k', service_tier: 'auto', truncation: 'disabled' });
    expect(response.output_text).toBe('cached');
  });

  it('resolves an item_reference to an item it stored (the Vercel AI SDK sends them), for its key only', async () => {
    const input: OpenAI.Responses.ResponseInput = [{ role: 'user', content: '[[call get_weather {"city":"Kyiv"}]]' }];
    const first = await client.responses.create({ model: 'bedrock', input, tools: [weatherTool] });
    const call = functionCall(first);
    const next: OpenAI.Responses.ResponseInput = [...input, { type: 'item_reference', id: call.id! }, { type: 'function_call_output', call_id: call.call_id, output: 'mild' }];
    const second = await client.responses.create({ model: 'bedrock', input: next, tools: [weatherTool] });
    expect(second.output_text).toBe('tool said: mild');
    const { body: other } = await gateway.call('POST', '/key/generate', {});
    const stranger = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: other.key, maxRetries: 0 });
    await expect(stranger.responses.create({ model: 'bedrock', input: next, tools: [weatherTool] })).rejects.toMatchObject({ status: 400, param: 'input[1]' });
  });

  it('offers the function tools a namespace groups (Codex sends them), and names the namespace in their calls', async () => {
    const tools = [{ type: 'namespace', name: 'agents', description: 'Sub-agents', tools: [{ ...weatherTool, name: 'spawn_agent' }] }] as unknown as OpenAI.Responses.Tool[];
    const streamed = await client.responses.stream({ model: 'anthropic', input: '[[call spawn_agent {"city":"Nice"}]]', tools }).finalResponse();
    expect(functionCall(streamed)).toMatchObject({ name: 'spawn_agent', namespace: 'agents', arguments: '{"city":"Nice"}' });
    const whole = await client.responses.create({ model: 'anthropic', input: '[[call spawn_agent {"city":"Nice"}]]', tools });
    expect(functionCall(whole)).toMatchObject({ name: 'spawn_agent', namespace: 'agents' });
  });

  it('refuses a continuation of a response that does not exist', async () => {
    await expect(client.responses.create({ model: 'anthropic', previous_response_id: 'resp_nothing', input: 'hi' })).rejects.toMatchObject({ status: 404, param: 'previous_response_id' });
  });
});

describe('everything chat has', () => {
  it('falls back before the first byte, and writes the spend record as aresponses', async () => {
    const { data, response } = await client.responses
      .create({ model: 'unreachable', input: '[[say rescued]]', fallbacks: ['anthropic'] } as OpenAI.Responses.ResponseCreateParamsNonStreaming)
      .withResponse();
    expect(data.output_text).toBe('rescued');
    expect(anthropic.requests).toHaveLength(1);
    const requestId = response.headers.get('x-tollgate-request-id')!;
    const { body: logs } = await gateway.call('GET', `/spend/logs?request_id=${requestId}&summarize=false`);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({ call_type: 'aresponses', model_group: 'unreachable', status: 'success' });
    expect(logs[0].spend).toBeGreaterThan(0);
    expect(logs[0].prompt_tokens).toBe(data.usage!.input_tokens);
  });

  it("carries Claude's signed thinking into the next turn of a tool loop, streamed", async () => {
    const first = await client.responses
      .stream({ model: 'anthropic', input: '[[call get_weather {"city":"Bern"}]]', tools: [weatherTool], reasoning: { effort: 'low', summary: 'auto' }, max_output_tokens: 4000 })
      .finalResponse();
    const reasoning = first.output.find((item) => item.type === 'reasoning') as OpenAI.Responses.ResponseReasoningItem;
    expect(reasoning.summary[0]!.text).toBe('The prompt says what to answer.');
    expect(reasoning.encrypted_content).toBeTruthy();
    // The fake refuses a tool result whose turn does not start with the signed thinking block, as Anthropic does.
    const second = await client.responses.create({
      model: 'anthropic',
      previous_response_id: first.id,
      input: [{ type: 'function_call_output', call_id: functionCall(first).call_id, output: 'snow' }],
      tools: [weatherTool],
      reasoning: { effort: 'low' },
      max_output_tokens: 4000,
    });
    expect(second.output_text).toBe('tool said: snow');
  });

  it('stores a turn larger than a DynamoDB item, and continues from it', async () => {
    // Random bytes do not compress: the stored record needs several parts.
    const big = randomBytes(450_000).toString('base64');
    const first = await client.responses.create({ model: 'mock', input: big });
    expect(first.output_text).toContain(big.slice(0, 100));
    const items = await client.responses.inputItems.list(first.id);
    expect((items.data[0] as { content: Array<{ text: string }> }).content[0]!.text).toBe(big);
    const second = await client.responses.create({ model: 'mock', previous_response_id: first.id, input: 'and now?' });
    expect(second.status).toBe('completed');
  });
});

describe('a deployment served only on the Responses API (model_info.mode: responses)', () => {
  const tools: OpenAI.Chat.ChatCompletionTool[] = [{ type: 'function', function: { name: 'get_weather', parameters: weatherTool.parameters! } }];

  it('answers chat completions through its Responses API, tools over two turns', async () => {
    const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: '[[call get_weather {"city":"Graz"}]]' },
    ];
    const first = await client.chat.completions.create({ model: 'codex', messages, tools, max_completion_tokens: 500 });
    expect(openai.requests.map((request) => request.url)).toEqual(['/v1/responses']);
    expect(openai.requests[0]!.json).toMatchObject({ model: 'gpt-5-codex', max_output_tokens: 500, tools: [{ type: 'function', name: 'get_weather' }] });
    const call = first.choices[0]!.message.tool_calls![0]! as OpenAI.Chat.ChatCompletionMessageFunctionToolCall;
    expect(first.choices[0]!.finish_reason).toBe('tool_calls');
    expect(JSON.parse(call.function.arguments)).toEqual({ city: 'Graz' });
    expect(first.usage!.completion_tokens).toBeGreaterThan(0);
    const stream = await client.chat.completions.create({
      model: 'codex',
      messages: [...messages, first.choices[0]!.message, { role: 'tool', tool_call_id: call.id, content: 'cold' }],
      tools,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      usage = chunk.usage ?? usage;
    }
    expect(text).toBe('tool said: cold');
    expect(usage!.completion_tokens).toBeGreaterThan(0);
  });

  it('streams a tool call as chat chunks', async () => {
    const stream = client.chat.completions.stream({ model: 'codex', messages: [{ role: 'user', content: '[[call get_weather {"city":"Linz"}]]' }], tools });
    const completion = await stream.finalChatCompletion();
    const call = completion.choices[0]!.message.tool_calls![0]! as OpenAI.Chat.ChatCompletionMessageFunctionToolCall;
    expect(call.function).toMatchObject({ name: 'get_weather', arguments: '{"city":"Linz"}' });
    expect(completion.choices[0]!.finish_reason).toBe('tool_calls');
  });

  it('refuses a chat field the Responses API does not have, naming it', async () => {
    await expect(client.chat.completions.create({ model: 'codex', messages: [{ role: 'user', content: 'hi' }], stop: ['x'] })).rejects.toMatchObject({ status: 400, param: 'stop' });
  });
});

describe('stored responses and keys', () => {
  it('refuses another key the response, its items, its deletion and its continuation', async () => {
    const { body: other } = await gateway.call('POST', '/key/generate', {});
    const stranger = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: other.key, maxRetries: 0 });
    const created = await client.responses.create({ model: 'anthropic', input: '[[say mine]]' });
    await expect(stranger.responses.retrieve(created.id)).rejects.toMatchObject({ status: 404 });
    await expect(stranger.responses.inputItems.list(created.id)).rejects.toMatchObject({ status: 404 });
    await expect(stranger.responses.delete(created.id)).rejects.toMatchObject({ status: 404 });
    const continued = stranger.responses.create({ model: 'anthropic', previous_response_id: created.id, input: 'more' });
    await expect(continued).rejects.toMatchObject({ status: 404, param: 'previous_response_id' });
    expect(anthropic.requests).toHaveLength(1);
    expect((await client.responses.retrieve(created.id)).output_text).toBe('mine');
  });

  it('lets a key of the same team read it', async () => {
    const { body: team } = await gateway.call('POST', '/team/new', { team_alias: `t-${randomUUID()}` });
    const [a, b] = await Promise.all([gateway.call('POST', '/key/generate', { team_id: team.team_id }), gateway.call('POST', '/key/generate', { team_id: team.team_id })]);
    const first = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: a.body.key, maxRetries: 0 });
    const second = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: b.body.key, maxRetries: 0 });
    const created = await first.responses.create({ model: 'bedrock', input: '[[say shared]]' });
    expect((await second.responses.retrieve(created.id)).output_text).toBe('shared');
  });

  it('continues a conversation across a restart of the gateway: the state is in the table', async () => {
    const city = `Rome-${randomUUID().slice(0, 8)}`;
    const first = await client.responses.create({ model: 'anthropic', input: `[[call get_weather {"city":"${city}"}]]`, tools: [weatherTool] });
    const call = functionCall(first);
    await gateway.close();
    gateway = await startKeysGateway(dynamo.endpoint, { config: config() });
    client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: MASTER, maxRetries: 0 });
    const second = await client.responses.create({
      model: 'anthropic',
      previous_response_id: first.id,
      input: [{ type: 'function_call_output', call_id: call.call_id, output: 'warm' }],
      tools: [weatherTool],
    });
    expect(second.output_text).toBe('tool said: warm');
  });
});
