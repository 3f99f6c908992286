// A prompt's size in tokens, estimated without a tokenizer (about four characters a token, plus a few
// per message), to skip deployments whose `model_info.max_input_tokens` it would not fit.
import { CHARS_PER_TOKEN } from '../openai/token-estimate.ts';
import type { ChatMessage } from '../openai/types.ts';

const TOKENS_PER_MESSAGE = 4;

export function estimatePromptTokens(messages: ChatMessage[]): number {
  let chars = 0;
  for (const message of messages) {
    if (typeof message.content === 'string') chars += message.content.length;
    else for (const part of message.content ?? []) if ('text' in part && typeof part.text === 'string') chars += part.text.length;
    for (const call of message.tool_calls ?? []) chars += call.function.name.length + call.function.arguments.length;
  }
  return Math.ceil(chars / CHARS_PER_TOKEN) + TOKENS_PER_MESSAGE * messages.length;
}
