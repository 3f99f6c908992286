// The most a request can cost before it is sent: what it can use at most (shared/pricing/usage-ceiling.ts)
// at the prices of the dearest deployment it may land on (every deployment of its model group and of
// every fallback group), margin included, with the most of any other unit it is priced in (images,
// seconds, characters, searches). This is what a budget reserves; settling replaces it with
// the real cost.
import type { Deployment, RouterSettings } from '../config/types.ts';
import type { Usage } from '../openai/types.ts';
import type { Pricer } from '../pricing/pricer.ts';
import { reservedUsage } from '../pricing/usage-ceiling.ts';
import { usd } from '../pricing/usd.ts';
import { fallbackCandidates } from '../router/fallbacks.ts';
import type { ModelGroups } from '../router/model-groups.ts';
import type { ModelCall } from './tracker.ts';

export function worstCaseCost(groups: ModelGroups, settings: RouterSettings, pricer: Pricer): (call: ModelCall) => number {
  const candidates = (call: ModelCall): Deployment[] =>
    [call.model, ...fallbackCandidates(call.model, settings, call.routing)].filter((group) => groups.has(group)).flatMap((group) => groups.deploymentsOf(group));
  return (call) => {
    let worst = 0;
    for (const deployment of candidates(call)) {
      const price = pricer.priceOf(deployment, call.size.priceVariant);
      const ceiling = reservedUsage(call.size, deployment, price);
      const usage: Usage = { prompt_tokens: ceiling.promptTokens, completion_tokens: ceiling.completionTokens, total_tokens: ceiling.promptTokens + ceiling.completionTokens };
      // Every prompt token may be a cache write, which some models price above plain input.
      if ((price?.cache_creation_input_token_cost ?? 0) > (price?.input_cost_per_token ?? 0)) usage.cache_creation_input_tokens = ceiling.promptTokens;
      worst = Math.max(worst, pricer.costOf(deployment, usage, call.size.units, call.size.priceVariant).charged);
    }
    return usd(worst);
  };
}
