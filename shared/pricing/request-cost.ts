// Prices a request once its usage is known and says so in LiteLLM's headers.
import type { RequestContext } from '../core/types.ts';
import type { Pricer } from './pricer.ts';
import type { RequestCost } from './types.ts';

export function settleCost(ctx: RequestContext, pricer: Pricer): RequestCost | undefined {
  if (!ctx.usage || !ctx.deployment) return undefined;
  ctx.cost = pricer.costOf(ctx.deployment, ctx.usage);
  return ctx.cost;
}

/** Non-streamed answers only: a stream's headers leave before its cost is known (it rides in the usage chunk). */
export function costHeaders(cost: RequestCost | undefined): Record<string, string> {
  if (!cost) return {};
  const value = String(cost.charged);
  return { 'x-tollgate-response-cost': value, 'x-litellm-response-cost': value };
}
