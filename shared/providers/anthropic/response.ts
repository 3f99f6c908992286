// A non-streamed Anthropic message → an OpenAI chat.completion.
import { createdNow } from '../../openai/completion-id.ts';
import type { ChatCompletion, ThinkingBlock, ToolCall } from '../../openai/types.ts';
import { contentBlocks, type MessageAnswer } from './answer-schema.ts';
import { assistantAnswer, toolCall } from './internal/assistant-answer.ts';
import { toUsage } from './internal/usage.ts';

export function toChatCompletion(message: MessageAnswer, options: { jsonTool: boolean }): ChatCompletion {
  let text = '';
  const toolCalls: ToolCall[] = [];
  const thinkingBlocks: ThinkingBlock[] = [];
  for (const block of message.content) {
    // Server tool blocks (web search calls and results) have no OpenAI counterpart; their findings are in the text.
    if (!contentBlocks.isListed(block)) continue;
    if (block.type === 'text') text += block.text;
    else if (block.type === 'tool_use') toolCalls.push(toolCall(block.id, block.name, block.input));
    else if (block.type === 'thinking') thinkingBlocks.push({ type: 'thinking', thinking: block.thinking, signature: block.signature ?? '' });
    else thinkingBlocks.push({ type: 'redacted_thinking', data: block.data });
  }

  const { message: assistant, finish } = assistantAnswer({ text, toolCalls, thinkingBlocks, stopReason: message.stop_reason, jsonTool: options.jsonTool });
  return {
    id: message.id,
    object: 'chat.completion',
    created: createdNow(),
    model: message.model,
    choices: [{ index: 0, message: assistant, finish_reason: finish }],
    usage: toUsage(message.usage),
  };
}
