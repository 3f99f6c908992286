// An OpenAI chat.completion → an Anthropic message: thinking blocks first, then the text, then one
// tool_use block per tool call, as Claude orders them.
import type { ChatCompletion } from '../openai/types.ts';
import { stopReason } from '../providers/anthropic/internal/stop-reason.ts';
import { toAnthropicThinking } from '../providers/anthropic/internal/thinking.ts';
import type { AnthropicContentBlock, AnthropicResponse } from '../providers/anthropic/internal/types.ts';
import { toAnthropicUsage } from '../providers/anthropic/internal/usage.ts';
import { toolInput } from './tool-input.ts';

export function toAnthropicMessage(completion: ChatCompletion, model: string): AnthropicResponse {
  const choice = completion.choices[0];
  const message = choice?.message;
  const content: AnthropicContentBlock[] = [];
  for (const block of message?.thinking_blocks ?? []) content.push(toAnthropicThinking(block));
  if (!message?.thinking_blocks?.length && message?.reasoning_content) content.push({ type: 'thinking', thinking: message.reasoning_content, signature: '' });
  if (message?.content) content.push({ type: 'text', text: message.content });
  for (const call of message?.tool_calls ?? []) {
    content.push({ type: 'tool_use', id: call.id, name: call.function.name, input: toolInput(call.function.arguments) });
  }
  return {
    id: completion.id,
    type: 'message',
    role: 'assistant',
    model,
    content,
    stop_reason: stopReason(choice?.finish_reason),
    stop_sequence: null,
    usage: toAnthropicUsage(completion.usage),
  };
}
