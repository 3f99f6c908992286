// OpenAI usage → Anthropic usage: Anthropic's input_tokens leaves out cache reads and writes, which
// it reports on their own (the inverse of shared/providers/anthropic/usage.ts).
import type { Usage } from '../openai/types.ts';
import type { AnthropicUsage } from '../providers/anthropic/types.ts';

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
