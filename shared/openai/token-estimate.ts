// The gateway's one token estimator, with no tokenizer: about four characters a token. Used wherever
// no provider has reported a count (yet): the router's context-window fit, reservations, the mock's
// usage, embeddings of models that report none, a stream cut short, usage that cannot be true.
import type { ChatCompletion, ChatCompletionChunk, ChatMessage, Usage } from './types.ts';

export const CHARS_PER_TOKEN = 4;
/** What a message adds beyond its text (role, separators), in a prompt's estimate. */
const TOKENS_PER_MESSAGE = 4;

export function estimateTextTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

/** Tokens of any JSON value from its serialized length (keys and punctuation included): errs high. */
export function estimateJsonTokens(value: unknown): number {
  return Math.max(1, estimateTextTokens(JSON.stringify(value ?? '')));
}

/** A prompt's text and tool calls, plus a few tokens a message: to skip deployments whose context it would not fit. */
export function estimatePromptTokens(messages: ChatMessage[]): number {
  let chars = 0;
  for (const message of messages) {
    if (typeof message.content === 'string') chars += message.content.length;
    else for (const part of message.content ?? []) if ('text' in part && typeof part.text === 'string') chars += part.text.length;
    for (const call of message.tool_calls ?? []) chars += call.function.name.length + call.function.arguments.length;
  }
  return Math.ceil(chars / CHARS_PER_TOKEN) + TOKENS_PER_MESSAGE * messages.length;
}

/** Usage from what was sent (messages, or any JSON holding them) and the text that came back: errs high. */
export function estimateUsage(sent: unknown, completionText: string): Usage {
  const prompt_tokens = estimateJsonTokens(sent);
  const completion_tokens = estimateTextTokens(completionText);
  return { prompt_tokens, completion_tokens, total_tokens: prompt_tokens + completion_tokens };
}

/** Everything a completion's choices say: text, reasoning and tool-call arguments. */
export function completionText(completion: ChatCompletion): string {
  return completion.choices
    .map((choice) => {
      const message = choice.message;
      return (message.content ?? '') + (message.reasoning_content ?? '') + (message.tool_calls ?? []).map((call) => call.function.arguments).join('');
    })
    .join('');
}

/** Everything a stream chunk adds to the answer: text, reasoning and tool-call arguments. */
export function chunkText(chunk: ChatCompletionChunk): string {
  return chunk.choices.map(({ delta }) => (delta.content ?? '') + (delta.reasoning_content ?? '') + (delta.tool_calls ?? []).map((call) => call.function?.arguments ?? '').join('')).join('');
}
