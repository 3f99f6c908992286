// POST /v1/messages and /v1/messages/count_tokens driven by the official `@anthropic-ai/sdk` client:
// an OpenAI-family deployment (translated both ways, streamed and not, tools included) in front of a
// fake OpenAI upstream, and an anthropic/ deployment (passed through) in front of a fake Anthropic
// upstream replaying fixtures from Anthropic's API reference.
import { readFileSync } from 'node:fs';
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';
import type { RequestContext } from '../../shared/core/types.ts';
import { callRecordOf } from '../../shared/pricing/call-record.ts';
import { sendJson, sendSse, sleep, startRecordingServer, type RecordingServer } from '../helpers/recording-server.ts';
import { testRuntime } from '../helpers/router-runtime.ts';

const openaiFixture = (name: string) => readFileSync(new URL(`../fixtures/openai/${name}`, import.meta.url), 'utf8');
const anthropicFixture = (name: string) => readFileSync(new URL(`../fixtures/anthropic/${name}`, import.meta.url), 'utf8');
const frames = (text: string) =>
  text
    .split('\n\n')
    .filter((e) => e.trim())
    .map((e) => `${e}\n\n`);
const OPENAI_KEY = 'sk-openai-upstream-0123456789';
const ANTHROPIC_KEY = 'sk-ant-api03-upstream-key-0123456789';
const MASTER = 'sk-test-master';
const weatherTool: Anthropic.Tool = {
  name: 'get_current_weather',
  description: 'Current weather in a place',
  input_schema: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] },
};

const CLAUDE_CODE_BETAS = 'claude-code-20250219,interleaved-thinking-2025-05-14,context-management-2025-06-27,mid-conversation-tool-changes-2026-07-01,advanced-tool-use-2025-11-20,effort-2025-11-24';
/** The shape of a Claude Code 2.1.332 request (captured from the real CLI, shortened). */
const claudeCodeBody = (model: string) => ({
  model,
  max_tokens: 32000,
  system: [
    { type: 'text', text: 'You are Claude Code.' },
    { type: 'text', text: 'Be careful.', cache_control: { type: 'ephemeral' } },
  ],
  messages: [
    { role: 'user', content: [{ type: 'text', text: 'Read notes.txt' }] },
    { role: 'system', content: [{ type: 'text', text: '# Environment\nWorking directory: /work' }] },
  ],
  tools: [
    { name: 'Read', description: 'Reads a file', input_schema: { type: 'object', properties: { file_path: { type: 'string' } }, required: ['file_path'] } },
    { name: 'Deferred', description: 'A tool loaded on demand', input_schema: { type: 'object', properties: {} }, defer_loading: true },
    { type: 'tool_search_tool_regex_20251119', name: 'tool_search_tool_regex' },
  ],
  metadata: { user_id: '{"device_id":"d1","session_id":"s1"}' },
  thinking: { type: 'adaptive', display: 'omitted' },
  output_config: { effort: 'high' },
  context_management: { edits: [{ type: 'clear_thinking_20251015', keep: 'all' }] },
  temperature: null,
  stream: false,
});

let openai: RecordingServer;
let anthropic: RecordingServer;
let gateway: TestGateway;
let client: Anthropic;
/** Every request's context once its last byte is out: what spend records are made from. */
const finished: RequestContext[] = [];
async function lastFinished(): Promise<RequestContext> {
  for (let i = 0; i < 100 && !finished.length; i++) await sleep(5);
  return finished.at(-1)!;
}

