// What the gateway learns about the model call in a request as it runs: the model asked for, each
// attempt and the deployment that answered, the usage and what it cost, how the answer ended. The
// model-call pipeline keeps it; spend records, metrics, exports and the router's statistics read it
// after the response.
import type { Deployment } from '../config/types.ts';
import { asGatewayError, type GatewayError } from '../core/errors.ts';
import type { RequestContext } from '../core/types.ts';
import type { GuardrailOutcome } from '../guardrails/request-guardrails.ts';
import type { Usage } from '../openai/types.ts';
import type { RequestCost } from './types.ts';
import type { UnitUsage } from './units.ts';

/** One try on one deployment, up to its commit point (or its failure before it). */
export interface CallAttempt {
  readonly deployment: Deployment;
  /** Epoch ms. */
  readonly start: number;
  end?: number;
  error?: GatewayError;
}

export interface CallRecord {
  /** The `model` the client asked for (the model group). */
  readonly requestedModel: string;
  /** LiteLLM's call type: acompletion, aembedding, anthropic_messages, ... */
  readonly callType: string;
  /** The JSON body as the client sent it: what exports log of the prompt and its parameters (never the access log). */
  readonly request: Readonly<Record<string, unknown>>;
  /** The W3C trace context the client sent, for exported spans to continue. */
  readonly traceContext: { readonly traceparent?: string; readonly tracestate?: string };
  endUser?: string;
  /** In order: retries and fallbacks add attempts. */
  readonly attempts: CallAttempt[];
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
  /**
   * Set when guardrails ran: the texts of the call as exporters may log them (the request as masked
   * before the upstream saw it, then masked by the `logging_only` guardrails).
   */
  textsForLog?: (texts: string[]) => Promise<string[]>;
  /** An MCP tool call (shared/mcp/tool-calls.ts): which server and tool, how long it took and how it ended, as LiteLLM's ledger names them. */
  mcpToolCall?: { mcp_server_name: string; name: string; duration_ms: number; status: 'success' | 'failure' };
  /** The answer's own id (`chatcmpl-…`, `msg_…`): LiteLLM's spend logs are looked up by it. */
  responseId?: string;
  /** The answer's text as it went out, and why it ended (`stop`, `length`, `tool_calls`, ...). */
  output?: string;
  finishReasons?: string[];
}

export interface CallStart {
  model: string;
  callType: string;
  request: Record<string, unknown>;
  headers: Record<string, string>;
}

const records = new WeakMap<RequestContext, CallRecord>();

/** Starts the record of the request's model call; the access log names the model from now on. */
export function startCallRecord(ctx: RequestContext, start: CallStart): CallRecord {
  const { traceparent, tracestate } = start.headers;
  const record: CallRecord = { requestedModel: start.model, callType: start.callType, request: start.request, traceContext: { traceparent, tracestate }, attempts: [] };
  records.set(ctx, record);
  ctx.logFields['model'] = start.model;
  return record;
}

/** Runs one attempt on `deployment`, the deployment the request is on from now on, and records how it went. */
export async function recordAttempt<T>(ctx: RequestContext, record: CallRecord, deployment: Deployment, attempt: () => Promise<T>): Promise<T> {
  record.deployment = deployment;
  ctx.logFields['deployment'] = deployment.id;
  const tried: CallAttempt = { deployment, start: Date.now() };
  record.attempts.push(tried);
  try {
    return await attempt();
  } catch (error) {
    tried.error = asGatewayError(error);
    throw error;
  } finally {
    tried.end = Date.now();
  }
}

/** The request's model call, for hooks that run after the response; undefined for other requests. */
export function callRecordOf(ctx: RequestContext): CallRecord | undefined {
  return records.get(ctx);
}
