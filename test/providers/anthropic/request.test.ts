// OpenAI request → Anthropic body: every mapping, checked on the body alone.
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../../shared/core/errors.ts';
import type { ChatCompletionRequest, ChatMessage } from '../../../shared/openai/types.ts';
import { DEFAULT_MAX_TOKENS } from '../../../shared/providers/anthropic/internal/thinking.ts';
import { toAnthropicRequest } from '../../../shared/providers/anthropic/request.ts';

const LEGACY = 'claude-3-5-haiku-20241022'; // no structured outputs, budget thinking
const SONNET_45 = 'claude-sonnet-4-5-20250929'; // structured outputs, budget thinking
const OPUS_47 = 'claude-opus-4-7'; // structured outputs, adaptive thinking only

const req = (overrides: Partial<ChatCompletionRequest> = {}, messages: ChatMessage[] = [{ role: 'user', content: 'Hi' }]): ChatCompletionRequest => ({ model: SONNET_45, messages, ...overrides });
const body = (overrides: Partial<ChatCompletionRequest> = {}, messages?: ChatMessage[]) => toAnthropicRequest(req(overrides, messages)).body;

const weatherTool = {
  type: 'function' as const,
  function: { name: 'get_weather', description: 'Get the weather', parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] } },
};

describe('basic request', () => {
  it('sends model, messages and the default max_tokens', () => {
    expect(body()).toEqual({ model: SONNET_45, max_tokens: DEFAULT_MAX_TOKENS, messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }] });
    expect(DEFAULT_MAX_TOKENS).toBe(4096);
  });

  it('honours max_completion_tokens over max_tokens', () => {
    expect(body({ max_tokens: 100 }).max_tokens).toBe(100);
    expect(body({ max_tokens: 100, max_completion_tokens: 200 }).max_tokens).toBe(200);
  });

  it('maps stop, temperature, top_p, stream and user', () => {
    expect(body({ stop: 'END', temperature: 0.2, top_p: 0.9, stream: true, user: 'user-42' })).toMatchObject({
      stop_sequences: ['END'],
      temperature: 0.2,
      top_p: 0.9,
      stream: true,
      metadata: { user_id: 'user-42' },
    });
    expect(body({ stop: ['a', 'b'] }).stop_sequences).toEqual(['a', 'b']);
  });

  it('leaves out e-mail addresses and phone numbers as user ids, and null parameters', () => {
    expect(body({ user: 'jane@example.com' }).metadata).toBeUndefined();
    expect(body({ user: '+1 (555) 123-4567' }).metadata).toBeUndefined();
    expect(body({ temperature: null as unknown as number, stop: null as unknown as string })).not.toHaveProperty('temperature');
  });

  it('passes non-OpenAI keys through and drops stream_options', () => {
    const out = body({ top_k: 5, container: 'container_1', stream: true, stream_options: { include_usage: true } });
    expect(out).toMatchObject({ top_k: 5, container: 'container_1' });
    expect(out).not.toHaveProperty('stream_options');
  });
});

