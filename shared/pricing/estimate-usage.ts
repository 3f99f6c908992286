// Token counts when no provider reported them: about four characters a token. Used by the mock
// provider, and to price a stream cut short before its usage arrived, from what was sent so far.
import type { ChatMessage, Usage } from '../openai/types.ts';

const CHARS_PER_TOKEN = 4;

export function estimateUsage(messages: ChatMessage[], completionText: string): Usage {
  const prompt_tokens = Math.max(1, Math.ceil(JSON.stringify(messages).length / CHARS_PER_TOKEN));
  const completion_tokens = Math.ceil(completionText.length / CHARS_PER_TOKEN);
  return { prompt_tokens, completion_tokens, total_tokens: prompt_tokens + completion_tokens };
}
