// MCP tools in a chat request: the official openai client asks a model (a fake OpenAI upstream whose
// scripted model calls the tool it is told to) with `tools: [{type: "mcp", server_url:
// "litellm_proxy/mcp/alpha", require_approval: "never"}]`; the gateway lists alpha's tools to the model,
// runs the call it makes against a fake MCP server built with the official SDK, and feeds the result
// back. Each model round and each tool call is its own ledger record, charged to the key.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedDynamo } from '../../local/embedded-dynamodb.ts';
import { eventually } from '../helpers/eventually.ts';
import { startFakeMcpServer, type FakeMcpServer } from '../helpers/fake-mcp-server.ts';
import { startFakeAnthropic } from '../helpers/fake-anthropic.ts';
import { startFakeOpenAI } from '../helpers/fake-openai.ts';
import { MASTER, startDynamo, startKeysGateway, type KeysGateway } from '../helpers/identity.ts';
import type { RecordingServer } from '../helpers/recording-server.ts';

const OPENAI_KEY = 'sk-fake-openai-chat-tools';
const ANTHROPIC_KEY = 'sk-ant-fake-chat-tools';
let dynamo: EmbeddedDynamo;
let alpha: FakeMcpServer;
let upstream: RecordingServer;
/** The same model, slow to stream: a client can leave in the middle of an answer. */
let slow: RecordingServer;
/** A provider whose Responses the gateway translates from chat. */
let anthropic: RecordingServer;
let gw: KeysGateway;

beforeAll(async () => {
  const models = { 'gpt-4o-mini': { maxOutputTokens: 16384, reasoning: false } };
  [dynamo, alpha, upstream, slow, anthropic] = await Promise.all([
    startDynamo(),
    startFakeMcpServer('alpha'),
    startFakeOpenAI({ apiKey: OPENAI_KEY, models }),
    startFakeOpenAI({ apiKey: OPENAI_KEY, models, streamGapMs: 100 }),
    startFakeAnthropic({ apiKey: ANTHROPIC_KEY, models: { 'claude-sonnet-4-5': 64_000 } }),
  ]);
  gw = await startKeysGateway(dynamo.endpoint, {
    env: { OPENAI_KEY, ANTHROPIC_KEY },
    config: `
model_list:
  - model_name: gpt
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${upstream.url}/v1, api_key: os.environ/OPENAI_KEY }
  - model_name: claude
    litellm_params: { model: anthropic/claude-sonnet-4-5, api_base: ${anthropic.url}, api_key: os.environ/ANTHROPIC_KEY }
  - model_name: slow-gpt
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${slow.url}/v1, api_key: os.environ/OPENAI_KEY }
general_settings: { master_key: ${MASTER} }
mcp_servers:
  alpha:
    url: "${alpha.url}"
    disallowed_tools: ["hidden"]
    mcp_info: { mcp_server_cost_info: { default_cost_per_query: 0.5 } }
`,
  });
});
afterAll(async () => {
  await gw?.close();
  await Promise.all([alpha?.close(), upstream?.close(), slow?.close(), anthropic?.close(), dynamo?.close()]);
});

const MCP_TOOL = { type: 'mcp', server_label: 'alpha', server_url: 'litellm_proxy/mcp/alpha', require_approval: 'never' };
const ask = (key: string, content: string, tools: unknown[] = [MCP_TOOL]) =>
  new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: key, maxRetries: 0 }).chat.completions.create({
    model: 'gpt',
    messages: [{ role: 'user', content }],
    tools,
  } as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming);