describe('messages', () => {
  it('lifts system and developer messages into system text blocks, keeping cache_control', () => {
    const out = body({}, [
      { role: 'system', content: 'You are terse.', cache_control: { type: 'ephemeral' } },
      {
        role: 'developer',
        content: [
          { type: 'text', text: 'Answer in French.' },
          { type: 'text', text: 'Long context', cache_control: { type: 'ephemeral', ttl: '1h' } },
        ],
      },
      { role: 'user', content: 'Bonjour' },
    ]);
    expect(out.system).toEqual([
      { type: 'text', text: 'You are terse.', cache_control: { type: 'ephemeral' } },
      { type: 'text', text: 'Answer in French.' },
      { type: 'text', text: 'Long context', cache_control: { type: 'ephemeral', ttl: '1h' } },
    ]);
    expect(out.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'Bonjour' }] }]);
  });

  it('keeps a multi-turn conversation and merges consecutive turns of one role', () => {
    const out = body({}, [
      { role: 'user', content: 'One' },
      { role: 'user', content: 'Two' },
      { role: 'assistant', content: 'Three' },
      { role: 'assistant', content: 'Four' },
      { role: 'user', content: 'Five' },
    ]);
    expect(out.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'One' },
          { type: 'text', text: 'Two' },
        ],
      },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Three' },
          { type: 'text', text: 'Four' },
        ],
      },
      { role: 'user', content: [{ type: 'text', text: 'Five' }] },
    ]);
  });

  it('turns data: image URLs into base64 sources and http(s) URLs into url sources', () => {
    const out = body({}, [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is in these?' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
          { type: 'image_url', image_url: { url: 'https://upload.wikimedia.org/cat.jpg', detail: 'high' }, cache_control: { type: 'ephemeral' } },
        ],
      },
    ]);
    expect(out.messages[0]!.content).toEqual([
      { type: 'text', text: 'What is in these?' },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
      { type: 'image', source: { type: 'url', url: 'https://upload.wikimedia.org/cat.jpg' }, cache_control: { type: 'ephemeral' } },
    ]);
  });

  it('turns PDF file parts into document blocks and refuses other image URLs', () => {
    const out = body({}, [{ role: 'user', content: [{ type: 'file', file: { file_data: 'data:application/pdf;base64,JVBERi0=', filename: 'a.pdf' } }] }]);
    expect(out.messages[0]!.content).toEqual([{ type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' }, title: 'a.pdf' }]);
    const error = (() => {
      try {
        body({}, [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'ftp://x/y.png' } }] }]);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).kind).toBe('invalid_request');
    expect((error as GatewayError).param).toBe('messages[0].content[0]');
  });

  it('turns plain-text file parts into text documents, and answers a broken %-escape with a 400', () => {
    const file = (file_data: string): ChatMessage[] => [{ role: 'user', content: [{ type: 'file', file: { file_data, filename: 'notes.txt' } }] }];
    expect(body({}, file('data:text/plain,caf%C3%A9')).messages[0]!.content).toEqual([{ type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'café' }, title: 'notes.txt' }]);
    expect(body({}, file('data:text/plain;base64,Y2Fmw6k=')).messages[0]!.content).toEqual([
      { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'café' }, title: 'notes.txt' },
    ]);
    const error = (() => {
      try {
        body({}, file('data:text/plain,100%'));
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ kind: 'invalid_request', param: 'messages[0].content[0]' });
  });

  it("puts a message-level cache_control on the message's last block", () => {
    const out = body({}, [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'a' },
          { type: 'text', text: 'b' },
        ],
        cache_control: { type: 'ephemeral' },
      },
    ]);
    expect(out.messages[0]!.content).toEqual([
      { type: 'text', text: 'a' },
      { type: 'text', text: 'b', cache_control: { type: 'ephemeral' } },
    ]);
  });

  it('sends assistant tool calls as tool_use blocks after thinking blocks and text, and tool results in one user turn', () => {
    const out = body({ tools: [weatherTool] }, [
      { role: 'user', content: 'Weather in Paris and Rome?' },
      {
        role: 'assistant',
        content: 'Checking both.',
        thinking_blocks: [
          { type: 'thinking', thinking: 'Two cities, two calls.', signature: 'sig-abc' },
          { type: 'redacted_thinking', data: 'EmwKAhgB' },
        ],
        tool_calls: [
          { id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Paris"}' } },
          { id: 'toolu_2', type: 'function', function: { name: 'get_weather', arguments: '' } },
        ],
      },
      { role: 'tool', tool_call_id: 'toolu_1', content: '18°C' },
      { role: 'tool', tool_call_id: 'toolu_2', content: [{ type: 'text', text: '24°C' }], cache_control: { type: 'ephemeral' } },
      { role: 'user', content: 'Which is warmer?' },
    ]);
    expect(out.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Weather in Paris and Rome?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: 'Two cities, two calls.', signature: 'sig-abc' },
          { type: 'redacted_thinking', data: 'EmwKAhgB' },
          { type: 'text', text: 'Checking both.' },
          { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { location: 'Paris' } },
          { type: 'tool_use', id: 'toolu_2', name: 'get_weather', input: {} },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_1', content: '18°C' },
          { type: 'tool_result', tool_use_id: 'toolu_2', content: [{ type: 'text', text: '24°C' }], cache_control: { type: 'ephemeral' } },
          { type: 'text', text: 'Which is warmer?' },
        ],
      },
    ]);
  });

  it('leaves out empty assistant turns and refuses tool-call arguments that are not JSON', () => {
    expect(
      body({}, [
        { role: 'user', content: 'a' },
        { role: 'assistant', content: null },
        { role: 'user', content: 'b' },
      ]).messages,
    ).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'a' },
          { type: 'text', text: 'b' },
        ],
      },
    ]);
    expect(() => body({}, [{ role: 'assistant', content: null, tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: '{oops' } }] }])).toThrow(
      /tool_calls\[0\]\.function\.arguments is not valid JSON/,
    );
  });
});

