// What the gateway learns about the model call in a request as it runs: the model asked for, the
// deployment that answered, the usage and what it cost. The model-call pipeline keeps it; spend
// records, metrics and the router's statistics read it after the response.
import type { Deployment } from '../config/types.ts';
import type { RequestContext } from '../core/types.ts';
import type { GuardrailOutcome } from '../guardrails/request-guardrails.ts';
import type { Usage } from '../openai/types.ts';
import type { RequestCost } from './types.ts';
import type { UnitUsage } from './units.ts';

export interface CallRecord {
  /** The `model` the client asked for (the model group). */
  readonly requestedModel: string;
  deployment?: Deployment;
  usage?: Usage;
  /** What a call priced in other units used of them: images, seconds, characters, searches. */
  units?: UnitUsage;
  /** Set when `usage` was estimated from what was sent (no believable usage came back). */
  usageEstimated?: boolean;
  /** What the request cost, once its usage is known. */
  cost?: RequestCost;
  /** The response cache's key for the request (`x-litellm-cache-key`), when it was looked up. */
  cacheKey?: string;
  /** Set when the answer came from the response cache: what it is charged, and what calling the model had cost (USD). */
  cacheHit?: { cost: RequestCost; saved: number };
  /** What each guardrail that ran did (shared/guardrails/), for the ledger and the metrics. */
  guardrails?: GuardrailOutcome[];
}

const records = new WeakMap<RequestContext, CallRecord>();

/** Starts the record of the request's model call; the access log names the model from now on. */
export function startCallRecord(ctx: RequestContext, requestedModel: string): CallRecord {
  const record: CallRecord = { requestedModel };
  records.set(ctx, record);
  ctx.logFields['model'] = requestedModel;
  return record;
}

/** The deployment an attempt runs on (the last attempt's, once the request is over). */
export function recordDeployment(ctx: RequestContext, record: CallRecord, deployment: Deployment): void {
  record.deployment = deployment;
  ctx.logFields['deployment'] = deployment.id;
}

/** The request's model call, for hooks that run after the response; undefined for other requests. */
export function callRecordOf(ctx: RequestContext): CallRecord | undefined {
  return records.get(ctx);
}
