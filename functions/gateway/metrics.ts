// CloudWatch metrics in Embedded Metric Format (Powertools), one set per request, after the response:
// requests, errors by status class, latencies, tokens (or images, audio seconds, characters, search
// units), cost and the response cache's hits. Dimensions stay low-cardinality (model, provider): key
// aliases are in the spend ledger, where any number of them costs nothing.
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import type { AfterResponseHook } from '../../shared/core/types.ts';
import { callRecordOf } from '../../shared/pricing/call-record.ts';
import type { UnitUsage } from '../../shared/pricing/units.ts';

/** Calls priced in other units count them too. */
const UNIT_METRICS: Array<[keyof UnitUsage, string]> = [
  ['images', 'Images'],
  ['seconds', 'AudioSeconds'],
  ['characters', 'Characters'],
  ['searches', 'SearchUnits'],
];

/** The model dimension of requests for a name the config does not serve. */
const NOT_SERVED = '(not served)';

/**
 * `servedModels` bounds the model dimension: every distinct value is a billed CloudWatch metric, so a
 * name a client made up (a typo, or a fresh one per request) is counted under NOT_SERVED.
 */
export function requestMetrics(metrics: Metrics, servedModels: ReadonlySet<string>): AfterResponseHook {
  return (ctx) => {
    const call = callRecordOf(ctx);
    if (!call) return;
    const status = ctx.error?.status ?? ctx.status ?? 200;
    const model = servedModels.has(call.requestedModel) ? call.requestedModel : NOT_SERVED;
    metrics.addDimensions({ model, provider: call.deployment?.provider ?? 'none' });
    metrics.addMetric('Requests', MetricUnit.Count, 1);
    metrics.addMetric('Errors4xx', MetricUnit.Count, status >= 400 && status < 500 ? 1 : 0);
    metrics.addMetric('Errors5xx', MetricUnit.Count, status >= 500 ? 1 : 0);
    const { start, upstreamStart, firstByte, end } = ctx.timings;
    if (end !== undefined) metrics.addMetric('Latency', MetricUnit.Milliseconds, end - start);
    if (end !== undefined && upstreamStart !== undefined) metrics.addMetric('UpstreamLatency', MetricUnit.Milliseconds, end - upstreamStart);
    if (upstreamStart !== undefined && firstByte !== undefined) {
      metrics.addMetric('TimeToFirstByte', MetricUnit.Milliseconds, firstByte - start);
      // Gateway work before the upstream call: auth, parsing, routing (and later, budget checks).
      metrics.addMetric('GatewayOverhead', MetricUnit.Milliseconds, upstreamStart - start);
    }
    if (call.usage) {
      metrics.addMetric('InputTokens', MetricUnit.Count, call.usage.prompt_tokens);
      metrics.addMetric('OutputTokens', MetricUnit.Count, call.usage.completion_tokens);
    }
    for (const [unit, name] of UNIT_METRICS) {
      const count = call.units?.[unit];
      if (count !== undefined) metrics.addMetric(name, unit === 'seconds' ? MetricUnit.Seconds : MetricUnit.Count, count);
    }
    // USD charged (margin included); CloudWatch has no currency unit.
    if (call.cost) metrics.addMetric('Cost', MetricUnit.NoUnit, call.cost.charged);
    // Requests the response cache looked up: answered from it or not, and what its answers saved (USD).
    if (call.cacheKey !== undefined) {
      metrics.addMetric('CacheHits', MetricUnit.Count, call.cacheHit ? 1 : 0);
      metrics.addMetric('CacheMisses', MetricUnit.Count, call.cacheHit ? 0 : 1);
    }
    if (call.cacheHit) metrics.addMetric('CacheSavings', MetricUnit.NoUnit, call.cacheHit.saved - call.cacheHit.cost.charged);
    metrics.publishStoredMetrics();
    // Which guardrail acted and how: one record each, by the configured name (bounded), mode and action.
    for (const outcome of call.guardrails ?? []) {
      const single = metrics.singleMetric();
      single.addDimensions({ guardrail: outcome.guardrail_name, mode: outcome.guardrail_mode, action: outcome.action });
      single.addMetric('GuardrailChecks', MetricUnit.Count, 1);
    }
  };
}
