// Converse usage → OpenAI usage. It has the same parts as Anthropic's (input excluding cache reads
// and writes, output, cache reads, cache writes), so it is reported in the same LiteLLM shape.
import type { Usage } from '../../openai/types.ts';
import { toUsage as fromAnthropicUsage } from '../anthropic/internal/usage.ts';
import type { ConverseUsage } from './answer-schema.ts';

export function toUsage(usage: ConverseUsage | null | undefined): Usage {
  return fromAnthropicUsage({
    input_tokens: usage?.inputTokens,
    output_tokens: usage?.outputTokens,
    cache_read_input_tokens: usage?.cacheReadInputTokens,
    cache_creation_input_tokens: usage?.cacheWriteInputTokens,
  });
}