beforeAll(async () => {
  openai = await startRecordingServer();
  anthropic = await startRecordingServer();
  gateway = await startGateway(
    `
model_list:
  - model_name: gpt
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${openai.url}, api_key: os.environ/OPENAI_KEY, input_cost_per_token: 0.000001, output_cost_per_token: 0.000002 }
  - model_name: claude
    litellm_params: { model: anthropic/claude-sonnet-4-5-20250929, api_base: ${anthropic.url}, api_key: os.environ/ANTHROPIC_KEY }
  - model_name: reasoner
    litellm_params: { model: openai/gpt-5-mini, api_base: ${openai.url}, api_key: os.environ/OPENAI_KEY }
  - model_name: own-reasoner
    litellm_params: { model: openai/my-reasoner, api_base: ${openai.url}, api_key: os.environ/OPENAI_KEY }
    model_info: { supports_reasoning: true }
general_settings: { master_key: ${MASTER} }
`,
    { OPENAI_KEY, ANTHROPIC_KEY },
    { afterResponse: [(ctx) => void finished.push(ctx)] },
  );
  // The SDK sends its key as x-api-key, so every test here also authenticates that way.
  client = new Anthropic({ baseURL: gateway.url, apiKey: MASTER, maxRetries: 0 });
});
afterAll(async () => {
  await gateway.close();
  await Promise.all([openai.close(), anthropic.close()]);
});
beforeEach(() => {
  finished.length = 0;
  openai.requests.length = 0;
  anthropic.requests.length = 0;
});