describe('tools', () => {
  it('maps function tools to name/description/input_schema, keeping cache_control', () => {
    const out = body({ tools: [weatherTool, { type: 'function', function: { name: 'now' }, cache_control: { type: 'ephemeral' } }] });
    expect(out.tools).toEqual([
      { name: 'get_weather', description: 'Get the weather', input_schema: weatherTool.function.parameters },
      { name: 'now', input_schema: { type: 'object', properties: {} }, cache_control: { type: 'ephemeral' } },
    ]);
    expect(out).not.toHaveProperty('tool_choice');
  });

  it.each([
    ['auto', { type: 'auto' }],
    ['required', { type: 'any' }],
    ['none', { type: 'none' }],
    [
      { type: 'function', function: { name: 'get_weather' } },
      { type: 'tool', name: 'get_weather' },
    ],
  ] as const)('maps tool_choice %j', (choice, expected) => {
    expect(body({ tools: [weatherTool], tool_choice: choice }).tool_choice).toEqual(expected);
  });

  it('maps parallel_tool_calls to disable_parallel_tool_use', () => {
    expect(body({ tools: [weatherTool], parallel_tool_calls: false }).tool_choice).toEqual({ type: 'auto', disable_parallel_tool_use: true });
    expect(body({ tools: [weatherTool], tool_choice: 'required', parallel_tool_calls: false }).tool_choice).toEqual({ type: 'any', disable_parallel_tool_use: true });
    expect(body({ tools: [weatherTool], tool_choice: 'auto', parallel_tool_calls: true }).tool_choice).toEqual({ type: 'auto', disable_parallel_tool_use: false });
    expect(body({ tools: [weatherTool], tool_choice: 'none', parallel_tool_calls: false }).tool_choice).toEqual({ type: 'none' });
  });

  it('sends tool_choice only with tools', () => {
    expect(body({ tool_choice: 'auto', parallel_tool_calls: false })).not.toHaveProperty('tool_choice');
  });

  it('forwards strict only to models with structured outputs', () => {
    const strictTool = { type: 'function' as const, function: { ...weatherTool.function, strict: true } };
    expect((body({ tools: [strictTool] }).tools![0] as { strict?: boolean }).strict).toBe(true);
    expect(body({ model: LEGACY, tools: [strictTool] }).tools![0]).not.toHaveProperty('strict');
  });

  it('adds the web search server tool for web_search_options', () => {
    const out = body({ web_search_options: { user_location: { type: 'approximate', approximate: { city: 'Paris', country: 'FR' } } } });
    expect(out.tools).toEqual([{ type: 'web_search_20250305', name: 'web_search', user_location: { type: 'approximate', city: 'Paris', country: 'FR' } }]);
  });
});