describe('MCP tools in /v1/chat/completions', () => {
  it("lists the server's tools to the model, runs the call it makes, and answers with what the model made of the result", async () => {
    const key = (await gw.call('POST', '/key/generate', { object_permission: { mcp_servers: ['alpha'] } })).body.key as string;
    const before = upstream.requests.length;
    const completion = await ask(key, 'Add them. [[call alpha-add {"a": 20, "b": 22}]]');
    expect(completion.choices[0]!.message.content).toBe('tool said: 42');
    expect(alpha.calls.at(-1)).toMatchObject({ tool: 'add', args: { a: 20, b: 22 } });

    const rounds = upstream.requests.slice(before).map((request) => request.json);
    expect(rounds).toHaveLength(2);
    const offered = rounds[0].tools.map((tool: { function: { name: string } }) => tool.function.name).sort();
    expect(offered).toEqual(['alpha-add', 'alpha-echo', 'alpha-fails', 'alpha-slow']);
    expect(rounds[0].tools.find((tool: { function: { name: string } }) => tool.function.name === 'alpha-add').function.parameters).toMatchObject({ properties: { a: { type: 'number' } } });
    expect(rounds[1].messages.at(-1)).toMatchObject({ role: 'tool', content: '42' });

    // Two model calls and one tool call, each in the ledger and charged to the key.
    const logs = await eventually(async () => {
      const body = (await gw.call('GET', `/spend/logs?api_key=${key}`)).body as Array<{ call_type: string; spend: number }>;
      return body.length === 3 ? body : undefined;
    });
    expect(logs.map((log) => log.call_type).sort()).toEqual(['acompletion', 'acompletion', 'call_mcp_tool']);
    expect(logs.find((log) => log.call_type === 'call_mcp_tool')!.spend).toBe(0.5);
  });

  it("passes the model's call of the client's own function back to the client", async () => {
    const weather = { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } };
    const completion = await ask(MASTER, 'Weather? [[call get_weather {"city": "Oslo"}]]', [MCP_TOOL, weather]);
    expect(completion.choices[0]!.message.tool_calls?.[0]).toMatchObject({ function: { name: 'get_weather' } });
  });

  it('runs them in a Responses API request too', async () => {
    const before = upstream.requests.length;
    const response = await new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: MASTER, maxRetries: 0 }).responses.create({
      model: 'gpt',
      input: 'Echo it. [[call alpha-echo {"text": "via responses"}]]',
      tools: [MCP_TOOL],
    } as unknown as OpenAI.Responses.ResponseCreateParamsNonStreaming);
    expect(response.output_text).toBe('tool said: alpha echoes via responses');
    expect(alpha.calls.at(-1)).toMatchObject({ tool: 'echo', args: { text: 'via responses' } });
    expect(upstream.requests.slice(before)).toHaveLength(2);
  });

  it('streams every round to the client, runs the call between them, and records each round', async () => {
    const key = (await gw.call('POST', '/key/generate', { object_permission: { mcp_servers: ['alpha'] } })).body.key as string;
    const before = upstream.requests.length;
    const stream = await new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: key, maxRetries: 0 }).chat.completions.create({
      model: 'gpt',
      messages: [{ role: 'user', content: 'Add them. [[call alpha-add {"a": 40, "b": 2}]]' }],
      tools: [MCP_TOOL],
      stream: true,
    } as never);
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of stream as unknown as AsyncIterable<OpenAI.ChatCompletionChunk>) chunks.push(chunk);
    const deltas = chunks.map((chunk) => chunk.choices[0]?.delta).filter((delta) => delta !== undefined);
    // Round 1 as it came (the model's call of the MCP tool), then round 2 (what it made of the result): one stream, one [DONE].
    expect(deltas.flatMap((delta) => delta.tool_calls ?? []).find((call) => call.function?.name)?.function?.name).toBe('alpha-add');
    expect(chunks.map((chunk) => chunk.choices[0]?.finish_reason).filter(Boolean)).toEqual(['tool_calls', 'stop']);
    expect(deltas.map((delta) => delta.content ?? '').join('')).toBe('Let me use alpha-add.tool said: 42');
    expect(alpha.calls.at(-1)).toMatchObject({ tool: 'add', args: { a: 40, b: 2 } });
    const rounds = upstream.requests.slice(before).map((request) => request.json);
    expect(rounds.map((round) => round.stream)).toEqual([true, true]);
    expect(rounds[1].messages.at(-2).tool_calls[0]).toMatchObject({ type: 'function', function: { name: 'alpha-add', arguments: '{"a":40,"b":2}' } });
    expect(rounds[1].messages.at(-1)).toMatchObject({ role: 'tool', content: '42' });

    const logs = await eventually(async () => {
      const body = (await gw.call('GET', `/spend/logs?api_key=${key}`)).body as Array<{ call_type: string; spend: number }>;
      return body.length === 3 ? body : undefined;
    });
    expect(logs.map((log) => log.call_type).sort()).toEqual(['acompletion', 'acompletion', 'call_mcp_tool']);
  });

  it('records every round of a stream the client leaves', async () => {
    const key = (await gw.call('POST', '/key/generate', { object_permission: { mcp_servers: ['alpha'] } })).body.key as string;
    const controller = new AbortController();
    const stream = await new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: key, maxRetries: 0 }).chat.completions.create(
      { model: 'slow-gpt', messages: [{ role: 'user', content: 'Echo. [[call alpha-echo {"text": "bye"}]]' }], tools: [MCP_TOOL], stream: true } as never,
      { signal: controller.signal },
    );
    // The client leaves at round 2's first words, while the model is still answering.
    for await (const chunk of stream as unknown as AsyncIterable<OpenAI.ChatCompletionChunk>) {
      if (chunk.choices[0]?.delta.content?.startsWith('tool said')) {
        controller.abort();
        break;
      }
    }
    const logs = await eventually(async () => {
      const body = (await gw.call('GET', `/spend/logs?api_key=${key}`)).body as Array<{ call_type: string }>;
      return body.length === 3 ? body : undefined;
    });
    expect(logs.map((log) => log.call_type).sort()).toEqual(['acompletion', 'acompletion', 'call_mcp_tool']);
    expect(slow.requests).toHaveLength(2);
  });

  it('streams a Responses request as one response, the call the gateway ran as an mcp_call item', async () => {
    const before = upstream.requests.length;
    const stream = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: MASTER, maxRetries: 0 }).responses.stream({
      model: 'gpt',
      input: 'Echo it. [[call alpha-echo {"text": "streamed"}]]',
      tools: [MCP_TOOL],
    } as never);
    const events: Array<{ type: string; sequence_number: number; item?: { type: string } }> = [];
    for await (const event of stream) events.push(event as never);
    const response = await stream.finalResponse();

    const types = events.map((event) => event.type);
    expect(types.filter((type) => type === 'response.created')).toHaveLength(1);
    expect(types.filter((type) => type === 'response.completed')).toHaveLength(1);
    expect(types.at(-1)).toBe('response.completed');
    expect(types.filter((type) => type.startsWith('response.mcp_call'))).toEqual(['response.mcp_call.in_progress', 'response.mcp_call_arguments.done', 'response.mcp_call.completed']);
    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, i) => i));
    // The SDK put the response together from the events: every round's items, in order, the call's among them.
    expect(response.output.map((item) => item.type)).toEqual(['message', 'function_call', 'mcp_call', 'message']);
    expect(response.output[2]).toMatchObject({ type: 'mcp_call', server_label: 'alpha', name: 'echo', arguments: '{"text":"streamed"}', output: 'alpha echoes streamed', status: 'completed' });
    expect(response.output_text).toContain('tool said: alpha echoes streamed');
    expect(upstream.requests.slice(before).map((request) => request.json.stream)).toEqual([true, true]);
  });

  it('streams a Responses request on a provider whose Responses the gateway translates from chat', async () => {
    const stream = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: MASTER, maxRetries: 0 }).responses.stream({
      model: 'claude',
      input: 'Echo it. [[call alpha-echo {"text": "via claude"}]]',
      tools: [MCP_TOOL],
    } as never);
    const response = await stream.finalResponse();
    expect(response.output.map((item) => item.type)).toEqual(['message', 'function_call', 'mcp_call', 'message']);
    expect(response.output[2]).toMatchObject({ type: 'mcp_call', name: 'echo', output: 'alpha echoes via claude' });
    expect(response.output_text).toContain('tool said: alpha echoes via claude');
  });

  it("sends a later round's refusal in-band, after what was streamed", async () => {
    // A key with one request a minute: the tool call and the second round are refused after the first round was streamed.
    const key = (await gw.call('POST', '/key/generate', { rpm_limit: 1, object_permission: { mcp_servers: ['alpha'] } })).body.key as string;
    const response = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt', messages: [{ role: 'user', content: 'Echo. [[call alpha-echo {"text": "x"}]]' }], tools: [MCP_TOOL], stream: true }),
    });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toContain('"finish_reason":"tool_calls"');
    expect(text.trimEnd().split('\n\n').at(-1)).toMatch(/^data: \{"error":\{"message":"Rate limit exceeded/);
    expect(text).not.toContain('[DONE]');
  });

  it('refuses a server the key may not use, and a server that is not the gateway', async () => {
    const key = (await gw.call('POST', '/key/generate', {})).body.key as string;
    await expect(ask(key, 'hi')).rejects.toThrow(/tools\[0\]: MCP server "alpha" cannot be used[\s\S]*may not use MCP server/);
    await expect(ask(MASTER, 'hi', [{ ...MCP_TOOL, server_url: 'https://elsewhere.example.com/mcp' }])).rejects.toMatchObject({ status: 400, param: 'tools[0].server_url' });
    await expect(ask(MASTER, 'hi', [{ ...MCP_TOOL, require_approval: 'always' }])).rejects.toMatchObject({ status: 400, param: 'tools[0].require_approval' });
  });
});