/** The raw SSE text of a streamed /v1/messages answer. */
async function rawStream(body: Record<string, unknown>): Promise<string> {
  const response = await fetch(`${gateway.url}/v1/messages`, {
    method: 'POST',
    headers: { 'x-api-key': MASTER, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
    body: JSON.stringify({ ...body, stream: true }),
  });
  expect(response.headers.get('content-type')).toContain('text/event-stream');
  return response.text();
}

describe('an OpenAI-family model through /v1/messages', () => {
  it('translates a non-streamed answer, with the system prompt and max_tokens', async () => {
    openai.respond((_r, res) => sendJson(res, 200, JSON.parse(openaiFixture('chat-completion.json'))));
    const body = { model: 'gpt', max_tokens: 100, system: 'Be brief.', messages: [{ role: 'user' as const, content: 'Hi' }], stop_sequences: ['END'], temperature: 0.5, top_k: 5 };
    const { data: message, response } = await client.messages.create(body as Anthropic.MessageCreateParamsNonStreaming).withResponse();
    // Usage is recorded, so the request is priced (19 prompt + 10 completion tokens at 1e-6 and 2e-6).
    expect(Number(response.headers.get('x-litellm-response-cost'))).toBeCloseTo(19e-6 + 20e-6, 12);
    expect(response.headers.get('x-litellm-model-group')).toBe('gpt');
    expect(openai.requests[0]!.url).toBe('/v1/chat/completions');
    expect(openai.requests[0]!.headers['authorization']).toBe(`Bearer ${OPENAI_KEY}`);
    expect(openai.requests[0]!.json).toEqual({
      model: 'gpt-4o-mini',
      max_tokens: 100,
      stop: ['END'],
      temperature: 0.5,
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
      ],
    });
    expect(message).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: 'gpt',
      stop_reason: 'end_turn',
      content: [{ type: 'text', text: 'Hello! How can I assist you today?' }],
      usage: { input_tokens: 19, output_tokens: 10 },
    });
  });

  it('translates tools, tool_choice and the tool_use answer', async () => {
    openai.respond((_r, res) => sendJson(res, 200, JSON.parse(openaiFixture('tool-call-completion.json'))));
    const message = await client.messages.create({
      model: 'gpt',
      max_tokens: 100,
      tools: [weatherTool],
      tool_choice: { type: 'any', disable_parallel_tool_use: true },
      messages: [{ role: 'user', content: 'Weather in Boston?' }],
    });
    expect(openai.requests[0]!.json).toMatchObject({
      tools: [{ type: 'function', function: { name: 'get_current_weather', description: 'Current weather in a place', parameters: weatherTool.input_schema } }],
      tool_choice: 'required',
      parallel_tool_calls: false,
    });
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toEqual([{ type: 'tool_use', id: 'call_abc123', name: 'get_current_weather', input: { location: 'Boston, MA' } }]);
  });

  it('sends a tool_use / tool_result round as tool_calls and a tool message', async () => {
    openai.respond((_r, res) => sendJson(res, 200, JSON.parse(openaiFixture('chat-completion.json'))));
    await client.messages.create({
      model: 'gpt',
      max_tokens: 100,
      tools: [weatherTool],
      messages: [
        { role: 'user', content: 'Weather in Boston?' },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Checking.' },
            { type: 'tool_use', id: 'call_1', name: 'get_current_weather', input: { location: 'Boston' } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'call_1', content: '15 degrees' },
            { type: 'text', text: 'Thanks' },
          ],
        },
      ],
    });
    expect(openai.requests[0]!.json.messages).toEqual([
      { role: 'user', content: 'Weather in Boston?' },
      { role: 'assistant', content: 'Checking.', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_current_weather', arguments: '{"location":"Boston"}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: '15 degrees' },
      { role: 'user', content: 'Thanks' },
    ]);
  });

  it('streams text as Anthropic events, with the usage in message_delta', async () => {
    openai.respond((_r, res) => sendSse(res, frames(openaiFixture('chat-stream.sse'))));
    const stream = client.messages.stream({ model: 'gpt', max_tokens: 100, messages: [{ role: 'user', content: 'Hi' }] });
    const types: string[] = [];
    stream.on('streamEvent', (event) => void types.push(event.type));
    const message = await stream.finalMessage();
    expect(openai.requests[0]!.json).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    expect(types).toEqual(['message_start', 'content_block_start', ...Array(types.length - 5).fill('content_block_delta'), 'content_block_stop', 'message_delta', 'message_stop']);
    expect(message).toMatchObject({ model: 'gpt', stop_reason: 'end_turn', usage: { input_tokens: 9, output_tokens: 6 } });
    expect(callRecordOf(await lastFinished())!.usage).toMatchObject({ prompt_tokens: 9, completion_tokens: 6 });
    expect(message.content).toEqual([{ type: 'text', text: 'Hello! How can I help?' }]);
  });

  it('streams a tool call as tool_use with input_json_delta', async () => {
    openai.respond((_r, res) => sendSse(res, frames(openaiFixture('tool-call-stream.sse'))));
    const raw = await rawStream({ model: 'gpt', max_tokens: 100, tools: [weatherTool], messages: [{ role: 'user', content: 'Weather in Boston?' }] });
    expect(raw).toContain('"content_block":{"type":"tool_use","id":"call_DdmO9pD3xa9XTPNJ32zg2hcA","name":"get_current_weather","input":{}}');
    expect(raw).toContain('"delta":{"type":"input_json_delta","partial_json":"location"}');

    openai.respond((_r, res) => sendSse(res, frames(openaiFixture('tool-call-stream.sse'))));
    const message = await client.messages.stream({ model: 'gpt', max_tokens: 100, tools: [weatherTool], messages: [{ role: 'user', content: 'Weather in Boston?' }] }).finalMessage();
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toEqual([{ type: 'tool_use', id: 'call_DdmO9pD3xa9XTPNJ32zg2hcA', name: 'get_current_weather', input: { location: 'Boston, MA' } }]);
  });

  it('sends a failure after the first byte as an in-band error event', async () => {
    const [first] = frames(openaiFixture('chat-stream.sse'));
    openai.respond((_r, res) => sendSse(res, [first!, `data: ${JSON.stringify({ error: { message: 'The server had an error', type: 'server_error' } })}\n\n`]));
    const raw = await rawStream({ model: 'gpt', max_tokens: 100, messages: [{ role: 'user', content: 'Hi' }] });
    expect(raw.startsWith('event: message_start\n')).toBe(true);
    expect(raw).toMatch(/event: error\ndata: \{"type":"error","error":\{"type":"api_error","message":"openai error \(500\): The server had an error"\}\}\n\n$/);

    openai.respond((_r, res) => sendSse(res, [first!, `data: ${JSON.stringify({ error: { message: 'The server had an error', type: 'server_error' } })}\n\n`]));
    const stream = client.messages.stream({ model: 'gpt', max_tokens: 100, messages: [{ role: 'user', content: 'Hi' }] });
    await expect(stream.finalMessage()).rejects.toBeInstanceOf(Anthropic.APIError);
  });

  it('translates what current Claude Code sends: system entries in messages, adaptive thinking, output_config, deferred tools', async () => {
    openai.respond((_r, res) => sendJson(res, 200, JSON.parse(openaiFixture('chat-completion.json'))));
    const response = await fetch(`${gateway.url}/v1/messages?beta=true`, {
      method: 'POST',
      headers: { authorization: `Bearer ${MASTER}`, 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'anthropic-beta': CLAUDE_CODE_BETAS },
      body: JSON.stringify(claudeCodeBody('gpt')),
    });
    expect(response.status).toBe(200);
    const sent = openai.requests[0]!.json;
    expect(sent.messages).toEqual([
      { role: 'system', content: 'You are Claude Code.\nBe careful.' },
      { role: 'user', content: 'Read notes.txt' },
      { role: 'system', content: '# Environment\nWorking directory: /work' },
    ]);
    // gpt-4o-mini does not reason and refuses reasoning_effort: adaptive thinking is not sent to it.
    expect(sent).not.toHaveProperty('reasoning_effort');
    expect(sent.tools.map((t: { function: { name: string } }) => t.function.name)).toEqual(['Read', 'Deferred']);
    expect(sent.tools[1]).toEqual({ type: 'function', function: { name: 'Deferred', description: 'A tool loaded on demand', parameters: { type: 'object', properties: {} } } });
    // Anthropic-only fields go no further; an explicit null is an absent field.
    for (const field of ['context_management', 'output_config', 'thinking', 'metadata', 'temperature']) expect(sent).not.toHaveProperty(field);
    expect(((await response.json()) as { type: string }).type).toBe('message');
  });

  it('sends thinking as reasoning_effort to models that reason: the effort asked for, else medium', async () => {
    openai.respond((_r, res) => sendJson(res, 200, JSON.parse(openaiFixture('chat-completion.json'))));
    const ask = (model: string, extra: Record<string, unknown>) =>
      client.messages.create({ model, max_tokens: 100, messages: [{ role: 'user', content: 'Why?' }], ...extra } as unknown as Anthropic.MessageCreateParamsNonStreaming);
    await ask('reasoner', { thinking: { type: 'adaptive' }, output_config: { effort: 'low' } });
    await ask('own-reasoner', { thinking: { type: 'adaptive' } });
    await ask('reasoner', { thinking: { type: 'enabled', budget_tokens: 50 } });
    expect(openai.requests.map((r) => r.json.reasoning_effort)).toEqual(['low', 'medium', 'low']);
    // A reasoning model takes max_completion_tokens, not max_tokens.
    expect(openai.requests[0]!.json).toMatchObject({ model: 'gpt-5-mini', max_completion_tokens: 100 });
    expect(openai.requests[0]!.json).not.toHaveProperty('max_tokens');
  });

  it('maps output_config.format to response_format', async () => {
    openai.respond((_r, res) => sendJson(res, 200, JSON.parse(openaiFixture('chat-completion.json'))));
    const schema = { type: 'object', properties: { city: { type: 'string' } } };
    await client.messages.create({
      model: 'gpt',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'Where?' }],
      output_config: { format: { type: 'json_schema', schema } },
    } as unknown as Anthropic.MessageCreateParamsNonStreaming);
    expect(openai.requests[0]!.json).toMatchObject({ response_format: { type: 'json_schema', json_schema: { name: 'structured_output', schema } } });
  });

  it('refuses server tools and Anthropic-only blocks it cannot translate', async () => {
    const error = await client.messages
      .create({
        model: 'gpt',
        max_tokens: 100,
        messages: [{ role: 'user', content: 'Search' }],
        tools: [{ type: 'web_search_20250305', name: 'web_search' }],
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect((error as InstanceType<typeof Anthropic.APIError>).error).toEqual({
      type: 'error',
      error: { type: 'invalid_request_error', message: 'tools[0]: the server tool "web_search_20250305" only runs on Anthropic models.' },
    });
    expect(openai.requests).toHaveLength(0);
  });
});

