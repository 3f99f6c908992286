// The most a request can cost before it is sent: its estimated input plus `max_tokens` (else the
// model's max output, else a default) at the prices of the dearest deployment of its model group,
// margin included. This is what a budget reserves; settling replaces it with the real cost.
import type { Services } from '../services.ts';
import { usd } from '../pricing/usd.ts';

/** Output reserved when neither the request nor the price table bounds it (LiteLLM's default). */
const DEFAULT_MAX_OUTPUT_TOKENS = 16_384;

export function worstCaseCost(services: Services, model: string, inputTokens: number, maxOutputTokens: number | undefined): number {
  let worst = 0;
  for (const deployment of services.groups.has(model) ? services.groups.deploymentsOf(model) : []) {
    const output = maxOutputTokens ?? services.pricer.priceOf(deployment)?.max_output_tokens ?? DEFAULT_MAX_OUTPUT_TOKENS;
    const cost = services.pricer.costOf(deployment, { prompt_tokens: inputTokens, completion_tokens: output, total_tokens: inputTokens + output });
    worst = Math.max(worst, cost.charged);
  }
  return usd(worst);
}
