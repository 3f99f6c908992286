// A non-streamed Anthropic message → an OpenAI chat.completion.
import type { AssistantMessage, ChatCompletion, ThinkingBlock, ToolCall } from '../../openai/types.ts';
import { finishReason } from './stop-reason.ts';
import { JSON_TOOL_NAME } from './tools.ts';
import type { AnthropicResponse } from './types.ts';
import { toUsage } from './usage.ts';

export function toChatCompletion(message: AnthropicResponse, options: { jsonTool: boolean }): ChatCompletion {
  let text = '';
  let toolCalls: ToolCall[] = [];
  const thinkingBlocks: ThinkingBlock[] = [];
  for (const block of message.content ?? []) {
    if (block.type === 'text') text += String(block['text'] ?? '');
    else if (block.type === 'tool_use') {
      toolCalls.push({ id: String(block['id']), type: 'function', function: { name: String(block['name']), arguments: JSON.stringify(block['input'] ?? {}) } });
    } else if (block.type === 'thinking') {
      thinkingBlocks.push({ type: 'thinking', thinking: String(block['thinking'] ?? ''), signature: String(block['signature'] ?? '') });
    } else if (block.type === 'redacted_thinking') {
      thinkingBlocks.push({ type: 'redacted_thinking', data: String(block['data'] ?? '') });
    }
    // Server tool blocks (web search calls and results) have no OpenAI counterpart; their findings are in the text.
  }

  let finish = finishReason(message.stop_reason);
  const jsonAnswer = options.jsonTool ? toolCalls.find((call) => call.function.name === JSON_TOOL_NAME) : undefined;
  if (jsonAnswer) {
    // response_format served by the JSON tool: its input is the answer, any preamble is dropped.
    text = jsonAnswer.function.arguments;
    toolCalls = toolCalls.filter((call) => call !== jsonAnswer);
    if (finish === 'tool_calls' && !toolCalls.length) finish = 'stop';
  }

  const assistant: AssistantMessage = { role: 'assistant', content: text || null };
  if (toolCalls.length) assistant.tool_calls = toolCalls;
  if (thinkingBlocks.length) {
    assistant.reasoning_content = thinkingBlocks.map((b) => (b.type === 'thinking' ? b.thinking : '')).join('');
    assistant.thinking_blocks = thinkingBlocks;
  }
  return {
    id: message.id,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: message.model,
    choices: [{ index: 0, message: assistant, finish_reason: finish }],
    usage: toUsage(message.usage),
  };
}
