// Prices a model call once its usage is known. Usage an upstream
// reports is believed only if it can be true for the request (usage-check.ts); otherwise, and when
// none came, the request is charged an estimate from what was sent and received, never more than
// was reserved for it. Units other than tokens (./units.ts) are believed up to what the request could
// use; past that they are charged at that most and the answer is refused like impossible usage.
import { GatewayError } from '../core/errors.ts';
import type { RequestContext } from '../core/types.ts';
import type { Usage } from '../openai/types.ts';
import type { CallRecord } from './call-record.ts';
import type { Pricer } from './pricer.ts';
import type { RequestCost } from './types.ts';
import { usageFault } from './usage-check.ts';
import { possibleUsage, reservedUsage, type RequestSize } from './usage-ceiling.ts';
import { unitFault, type UnitUsage } from './units.ts';

/**
 * Records the call's usage and cost: `reported` if it can be true, else `estimate()` (no usage came:
 * a stream cut short). Impossible usage is recorded as the estimate too, and then thrown as the
 * upstream's error: an answer with it is not passed on as sound.
 */
export function recordUsage(
  ctx: RequestContext,
  record: CallRecord,
  pricer: Pricer,
  size: RequestSize,
  reported: Usage | undefined,
  estimate: () => Usage,
  units?: UnitUsage,
): RequestCost | undefined {
  // A cached answer's usage was checked when it was stored; it costs what the cache says, not what it reports.
  if (record.cacheHit) {
    record.usage = reported ?? estimate();
    if (units) record.units = units;
    record.cost = record.cacheHit.cost;
    return record.cost;
  }
  const deployment = record.deployment;
  if (!deployment) return undefined;
  const price = pricer.priceOf(deployment, size.priceVariant);
  const unitsFault = units && unitFault(units, size.units);
  if (units) record.units = unitsFault ? size.units : units;
  const fault = (reported && usageFault(reported, possibleUsage(size, deployment, price))) || unitsFault;
  if (reported && !fault) {
    record.usage = { ...reported, total_tokens: reported.prompt_tokens + reported.completion_tokens };
  } else {
    const reserved = reservedUsage(size, deployment, price);
    const guess = estimate();
    const prompt = Math.min(guess.prompt_tokens, reserved.promptTokens);
    const completion = Math.min(guess.completion_tokens, reserved.completionTokens);
    record.usage = { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
    record.usageEstimated = true;
  }
  record.cost = pricer.costOf(deployment, record.usage, record.units, size.priceVariant);
  if (fault) {
    ctx.log.warn('upstream reported impossible usage; charged an estimate', { requestId: ctx.requestId, deployment: deployment.id, fault });
    throw new GatewayError(
      'upstream_error',
      `The provider (${deployment.provider}) reported usage that cannot be true for this request: ${fault}. Its answer is not passed on; the request was charged an estimate from what was sent and received.`,
    );
  }
  return record.cost;
}
