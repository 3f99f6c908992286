// A non-streamed Anthropic message → an OpenAI chat.completion.
import type { ChatCompletion, ThinkingBlock, ToolCall } from '../../openai/types.ts';
import { finishReason } from './stop-reason.ts';
import { assistantAnswer } from './assistant-answer.ts';
import type { AnthropicResponse } from './types.ts';
import { toUsage } from './usage.ts';

export function toChatCompletion(message: AnthropicResponse, options: { jsonTool: boolean }): ChatCompletion {
  let text = '';
  const toolCalls: ToolCall[] = [];
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

  const { message: assistant, finish } = assistantAnswer({ text, toolCalls, thinkingBlocks, finish: finishReason(message.stop_reason), jsonTool: options.jsonTool });
  return {
    id: message.id,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: message.model,
    choices: [{ index: 0, message: assistant, finish_reason: finish }],
    usage: toUsage(message.usage),
  };
}
