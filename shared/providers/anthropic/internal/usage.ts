// Anthropic's usage ⇄ OpenAI's, in LiteLLM's shape: cache reads and writes count as prompt tokens
// (Anthropic's input_tokens excludes both) and are also reported on their own. Bedrock's Converse
// usage has the same parts under other names, and /v1/messages answers go the other way.
import * as z from 'zod';
import type { Usage } from '../../../openai/types.ts';
import { tokenCount } from '../../token-count.ts';
import type { AnthropicUsage } from './types.ts';

const count = z.unknown().optional();

/**
 * Usage as an answer reports it. Its counts are not checked here: tokenCount reads what is not a
 * number as NaN, which the usage check refuses (the request is then charged an estimate).
 */
export const usageSchema = z.looseObject({
  input_tokens: count,
  output_tokens: count,
  cache_creation_input_tokens: count,
  cache_read_input_tokens: count,
  output_tokens_details: z.looseObject({ thinking_tokens: count }).nullish(),
});
export type ReportedUsage = z.output<typeof usageSchema>;

export function toUsage(usage: ReportedUsage | null | undefined): Usage {
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
export function mergeUsage(into: ReportedUsage, update: ReportedUsage | null | undefined): void {
  if (!update) return;
  for (const [key, value] of Object.entries(update)) if (value !== null && value !== undefined) into[key] = value;
}

/** OpenAI usage as Anthropic reports it, for /v1/messages answers: input_tokens without the cache's. */
export function toAnthropicUsage(usage: Usage | null | undefined): AnthropicUsage {
  const cacheRead = usage?.cache_read_input_tokens ?? usage?.prompt_tokens_details?.cached_tokens ?? 0;
  const cacheCreation = usage?.cache_creation_input_tokens ?? 0;
  return {
    input_tokens: Math.max(0, (usage?.prompt_tokens ?? 0) - cacheRead - cacheCreation),
    output_tokens: usage?.completion_tokens ?? 0,
    cache_creation_input_tokens: cacheCreation,
    cache_read_input_tokens: cacheRead,
  };
}
