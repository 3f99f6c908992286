// Gemini's usageMetadata → OpenAI usage, as LiteLLM reports it: thinking tokens count as completion
// tokens and are also reported as reasoning_tokens; cached prompt tokens are part of the prompt and
// reported as cached_tokens; tool-use prompt tokens (search grounding...) are prompt tokens.
import type { Usage } from '../../openai/types.ts';
import { tokenCount } from '../token-count.ts';
import type { UsageMetadata } from './answer-schema.ts';

export function toUsage(metadata: UsageMetadata | null | undefined): Usage {
  const prompt = tokenCount(metadata?.promptTokenCount) + tokenCount(metadata?.toolUsePromptTokenCount);
  const thoughts = tokenCount(metadata?.thoughtsTokenCount);
  const completion = tokenCount(metadata?.candidatesTokenCount) + thoughts;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: tokenCount(metadata?.cachedContentTokenCount) },
    completion_tokens_details: { reasoning_tokens: thoughts },
  };
}
