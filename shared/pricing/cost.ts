// The provider's cost of one request from its reported usage. Cached reads and cache writes are
// priced once each, at their own rates, and never also as plain input (a LiteLLM bug to avoid).
// Reasoning, audio and image tokens are priced at their own rates where the model has them (else as
// text). A prompt past a size the model prices apart (`*_above_200k_tokens`) prices the whole call at
// those rates, as LiteLLM does. Units other than tokens (images, seconds, characters, searches) add
// their own rates.
import type { Usage } from '../openai/types.ts';
import type { ModelPrice } from './types.ts';
import { unitCost, type UnitUsage } from './units.ts';
import { usd } from './usd.ts';

export function providerCost(usage: Usage, price: ModelPrice, units?: UnitUsage): number {
  const rates = ratesFor(price, usage.prompt_tokens);
  const cacheRead = usage.prompt_tokens_details?.cached_tokens ?? usage.cache_read_input_tokens ?? 0;
  const cacheWrite = usage.cache_creation_input_tokens ?? 0;
  const audioIn = pricedApart(usage.prompt_tokens_details?.['audio_tokens'], rates.input_cost_per_audio_token);
  const imageIn = pricedApart(usage.prompt_tokens_details?.['image_tokens'], rates.input_cost_per_image_token);
  const plainInput = Math.max(0, usage.prompt_tokens - cacheRead - cacheWrite - audioIn - imageIn);
  const reasoning = pricedApart(usage.completion_tokens_details?.reasoning_tokens, rates.output_cost_per_reasoning_token);
  const audioOut = pricedApart(usage.completion_tokens_details?.['audio_tokens'], rates.output_cost_per_audio_token);
  const imageOut = pricedApart(usage.completion_tokens_details?.['image_tokens'], rates.output_cost_per_image_token);
  const plainOutput = Math.max(0, (usage.completion_tokens ?? 0) - reasoning - audioOut - imageOut);
  const cost =
    plainInput * rates.input_cost_per_token +
    cacheRead * (rates.cache_read_input_token_cost ?? rates.input_cost_per_token) +
    cacheWrite * (rates.cache_creation_input_token_cost ?? rates.input_cost_per_token) +
    audioIn * (rates.input_cost_per_audio_token ?? 0) +
    imageIn * (rates.input_cost_per_image_token ?? 0) +
    plainOutput * rates.output_cost_per_token +
    reasoning * (rates.output_cost_per_reasoning_token ?? 0) +
    audioOut * (rates.output_cost_per_audio_token ?? 0) +
    imageOut * (rates.output_cost_per_image_token ?? 0) +
    unitCost(units, price);
  return usd(cost);
}

/** Tokens of a kind the model prices apart: none when it has no rate for them (they are priced as text). */
function pricedApart(tokens: unknown, rate: number | undefined): number {
  return rate === undefined || typeof tokens !== 'number' ? 0 : tokens;
}

const ABOVE = /_above_(\d+)k_tokens$/;
const TIERED = ['input_cost_per_token', 'output_cost_per_token', 'cache_read_input_token_cost', 'cache_creation_input_token_cost', 'output_cost_per_reasoning_token'] as const;

/** The rates for a prompt of `promptTokens`: the highest `_above_<N>k_tokens` tier it passes, else the base ones. */
export function ratesFor(price: ModelPrice, promptTokens: number): ModelPrice {
  let tier = 0;
  for (const field of Object.keys(price)) {
    const thousands = Number(ABOVE.exec(field)?.[1] ?? 0);
    if (thousands > tier && promptTokens > thousands * 1000) tier = thousands;
  }
  if (!tier) return price;
  const rates: ModelPrice = { ...price };
  for (const field of TIERED) {
    const above = price[`${field}_above_${tier}k_tokens`];
    if (above !== undefined) rates[field] = above;
  }
  return rates;
}