describe('response_format', () => {
  const schema = { type: 'object', properties: { name: { type: 'string' } }, required: ['name'], additionalProperties: false };

  it('uses native structured outputs (output_config.format) on models that have them', () => {
    const call = toAnthropicRequest(req({ response_format: { type: 'json_schema', json_schema: { name: 'person', schema } } }));
    expect(call.jsonTool).toBe(false);
    expect(call.body.output_config).toEqual({ format: { type: 'json_schema', schema } });
    expect(call.body).not.toHaveProperty('tools');
  });

  it("uses the forced json_tool_call tool on older models, alongside the client's tools", () => {
    const call = toAnthropicRequest(req({ model: LEGACY, tools: [weatherTool], response_format: { type: 'json_schema', json_schema: { name: 'person', schema } } }));
    expect(call.jsonTool).toBe(true);
    expect(call.body.tools).toEqual([expect.objectContaining({ name: 'get_weather' }), { name: 'json_tool_call', description: expect.any(String), input_schema: schema }]);
    expect(call.body.tool_choice).toEqual({ type: 'tool', name: 'json_tool_call' });
    expect(call.body).not.toHaveProperty('output_config');
  });

  it('serves json_object with an open-schema json_tool_call, and ignores text', () => {
    const call = toAnthropicRequest(req({ response_format: { type: 'json_object' } }));
    expect(call.jsonTool).toBe(true);
    expect(call.body.tools).toEqual([{ name: 'json_tool_call', description: expect.any(String), input_schema: { type: 'object', properties: {}, additionalProperties: true } }]);
    expect(toAnthropicRequest(req({ response_format: { type: 'text' } })).body).not.toHaveProperty('tools');
  });

  it('does not force the JSON tool when thinking is on', () => {
    const call = toAnthropicRequest(req({ model: LEGACY, reasoning_effort: 'low', response_format: { type: 'json_object' } }));
    expect(call.body).not.toHaveProperty('tool_choice');
  });

  it('closes objects that do not say, as structured outputs require', () => {
    const loose = { type: 'object', properties: { tags: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } } } } }, $defs: { x: { type: 'object', properties: {} } } };
    expect(body({ response_format: { type: 'json_schema', json_schema: { name: 'p', schema: loose } } }).output_config).toEqual({
      format: {
        type: 'json_schema',
        schema: {
          type: 'object',
          additionalProperties: false,
          properties: { tags: { type: 'array', items: { type: 'object', additionalProperties: false, properties: { name: { type: 'string' } } } } },
          $defs: { x: { type: 'object', properties: {}, additionalProperties: false } },
        },
      },
    });
    expect(loose).not.toHaveProperty('additionalProperties'); // the client's schema is left as it was
  });

  it('falls back to the JSON tool for schemas with explicitly open objects', () => {
    const open = { type: 'object', properties: { meta: { type: 'object', additionalProperties: { type: 'string' } } } };
    const call = toAnthropicRequest(req({ response_format: { type: 'json_schema', json_schema: { name: 'p', schema: open } } }));
    expect(call.jsonTool).toBe(true);
    expect(call.body).not.toHaveProperty('output_config');
    expect(call.body.tools).toEqual([expect.objectContaining({ name: 'json_tool_call', input_schema: open })]);
  });

  it('merges with an output_config the client sent', () => {
    const out = body({ output_config: { effort: 'low' }, response_format: { type: 'json_schema', json_schema: { name: 'p', schema } } });
    expect(out.output_config).toEqual({ effort: 'low', format: { type: 'json_schema', schema } });
  });
});

describe('reasoning', () => {
  it.each([
    ['low', 1024],
    ['medium', 2048],
    ['high', 4096],
    ['minimal', 1024],
  ] as const)('maps reasoning_effort %s to a %i-token thinking budget', (effort, budget) => {
    const out = body({ reasoning_effort: effort });
    expect(out.thinking).toEqual({ type: 'enabled', budget_tokens: budget });
    expect(out.max_tokens).toBe(budget + DEFAULT_MAX_TOKENS);
    expect(out).not.toHaveProperty('reasoning_effort');
  });

  it('sends no thinking for reasoning_effort none', () => {
    expect(body({ reasoning_effort: 'none' })).not.toHaveProperty('thinking');
  });

  it('keeps max_tokens above the budget: a smaller limit is for the answer, the budget comes on top', () => {
    expect(body({ reasoning_effort: 'high', max_tokens: 1000 }).max_tokens).toBe(5096);
    expect(body({ reasoning_effort: 'low', max_completion_tokens: 8000 }).max_tokens).toBe(8000);
  });

  it('uses adaptive thinking with output_config.effort on Claude 4.6 and later', () => {
    const out = body({ model: OPUS_47, reasoning_effort: 'medium' });
    expect(out.thinking).toEqual({ type: 'adaptive' });
    expect(out.output_config).toEqual({ effort: 'medium' });
    expect(body({ model: 'claude-sonnet-4-6', reasoning_effort: 'minimal' }).output_config).toEqual({ effort: 'low' });
  });

  it('passes thinking given directly through, ahead of reasoning_effort', () => {
    const out = body({ thinking: { type: 'enabled', budget_tokens: 3000 }, reasoning_effort: 'high' });
    expect(out.thinking).toEqual({ type: 'enabled', budget_tokens: 3000 });
    expect(out.max_tokens).toBe(3000 + DEFAULT_MAX_TOKENS);
    expect(body({ thinking: { type: 'enabled', budget_tokens: 3000 }, max_tokens: 2000 }).max_tokens).toBe(2000);
  });
});
