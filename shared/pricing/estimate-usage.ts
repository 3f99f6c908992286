// Usage when no provider reported a believable one: the mock provider's, a stream cut short before
// its usage arrived, an upstream that reported impossible counts. Priced from what was sent and what
// was received so far.
import { estimateJsonTokens, estimateTextTokens } from '../openai/token-estimate.ts';
import type { ChatCompletion, ChatCompletionChunk, Usage } from '../openai/types.ts';

/** `sent`: the prompt as sent (messages, or any JSON holding them); `completionText`: what came back. */
export function estimateUsage(sent: unknown, completionText: string): Usage {
  const prompt_tokens = estimateJsonTokens(sent);
  const completion_tokens = estimateTextTokens(completionText);
  return { prompt_tokens, completion_tokens, total_tokens: prompt_tokens + completion_tokens };
}

/** Everything a completion's choices say: text, reasoning and tool-call arguments. */
export function completionText(completion: ChatCompletion): string {
  return completion.choices.map((choice) => {
    const message = choice.message;
    return (message.content ?? '') + (message.reasoning_content ?? '') + (message.tool_calls ?? []).map((call) => call.function.arguments).join('');
  }).join('');
}

/** Everything a stream chunk adds to the answer: text, reasoning and tool-call arguments. */
export function chunkText(chunk: ChatCompletionChunk): string {
  return chunk.choices.map(({ delta }) => (delta.content ?? '') + (delta.reasoning_content ?? '') + (delta.tool_calls ?? []).map((call) => call.function?.arguments ?? '').join('')).join('');
}
