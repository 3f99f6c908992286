// Anthropic usage → OpenAI usage, in LiteLLM's shape: cache reads and writes count as prompt tokens
// (Anthropic's input_tokens excludes both) and are also reported on their own.
import type { Usage } from '../../openai/types.ts';
import { tokenCount } from '../token-count.ts';
import type { AnthropicUsage } from './types.ts';

export function toUsage(usage: AnthropicUsage | undefined): Usage {
  const input = tokenCount(usage?.input_tokens);
  const cacheRead = tokenCount(usage?.cache_read_input_tokens);
  const cacheCreation = tokenCount(usage?.cache_creation_input_tokens);
  const completion = tokenCount(usage?.output_tokens);
  const prompt = input + cacheRead + cacheCreation;
  const result: Usage = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: cacheRead },
    cache_creation_input_tokens: cacheCreation,
    cache_read_input_tokens: cacheRead,
  };
  const thinking = usage?.output_tokens_details?.thinking_tokens;
  if (typeof thinking === 'number') result.completion_tokens_details = { reasoning_tokens: thinking };
  return result;
}

/** Streams report usage piecewise (message_start, then cumulative message_delta counts): later non-null values win. */
export function mergeUsage(into: AnthropicUsage, update: AnthropicUsage | undefined): void {
  if (!update) return;
  for (const [key, value] of Object.entries(update)) if (value !== null && value !== undefined) into[key] = value;
}
