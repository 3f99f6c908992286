// Token counts both ways: chat's usage (what providers report and the meter prices) ⇄ the Responses
// API's (input/output tokens, cached and reasoning details).
import type { Usage } from '../openai/types.ts';
import type { ResponseAnswer } from '../providers/openai-compatible/answer-schema.ts';
import type { ResponseUsage } from './types.ts';

export function toResponseUsage(usage: Usage | undefined | null): ResponseUsage {
  const input = usage?.prompt_tokens ?? 0;
  const output = usage?.completion_tokens ?? 0;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: usage?.prompt_tokens_details?.cached_tokens ?? usage?.cache_read_input_tokens ?? 0 },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: usage?.completion_tokens_details?.reasoning_tokens ?? 0 },
    total_tokens: usage?.total_tokens ?? input + output,
  };
}

/** An OpenAI Responses answer's usage (or a cached response's) as chat's, for the meter; absent when the answer reported none. */
export function toChatUsage(usage: ResponseAnswer['usage'] | ResponseUsage | null): Usage | undefined {
  if (!usage) return undefined;
  return {
    prompt_tokens: usage.input_tokens,
    completion_tokens: usage.output_tokens,
    total_tokens: usage.total_tokens ?? usage.input_tokens + usage.output_tokens,
    prompt_tokens_details: { cached_tokens: usage.input_tokens_details?.cached_tokens ?? 0 },
    completion_tokens_details: { reasoning_tokens: usage.output_tokens_details?.reasoning_tokens ?? 0 },
  };
}
