// A LiteLLM-style config with an Anthropic deployment, driven by the official `openai` client:
// the gateway translates OpenAI ⇄ Anthropic both ways, streamed and not.
import { readFileSync } from 'node:fs';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';
import { sendJson, sendSse, startRecordingServer, type RecordingServer } from '../helpers/recording-server.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/anthropic/${name}`, import.meta.url), 'utf8');
const frames = (name: string) =>
  fixture(name)
    .split('\n\n')
    .filter((e) => e.trim())
    .map((e) => `${e}\n\n`);
const ANTHROPIC_KEY = 'sk-ant-api03-gateway-test-key-0123456789';
const MASTER = 'sk-test-master';
const weatherTool: OpenAI.ChatCompletionTool = {
  type: 'function',
  function: { name: 'get_weather', description: 'Current weather', parameters: { type: 'object', properties: { location: { type: 'string' }, unit: { type: 'string' } }, required: ['location'] } },
};

let upstream: RecordingServer;
let gateway: TestGateway;
let client: OpenAI;

beforeAll(async () => {
  upstream = await startRecordingServer();
  gateway = await startGateway(
    `
model_list:
  - model_name: claude-sonnet
    litellm_params:
      model: anthropic/claude-sonnet-4-5-20250929
      api_base: ${upstream.url}
      api_key: os.environ/ANTHROPIC_API_KEY
general_settings: { master_key: ${MASTER} }
`,
    { ANTHROPIC_API_KEY: ANTHROPIC_KEY },
  );
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: MASTER, maxRetries: 0 });
});
afterAll(async () => {
  await gateway.close();
  await upstream.close();
});
beforeEach(() => void (upstream.requests.length = 0));

