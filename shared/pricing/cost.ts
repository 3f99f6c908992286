// The provider's cost of one request from its reported usage. Cached reads and cache writes are
// priced once each, at their own rates, and never also as plain input (a LiteLLM bug to avoid).
// Units other than tokens (images, seconds, characters, searches) add their own rates.
import type { Usage } from '../openai/types.ts';
import type { ModelPrice } from './types.ts';
import { unitCost, type UnitUsage } from './units.ts';
import { usd } from './usd.ts';

export function providerCost(usage: Usage, price: ModelPrice, units?: UnitUsage): number {
  const cacheRead = usage.prompt_tokens_details?.cached_tokens ?? usage.cache_read_input_tokens ?? 0;
  const cacheWrite = usage.cache_creation_input_tokens ?? 0;
  const plainInput = Math.max(0, usage.prompt_tokens - cacheRead - cacheWrite);
  const cost =
    plainInput * price.input_cost_per_token +
    cacheRead * (price.cache_read_input_token_cost ?? price.input_cost_per_token) +
    cacheWrite * (price.cache_creation_input_token_cost ?? price.input_cost_per_token) +
    (usage.completion_tokens ?? 0) * price.output_cost_per_token +
    unitCost(units, price);
  return usd(cost);
}
