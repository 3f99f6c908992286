// Anthropic message → OpenAI chat.completion, from the documented response shapes.
import { describe, expect, it } from 'vitest';
import type { MessageAnswer } from '../../../shared/providers/anthropic/answer-schema.ts';
import { finishReason } from '../../../shared/providers/anthropic/internal/stop-reason.ts';
import { toUsage } from '../../../shared/providers/anthropic/internal/usage.ts';
import { toChatCompletion } from '../../../shared/providers/anthropic/response.ts';
import { fixtureJson } from './support.ts';

const completion = (name: string, jsonTool = false) => toChatCompletion(fixtureJson<MessageAnswer>(name), { jsonTool });

describe('toChatCompletion', () => {
  it('maps text, id, model, finish_reason and cache usage', () => {
    const out = completion('message-text.json');
    expect(out).toMatchObject({
      id: 'msg_013Zva2CMHLNnXjNJJKqJ2EF',
      object: 'chat.completion',
      model: 'claude-sonnet-4-5-20250929',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hi! My name is Claude.' }, finish_reason: 'stop' }],
    });
    expect(out.created).toBeGreaterThan(1_700_000_000);
    expect(out.usage).toEqual({
      prompt_tokens: 21 + 1600 + 188,
      completion_tokens: 12,
      total_tokens: 21 + 1600 + 188 + 12,
      prompt_tokens_details: { cached_tokens: 1600 },
      cache_creation_input_tokens: 188,
      cache_read_input_tokens: 1600,
    });
  });

  it('maps tool_use to tool_calls with JSON-string arguments', () => {
    const out = completion('message-tool-use.json');
    expect(out.choices[0]).toEqual({
      index: 0,
      finish_reason: 'tool_calls',
      message: {
        role: 'assistant',
        content: "I'll check the current weather in San Francisco for you.",
        tool_calls: [{ id: 'toolu_01A09q90qw90lq917835lq9', type: 'function', function: { name: 'get_weather', arguments: '{"location":"San Francisco, CA","unit":"celsius"}' } }],
      },
    });
  });

  it('maps thinking to reasoning_content and thinking_blocks with signatures', () => {
    const out = completion('message-thinking.json');
    const message = out.choices[0]!.message;
    expect(message.content).toBe('27 * 453 = 12,231.');
    expect(message.reasoning_content).toBe('Let me analyze this step by step. 27 * 453: 27 * 400 = 10800, 27 * 53 = 1431, so 12231.');
    expect(message.thinking_blocks).toEqual([
      { type: 'thinking', thinking: message.reasoning_content, signature: 'WaUjzkypQ2mUEVM36O2TxuC06KN8xyfbJwyem2dw3URve/op91XWHOEBLLqIOMfFG/UvLEczmEsUjavL==' },
      { type: 'redacted_thinking', data: expect.stringMatching(/^EmwKAhgB/) },
    ]);
    expect(out.usage?.completion_tokens_details).toEqual({ reasoning_tokens: 180 });
  });

  it('returns the json_tool_call input as content when response_format used the JSON tool', () => {
    const out = completion('message-json-tool.json', true);
    expect(out.choices[0]).toEqual({
      index: 0,
      finish_reason: 'stop',
      message: { role: 'assistant', content: '{"name":"John Smith","email":"john@example.com","demo_requested":true}' },
    });
    // Without the JSON tool in play, the same answer is an ordinary tool call.
    expect(completion('message-json-tool.json', false).choices[0]!.message.tool_calls?.[0]?.function.name).toBe('json_tool_call');
  });
});

describe('finishReason', () => {
  it.each([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['pause_turn', 'stop'],
    ['max_tokens', 'length'],
    ['model_context_window_exceeded', 'length'],
    ['tool_use', 'tool_calls'],
    ['refusal', 'content_filter'],
    [null, 'stop'],
    ['something_new', 'stop'],
  ] as const)('maps %s to %s', (reason, expected) => {
    expect(finishReason(reason)).toBe(expected);
  });
});

describe('toUsage', () => {
  it('treats missing and null counts as zero', () => {
    expect(toUsage({ input_tokens: 10, output_tokens: 3, cache_read_input_tokens: null })).toEqual({
      prompt_tokens: 10,
      completion_tokens: 3,
      total_tokens: 13,
      prompt_tokens_details: { cached_tokens: 0 },
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
    });
  });
});
