// Whether usage an upstream reported can be true: every count a whole number ≥ 0, no part larger
// than its whole, and nothing past what the request could use at all (usage-ceiling.ts). Every
// provider's usage is judged here, once it is in OpenAI's shape.
import type { Usage } from '../openai/types.ts';
import type { UsageCeiling } from './usage-ceiling.ts';

/** What is impossible about `usage`, or undefined when it can be true. */
export function usageFault(usage: Usage, possible: UsageCeiling): string | undefined {
  const cacheRead = usage.prompt_tokens_details?.cached_tokens ?? usage.cache_read_input_tokens;
  const required: Array<[string, unknown]> = [
    ['prompt_tokens', usage.prompt_tokens],
    ['completion_tokens', usage.completion_tokens],
  ];
  const optional: Array<[string, unknown]> = [
    ['cached_tokens', cacheRead],
    ['cache_creation_input_tokens', usage.cache_creation_input_tokens],
    ['reasoning_tokens', usage.completion_tokens_details?.reasoning_tokens],
  ];
  for (const [name, value] of [...required, ...optional.filter(([, value]) => value !== undefined && value !== null)]) {
    if (!(Number.isSafeInteger(value) && (value as number) >= 0)) return `${name} is ${shown(value)}, not a whole number ≥ 0`;
  }
  if (usage.prompt_tokens > possible.promptTokens) return `prompt_tokens ${usage.prompt_tokens} is more than the model's context allows this request (${possible.promptTokens})`;
  if (usage.completion_tokens > possible.completionTokens) return `completion_tokens ${usage.completion_tokens} is more than the output limits allow this request (${possible.completionTokens})`;
  if (((cacheRead as number | undefined) ?? 0) + (usage.cache_creation_input_tokens ?? 0) > usage.prompt_tokens) return 'cached and cache-write tokens add up to more than prompt_tokens';
  if ((usage.completion_tokens_details?.reasoning_tokens ?? 0) > usage.completion_tokens) return 'reasoning_tokens is more than completion_tokens';
  return undefined;
}

/** An upstream's value as text for the message: JSON, since an object may not even convert to a string ({"toString": null}). */
function shown(value: unknown): string {
  return (JSON.stringify(value) ?? String(value)).slice(0, 40);
}