describe('an anthropic/ model through /v1/messages', () => {
  it('passes what current Claude Code sends through untouched, with every beta header', async () => {
    anthropic.respond((_r, res) => sendJson(res, 200, JSON.parse(anthropicFixture('message-text.json'))));
    const body = claudeCodeBody('claude');
    const response = await fetch(`${gateway.url}/v1/messages?beta=true`, {
      method: 'POST',
      headers: { authorization: `Bearer ${MASTER}`, 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'anthropic-beta': CLAUDE_CODE_BETAS },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(200);
    const sent = anthropic.requests[0]!;
    const { temperature: _null, ...present } = body;
    expect(sent.json).toEqual({ ...present, model: 'claude-sonnet-4-5-20250929' });
    expect(sent.headers['anthropic-beta']).toBe(CLAUDE_CODE_BETAS);
  });

  it('passes the body through untouched apart from the model, and the answer back', async () => {
    const fixture = JSON.parse(anthropicFixture('message-tool-use.json'));
    anthropic.respond((_r, res) => sendJson(res, 200, fixture));
    const body = {
      model: 'claude',
      max_tokens: 1024,
      system: [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }],
      tools: [weatherTool],
      tool_choice: { type: 'auto' },
      metadata: { user_id: 'user-7' },
      top_k: 5,
      messages: [{ role: 'user' as const, content: 'Weather in San Francisco?' }],
    };
    const message = await client.messages.create(body as Anthropic.MessageCreateParamsNonStreaming, { headers: { 'anthropic-beta': 'token-efficient-tools-2025-02-19' } });
    const sent = anthropic.requests[0]!;
    expect(sent.url).toBe('/v1/messages');
    expect(sent.json).toEqual({ ...body, model: 'claude-sonnet-4-5-20250929' });
    expect(sent.headers['x-api-key']).toBe(ANTHROPIC_KEY);
    expect(sent.headers['anthropic-version']).toBe('2023-06-01');
    expect(sent.headers['anthropic-beta']).toBe('token-efficient-tools-2025-02-19');
    expect(message).toEqual({ ...fixture, model: 'claude' });
  });

  it('forwards the stream event by event, changing only the model in message_start', async () => {
    const upstreamEvents = frames(anthropicFixture('stream-tool-use.sse'));
    anthropic.respond((_r, res) => sendSse(res, upstreamEvents));
    const raw = await rawStream({ model: 'claude', max_tokens: 1024, tools: [weatherTool], messages: [{ role: 'user', content: 'Weather?' }] });
    expect(anthropic.requests[0]!.json.stream).toBe(true);
    const expected = upstreamEvents.join('').replace('"model":"claude-sonnet-4-5-20250929"', '"model":"claude"');
    expect(raw).toBe(expected);
    // Usage read from message_start and message_delta as they went by, for spend.
    expect(callRecordOf(await lastFinished())!.usage).toMatchObject({ prompt_tokens: 472, completion_tokens: 89 });
    finished.length = 0;

    anthropic.respond((_r, res) => sendSse(res, upstreamEvents));
    const message = await client.messages.stream({ model: 'claude', max_tokens: 1024, tools: [weatherTool], messages: [{ role: 'user', content: 'Weather?' }] }).finalMessage();
    expect(message.model).toBe('claude');
    expect(message.content.map((b) => b.type)).toEqual(['text', 'tool_use', 'tool_use']);
    expect(message.usage.output_tokens).toBe(89);
  });

  it('aborts the upstream stream when the client disconnects', async () => {
    let upstreamClosed: () => void;
    const closed = new Promise<void>((resolve) => (upstreamClosed = resolve));
    const [start, blockStart, , delta] = frames(anthropicFixture('stream-text.sse'));
    anthropic.respond(async (_r, res) => {
      res.on('close', () => upstreamClosed());
      await sendSse(res, [start!, blockStart!, ...Array.from({ length: 100 }, () => delta!)], 50);
    });
    const controller = new AbortController();
    const stream = await client.messages.create({ model: 'claude', max_tokens: 100, messages: [{ role: 'user', content: 'Hi' }], stream: true }, { signal: controller.signal });
    let seen = 0;
    try {
      for await (const _event of stream) if (++seen === 3) controller.abort();
    } catch {
      // the client may report its own abort; either way it stopped reading
    }
    expect(seen).toBeGreaterThanOrEqual(3);
    const started = Date.now();
    await closed;
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('retries a stream whose first event is an error, since nothing has reached the client yet', async () => {
    const overloaded = 'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n';
    anthropic.respond((_r, res) => {
      anthropic.respond((_r2, res2) => sendSse(res2, frames(anthropicFixture('stream-text.sse'))));
      return sendSse(res, [overloaded]);
    });
    const body = { model: 'claude', max_tokens: 100, messages: [{ role: 'user' as const, content: 'Hi' }], num_retries: 1 };
    const message = await client.messages.stream(body as Anthropic.MessageCreateParams).finalMessage();
    expect(anthropic.requests).toHaveLength(2);
    expect(message.content).toEqual([{ type: 'text', text: 'Hello! How can I help?' }]);
  });

  it("forwards Anthropic's in-band error event as it came", async () => {
    anthropic.respond((_r, res) => sendSse(res, frames(anthropicFixture('stream-error.sse'))));
    const raw = await rawStream({ model: 'claude', max_tokens: 100, messages: [{ role: 'user', content: 'A story' }] });
    expect(raw.endsWith('event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n')).toBe(true);
  });

  it('falls back from an OpenAI-family model to an anthropic/ one, each called in its own format', async () => {
    openai.respond((_r, res) => sendJson(res, 429, JSON.parse(openaiFixture('error-rate-limit.json'))));
    anthropic.respond((_r, res) => sendJson(res, 200, JSON.parse(anthropicFixture('message-text.json'))));
    const body = { model: 'gpt', max_tokens: 50, messages: [{ role: 'user' as const, content: 'Hi' }], fallbacks: ['claude'], num_retries: 0 };
    const { data: message, response } = await client.messages.create(body as Anthropic.MessageCreateParamsNonStreaming).withResponse();
    expect(openai.requests).toHaveLength(1);
    expect(anthropic.requests[0]!.json).toEqual({ model: 'claude-sonnet-4-5-20250929', max_tokens: 50, messages: [{ role: 'user', content: 'Hi' }] });
    expect(response.headers.get('x-litellm-attempted-fallbacks')).toBe('1');
    // After a fallback too, the answer names the model asked for; x-tollgate-model-id names the deployment.
    expect(message.model).toBe('gpt');
  });

  it('answers an upstream refusal in Anthropic error shape with the status', async () => {
    anthropic.respond((_r, res) => sendJson(res, 429, JSON.parse(anthropicFixture('error-rate-limit.json')), { 'retry-after': '7' }));
    const response = await fetch(`${gateway.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': MASTER, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'claude', max_tokens: 10, messages: [{ role: 'user', content: 'Hi' }] }),
    });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('7');
    const body = (await response.json()) as { type: string; error: { type: string; message: string } };
    expect(body.type).toBe('error');
    expect(body.error.type).toBe('rate_limit_error');
    expect(body.error.message).not.toContain(ANTHROPIC_KEY);
  });
});

describe('count_tokens', () => {
  it("forwards to Anthropic's count_tokens for an anthropic/ model", async () => {
    anthropic.respond((_r, res) => sendJson(res, 200, { input_tokens: 42 }));
    const count = await client.messages.countTokens({ model: 'claude', messages: [{ role: 'user', content: 'Hello' }], system: 'Be brief.' });
    expect(count.input_tokens).toBe(42);
    expect(anthropic.requests[0]!.url).toBe('/v1/messages/count_tokens');
    expect(anthropic.requests[0]!.json).toEqual({ model: 'claude-sonnet-4-5-20250929', messages: [{ role: 'user', content: 'Hello' }], system: 'Be brief.' });
  });

  it('estimates for other models without calling them', async () => {
    const short = await client.messages.countTokens({ model: 'gpt', messages: [{ role: 'user', content: 'Hello' }] });
    const long = await client.messages.countTokens({ model: 'gpt', messages: [{ role: 'user', content: 'Hello '.repeat(200) }] });
    expect(short.input_tokens).toBeGreaterThan(0);
    expect(long.input_tokens).toBeGreaterThan(short.input_tokens + 250);
    expect(openai.requests).toHaveLength(0);
  });

  it("uses up none of a deployment's rpm, since counting is no model call", async () => {
    const limited = await startGateway(
      `
model_list:
  - model_name: gpt
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${openai.url}, api_key: os.environ/OPENAI_KEY, rpm: 1 }
router_settings: { routing_strategy: usage-based-routing }
general_settings: { master_key: ${MASTER} }
`,
      { OPENAI_KEY },
      { routerRuntime: testRuntime() },
    ); // a clock that stays in one minute
    try {
      openai.respond((_r, res) => sendJson(res, 200, JSON.parse(openaiFixture('chat-completion.json'))));
      const sdk = new Anthropic({ baseURL: limited.url, apiKey: MASTER, maxRetries: 0 });
      const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'Hello' }];
      for (let i = 0; i < 3; i++) await sdk.messages.countTokens({ model: 'gpt', messages });
      await expect(sdk.messages.create({ model: 'gpt', max_tokens: 10, messages })).resolves.toMatchObject({ type: 'message' });
      await expect(sdk.messages.create({ model: 'gpt', max_tokens: 10, messages })).rejects.toMatchObject({ status: 429 });
    } finally {
      await limited.close();
    }
  });
});

describe('/v1/messages auth and input errors', () => {
  it('takes the gateway key as x-api-key or as a Bearer token, and refuses a wrong one', async () => {
    openai.respond((_r, res) => sendJson(res, 200, JSON.parse(openaiFixture('chat-completion.json'))));
    const bearer = new Anthropic({ baseURL: gateway.url, apiKey: null, authToken: MASTER, maxRetries: 0 });
    await expect(bearer.messages.create({ model: 'gpt', max_tokens: 10, messages: [{ role: 'user', content: 'Hi' }] })).resolves.toMatchObject({ type: 'message' });
    const wrong = new Anthropic({ baseURL: gateway.url, apiKey: 'sk-wrong', maxRetries: 0 });
    await expect(wrong.messages.create({ model: 'gpt', max_tokens: 10, messages: [{ role: 'user', content: 'Hi' }] })).rejects.toBeInstanceOf(Anthropic.AuthenticationError);
    expect(openai.requests).toHaveLength(1);
    // The client's gateway key never travels upstream.
    expect(JSON.stringify(openai.requests[0]!.headers)).not.toContain(MASTER);
  });

  it.each([
    [{ model: 'gpt', messages: [{ role: 'user', content: 'Hi' }] }, 'max_tokens'],
    [{ model: 'gpt', max_tokens: 10, messages: [] }, 'messages'],
    [{ model: 'gpt', max_tokens: 10, messages: [{ role: 'tool', content: 'Hi' }] }, 'messages[0].role'],
    [{ max_tokens: 10, messages: [{ role: 'user', content: 'Hi' }] }, 'model'],
  ])('answers %j with a 400 in Anthropic shape naming %s', async (body, field) => {
    const response = await fetch(`${gateway.url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': MASTER, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(response.status).toBe(400);
    const answer = (await response.json()) as { type: string; error: { type: string; message: string } };
    expect(answer.type).toBe('error');
    expect(answer.error.type).toBe('invalid_request_error');
    expect(answer.error.message).toContain(field);
  });

  it('names the models there are for an unknown one', async () => {
    const error = await client.messages.create({ model: 'nope', max_tokens: 10, messages: [{ role: 'user', content: 'Hi' }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect((error as Error).message).toContain('gpt');
  });
});
