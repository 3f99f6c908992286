// Usage when no provider reported it: the mock provider's, and a stream cut short before its usage
// arrived, priced from what was sent so far.
import { estimateJsonTokens, estimateTextTokens } from '../openai/token-estimate.ts';
import type { ChatMessage, Usage } from '../openai/types.ts';

export function estimateUsage(messages: ChatMessage[], completionText: string): Usage {
  const prompt_tokens = estimateJsonTokens(messages);
  const completion_tokens = estimateTextTokens(completionText);
  return { prompt_tokens, completion_tokens, total_tokens: prompt_tokens + completion_tokens };
}
