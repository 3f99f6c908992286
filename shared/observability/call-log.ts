// What every exporter is told about one finished model call, built once after the response from the
// request's context and its call record: the ledger's fields (what the spend log holds), plus what
// traces and metrics want beyond them (each attempt, sampling parameters, finish reasons, budgets),
// plus the prompt and the answer only while message logging is on. Never a raw key or credential:
// keys appear as the ledger names them (their SHA-256), and not at all with redact_user_api_key_info.
import type { ObservabilitySettings } from '../config/callbacks.ts';
import { ERROR_KINDS } from '../core/errors.ts';
import type { RequestContext, Timings } from '../core/types.ts';
import { virtualKeyOf } from '../keys/identity.ts';
import type { CallRecord } from '../pricing/call-record.ts';
import { spendLog } from '../spend/tracker.ts';
import type { SpendLog } from '../store/ledger.ts';

export interface CallLog {
  /** The ledger's record of the call (redacted as configured). */
  readonly ledger: SpendLog;
  readonly ok: boolean;
  /** The HTTP status the client got. */
  readonly status: number;
  readonly error?: { kind: string; type: string; status: number; message?: string };
  readonly timings: Readonly<Timings> & { end: number };
  readonly stream: boolean;
  /** The requested model group, and whether this gateway serves it (bounds metric labels). */
  readonly requestedModel: string;
  readonly apiBase?: string;
  readonly attempts: ReadonlyArray<{ deploymentId: string; modelGroup: string; provider: string; model: string; start: number; end: number; error?: { kind: string; status: number } }>;
  readonly retries: number;
  readonly fallbacks: number;
  /** The sampling parameters the client sent (temperature, top_p, max_tokens, ...). */
  readonly params: Readonly<Record<string, unknown>>;
  readonly finishReasons: readonly string[];
  readonly traceContext: CallRecord['traceContext'];
  /** The caller beyond the ledger's fields; empty when redacted. */
  readonly caller: { teamAlias?: string; keyBudget?: Budget; teamBudget?: Budget };
  /** Langfuse-style request metadata: `metadata.session_id`, `tags`, `trace_id`, ... */
  readonly metadata: Readonly<Record<string, unknown>>;
  /** Only with message logging on. */
  readonly messages?: unknown;
  readonly output?: string;
  /** About how much memory the messages and the output hold: what export queues are bounded by. */
  readonly bytes: number;
}

export interface Budget {
  max: number;
  /** Spent, this request included (as the instance knows it). */
  spent: number;
}

/** Parameters that shape sampling, as OpenAI and Anthropic name them. */
const SAMPLING_PARAMS = ['temperature', 'top_p', 'top_k', 'max_tokens', 'max_completion_tokens', 'frequency_penalty', 'presence_penalty', 'stop', 'stop_sequences', 'seed', 'n'];

export function callLogOf(ctx: RequestContext, record: CallRecord, settings: Pick<ObservabilitySettings, 'messageLogging' | 'redactKeyInfo'>): CallLog {
  const ledger = spendLog(ctx, { callType: record.callType, record }, record.endUser ?? null);
  const status = ctx.error?.status ?? ctx.status ?? 200;
  const error = ctx.error && { kind: ctx.error.kind, type: ERROR_KINDS[ctx.error.kind].type, status: ctx.error.status, message: settings.messageLogging ? ctx.error.message : undefined };
  const key = settings.redactKeyInfo ? undefined : virtualKeyOf(ctx.identity);
  const request = record.request;
  const metadata = typeof request['metadata'] === 'object' && request['metadata'] !== null ? (request['metadata'] as Record<string, unknown>) : {};
  const cost = record.cost?.charged ?? 0;
  const messages = settings.messageLogging ? (request['messages'] ?? request['input'] ?? request['prompt']) : undefined;
  const output = settings.messageLogging ? record.output : undefined;
  return {
    ledger: settings.redactKeyInfo ? redacted(ledger) : ledger,
    ok: !ctx.error && status < 400,
    status,
    error,
    timings: { ...ctx.timings, end: ctx.timings.end ?? Date.now() },
    stream: request['stream'] === true,
    requestedModel: record.requestedModel,
    apiBase: record.deployment?.apiBase,
    attempts: record.attempts.map((attempt) => ({
      deploymentId: attempt.deployment.id,
      modelGroup: attempt.deployment.modelName,
      provider: attempt.deployment.provider,
      model: attempt.deployment.upstreamModel,
      start: attempt.start,
      end: attempt.end ?? attempt.start,
      error: attempt.error && { kind: attempt.error.kind, status: attempt.error.status },
    })),
    retries: Number(ctx.responseHeaders['x-litellm-attempted-retries'] ?? 0),
    fallbacks: Number(ctx.responseHeaders['x-litellm-attempted-fallbacks'] ?? 0),
    params: Object.fromEntries(SAMPLING_PARAMS.filter((name) => request[name] != null).map((name) => [name, request[name]])),
    finishReasons: record.finishReasons ?? [],
    traceContext: record.traceContext,
    caller: {
      teamAlias: key?.team?.team_alias ?? undefined,
      keyBudget: key?.key.max_budget != null ? { max: key.key.max_budget, spent: key.key.spend + cost } : undefined,
      teamBudget: typeof key?.team?.['max_budget'] === 'number' ? { max: key.team['max_budget'], spent: key.team.spend + cost } : undefined,
    },
    metadata,
    messages,
    output,
    bytes: (messages === undefined ? 0 : (JSON.stringify(messages)?.length ?? 0)) + (output?.length ?? 0),
  };
}

/** The call as a request log line (S3, a generic API): the ledger's fields, and the messages and the answer when logged. */
export function requestLogRecord(call: CallLog): Record<string, unknown> {
  return { ...call.ledger, ...(call.messages !== undefined && { messages: call.messages }), ...(call.output !== undefined && { response: call.output }) };
}

/** redact_user_api_key_info: the ledger's record without who called. */
function redacted(ledger: SpendLog): SpendLog {
  return { ...ledger, api_key: null, key_alias: null, user: null, team_id: null, metadata: { cost_breakdown: ledger.metadata['cost_breakdown'] } };
}

/** The call with its logged texts (every string in the messages, and the answer) as `textsForLog` gives them. */
export async function withTextsForLog(call: CallLog, textsForLog: (texts: string[]) => Promise<string[]>): Promise<CallLog> {
  const texts: string[] = [];
  collectStrings(call.messages, texts);
  if (call.output !== undefined) texts.push(call.output);
  if (!texts.length) return call;
  const logged = await textsForLog(texts);
  let next = 0;
  const messages = replaceStrings(call.messages, () => logged[next++]!);
  return { ...call, messages, ...(call.output !== undefined && { output: logged[next] }) };
}

function collectStrings(value: unknown, into: string[]): void {
  if (typeof value === 'string') into.push(value);
  else if (Array.isArray(value)) for (const item of value) collectStrings(item, into);
  else if (value && typeof value === 'object') for (const item of Object.values(value)) collectStrings(item, into);
}

/** A copy of `value` with each string replaced by the next one given, in the order collectStrings reads them. */
function replaceStrings(value: unknown, next: () => string): unknown {
  if (typeof value === 'string') return next();
  if (Array.isArray(value)) return value.map((item) => replaceStrings(item, next));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, replaceStrings(item, next)]));
  return value;
}