describe('anthropic through the openai client', () => {
  it('translates a non-streamed chat with a system prompt and a tool call', async () => {
    upstream.respond((_r, res) => sendJson(res, 200, JSON.parse(fixture('message-tool-use.json'))));
    const completion = await client.chat.completions.create({
      model: 'claude-sonnet',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Weather in San Francisco?' },
      ],
      tools: [weatherTool],
      tool_choice: 'auto',
    });
    const sent = upstream.requests[0]!;
    expect(sent.url).toBe('/v1/messages');
    expect(sent.headers['x-api-key']).toBe(ANTHROPIC_KEY);
    expect(sent.headers['anthropic-version']).toBe('2023-06-01');
    expect(sent.json).toMatchObject({
      model: 'claude-sonnet-4-5-20250929',
      system: [{ type: 'text', text: 'Be brief.' }],
      messages: [{ role: 'user' }],
      tools: [{ name: 'get_weather', input_schema: weatherTool.function.parameters }],
      tool_choice: { type: 'auto' },
    });
    expect(typeof sent.json.max_tokens).toBe('number');
    const choice = completion.choices[0]!;
    expect(completion.model).toBe('claude-sonnet');
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toContain('San Francisco');
    const call = choice.message.tool_calls![0] as OpenAI.ChatCompletionMessageFunctionToolCall;
    expect(call.id).toBe('toolu_01A09q90qw90lq917835lq9');
    expect(JSON.parse(call.function.arguments)).toEqual({ location: 'San Francisco, CA', unit: 'celsius' });
    expect(completion.usage).toMatchObject({ prompt_tokens: 472, completion_tokens: 89, total_tokens: 561 });
  });

  it('sends the tool result back as an Anthropic tool_result turn', async () => {
    upstream.respond((_r, res) => sendJson(res, 200, JSON.parse(fixture('message-text.json'))));
    await client.chat.completions.create({
      model: 'claude-sonnet',
      messages: [
        { role: 'user', content: 'Weather in San Francisco?' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"location":"SF"}' } }] },
        { role: 'tool', tool_call_id: 'toolu_1', content: '15 degrees' },
      ],
      tools: [weatherTool],
    });
    expect(upstream.requests[0]!.json.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Weather in San Francisco?' }] },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { location: 'SF' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: '15 degrees' }] },
    ]);
  });

  it('streams text, then tool-call argument deltas the client assembles', async () => {
    upstream.respond((_r, res) => sendSse(res, frames('stream-tool-use.sse')));
    const runner = client.chat.completions.stream({ model: 'claude-sonnet', messages: [{ role: 'user', content: 'Weather?' }], tools: [weatherTool], stream_options: { include_usage: true } });
    const final = await runner.finalChatCompletion();
    const call = final.choices[0]!.message.tool_calls![0] as OpenAI.ChatCompletionMessageFunctionToolCall;
    expect(call.function.name).toBe('get_weather');
    expect(JSON.parse(call.function.arguments)).toHaveProperty('location');
    expect(final.choices[0]!.finish_reason).toBe('tool_calls');
    expect(final.choices[0]!.message.content).toMatch(/^Okay, let's check the weather/);
    expect(final.usage?.prompt_tokens).toBe(472);
  });

  it('maps reasoning_effort to thinking and returns reasoning_content', async () => {
    upstream.respond((_r, res) => sendSse(res, frames('stream-thinking.sse')));
    const stream = await client.chat.completions.create({ model: 'claude-sonnet', messages: [{ role: 'user', content: 'Think.' }], reasoning_effort: 'low', stream: true });
    let reasoning = '';
    let text = '';
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta as { content?: string; reasoning_content?: string } | undefined;
      reasoning += delta?.reasoning_content ?? '';
      text += delta?.content ?? '';
    }
    expect(upstream.requests[0]!.json.thinking).toEqual({ type: 'enabled', budget_tokens: 1024 });
    expect(reasoning.length).toBeGreaterThan(0);
    expect(text.length).toBeGreaterThan(0);
  });

  it('sends images as base64 and URL sources', async () => {
    upstream.respond((_r, res) => sendJson(res, 200, JSON.parse(fixture('message-text.json'))));
    await client.chat.completions.create({
      model: 'claude-sonnet',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in these?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } },
          ],
        },
      ],
    });
    expect(upstream.requests[0]!.json.messages[0].content.slice(1)).toEqual([
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
      { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
    ]);
  });

  it('passes cache_control through to the Anthropic blocks', async () => {
    upstream.respond((_r, res) => sendJson(res, 200, JSON.parse(fixture('message-text.json'))));
    await client.chat.completions.create({
      model: 'claude-sonnet',
      messages: [
        { role: 'system', content: [{ type: 'text', text: 'Long policy...', cache_control: { type: 'ephemeral' } } as any] },
        { role: 'user', content: 'Hi' },
      ],
    });
    expect(upstream.requests[0]!.json.system).toEqual([{ type: 'text', text: 'Long policy...', cache_control: { type: 'ephemeral' } }]);
  });

  it('maps Anthropic errors to OpenAI errors with the right status', async () => {
    const cases: Array<[number, string, number, string]> = [
      [429, 'error-rate-limit.json', 429, '429'],
      [529, 'error-overloaded.json', 503, '503'],
      [400, 'error-prompt-too-long.json', 400, 'context_length_exceeded'],
      [401, 'error-authentication.json', 401, '401'],
    ];
    for (const [status, body, expected, code] of cases) {
      upstream.respond((_r, res) => sendJson(res, status, JSON.parse(fixture(body))));
      const error = await client.chat.completions.create({ model: 'claude-sonnet', messages: [{ role: 'user', content: 'x' }] }).then(
        () => undefined,
        (e) => e,
      );
      expect(error, body).toBeInstanceOf(OpenAI.APIError);
      expect(error.status).toBe(expected);
      expect(error.code).toBe(code);
      expect(error.message).not.toContain(ANTHROPIC_KEY);
    }
    expect(gateway.log.text()).not.toContain(ANTHROPIC_KEY);
  });

  it('refuses an OpenAI parameter Anthropic cannot take unless drop_params is set', async () => {
    await expect(client.chat.completions.create({ model: 'claude-sonnet', messages: [{ role: 'user', content: 'x' }], logit_bias: { '1': 1 } })).rejects.toMatchObject({
      status: 400,
      param: 'logit_bias',
    });
    upstream.respond((_r, res) => sendJson(res, 200, JSON.parse(fixture('message-text.json'))));
    await client.chat.completions.create({ model: 'claude-sonnet', messages: [{ role: 'user', content: 'x' }], logit_bias: { '1': 1 }, drop_params: true } as any);
    expect(upstream.requests[0]!.json.logit_bias).toBeUndefined();
  });

  it('answers malformed thinking_blocks sent back in the history with a 400 naming them, not a 500', async () => {
    for (const thinkingBlocks of ['thinking', [null], [{ type: 'redacted_thinking' }]]) {
      const messages = [
        { role: 'user', content: 'x' },
        { role: 'assistant', content: 'y', thinking_blocks: thinkingBlocks },
        { role: 'user', content: 'z' },
      ];
      const error = await client.chat.completions.create({ model: 'claude-sonnet', messages } as any).then(
        () => undefined,
        (e) => e,
      );
      expect(error, JSON.stringify(thinkingBlocks)).toMatchObject({ status: 400, param: expect.stringMatching(/^messages\[1\]\.thinking_blocks/) });
    }
    expect(upstream.requests).toHaveLength(0);
  });
});
