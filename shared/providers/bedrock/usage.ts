// Converse usage → OpenAI usage. It has the same parts as Anthropic's (input excluding cache reads
// and writes, output, cache reads, cache writes), so it is reported in the same LiteLLM shape.
import type { TokenUsage } from '@aws-sdk/client-bedrock-runtime';
import type { Usage } from '../../openai/types.ts';
import { toUsage as fromAnthropicUsage } from '../anthropic/usage.ts';

export function toUsage(usage: TokenUsage | undefined): Usage {
  return fromAnthropicUsage({
    input_tokens: usage?.inputTokens,
    output_tokens: usage?.outputTokens,
    cache_read_input_tokens: usage?.cacheReadInputTokens,
    cache_creation_input_tokens: usage?.cacheWriteInputTokens,
  });
}
