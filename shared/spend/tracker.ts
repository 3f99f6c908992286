// Budgets, limits and the ledger around one model request. Every model route calls `admit` after the
// model-access check and before the router: it reserves the request's worst-case cost and one request
// on each account with limits (one conditional write each, in parallel), refuses with 400
// budget_exceeded or 429 rate_limit_exceeded, and arranges for after the last byte: settling to the
// real cost, the ledger record, and any budget alerts (README: "Budgets, limits and spend").
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { asGatewayError, GatewayError } from '../core/errors.ts';
import type { Log } from '../core/log.ts';
import type { RequestContext } from '../core/types.ts';
import type { Services } from '../services.ts';
import type { CustomerRecord, Fields } from '../store/records.ts';
import type { StoreLoad } from '../store/store-load.ts';
import { itemKeys } from '../store/table.ts';
import { isOutage, storeUnavailable } from '../store/unavailable.ts';
import { accountsOf, hasLimits, type Account, type Meter } from './accounts.ts';
import { budgetAlert, crossedThresholds, publishAlert, type AlertChannels, type BudgetAlert } from './alerts.ts';
import { ContendedItem, Counters } from './counters.ts';
import { Ledger, type SpendLog } from './ledger.ts';
import { counter, remaining, type Hold, type Refusal } from './meter-plan.ts';
import { BudgetCalendar, type BudgetPeriod } from './periods.ts';
import { shownUsd, usd } from '../pricing/usd.ts';
import { worstCaseCost } from './worst-case.ts';

export interface SpendOptions {
  client: DynamoDBDocumentClient;
  table: string;
  log: Log;
  alerts: AlertChannels;
  allowRequestsOnDbUnavailable: boolean;
  spendLogsRetentionMs?: number;
  /** The store's load: requests are shed here, where their calls start, while it is behind. */
  load?: StoreLoad;
  /** `litellm_settings.timezone`: where budget periods start (default UTC). */
  timeZone?: string;
  now?: () => number;
}

/** What a model route knows about its request before calling the router. */
export interface ModelCall {
  /** LiteLLM's call types: acompletion, aembedding, anthropic_messages. */
  callType: string;
  model: string;
  /** The end user (`user`), if the request names one. */
  endUser?: string;
  inputTokens: number;
  /** `max_tokens` (or `max_completion_tokens`); 0 for embeddings. */
  maxOutputTokens?: number;
  /** A request that costs nothing (count_tokens): held to rate limits and spent budgets, reserving nothing, with no ledger record. */
  free?: boolean;
}

export class SpendTracker {
  readonly ledger: Ledger;
  private readonly counters: Counters;
  private readonly calendar: BudgetCalendar;
  readonly now: () => number;

  constructor(private readonly options: SpendOptions) {
    this.calendar = new BudgetCalendar(options.timeZone);
    this.counters = new Counters(options.client, options.table, this.calendar);
    this.ledger = new Ledger(options.client, options.table, options.spendLogsRetentionMs);
    this.now = options.now ?? Date.now;
  }

  /** Throws a 503 (overloaded) instead while the store is behind (store-load.ts). */
  async admit(ctx: RequestContext, services: Services, call: ModelCall): Promise<void> {
    const leave = this.options.load?.enter();
    try {
      await this.reserve(ctx, services, call);
    } finally {
      leave?.();
    }
  }

  private async reserve(ctx: RequestContext, services: Services, call: ModelCall): Promise<void> {
    const now = this.now();
    const customer = call.endUser && services.store ? await services.store.cachedGet<CustomerRecord>(itemKeys.customer(call.endUser)) : undefined;
    const accounts = accountsOf(ctx, call.model, customer);
    const limited = accounts.filter((account) => account.meters.some((meter) => hasLimits(meter.limits)));
    const worst = limited.length && !call.free ? worstCaseCost(services, call.model, call.inputTokens, call.maxOutputTokens) : 0;
    // Accounts without limits only have their spend added afterwards.
    const holds = new Map<Account, Hold[]>(accounts.map((account) => [account, [{ meter: account.meters[0]!, worst: 0 }]]));
    let accounted = true;

    const results = await Promise.allSettled(limited.map((account) => this.counters.reserve(account, now, worst)));
    let refusal: Refusal | undefined;
    let failure: unknown;
    /** Accounts whose reservation went through, with their counters after it. */
    const reserved = new Map<Account, Fields>();
    results.forEach((result, i) => {
      const account = limited[i]!;
      if (result.status === 'rejected') failure ??= result.reason;
      else if (!result.value.ok) refusal ??= result.value.refusal;
      else {
        holds.set(account, result.value.holds);
        reserved.set(account, result.value.state);
      }
    });
    this.setRateHeaders(ctx, reserved, refusal);

    if (refusal || failure) {
      /** The error to throw, once what the other accounts reserved is set to be given back (after the response, so the refusal is quick). */
      const refusing = (error: GatewayError): GatewayError => {
        ctx.onFinish(() => this.settleAll([...reserved.keys()], holds, 0, 0, ctx));
        return error;
      };
      if (refusal) {
        const account = limited.find((a) => a.meters.includes(refusal!.meter))!;
        if (refusal.limit === 'budget') ctx.onFinish(() => this.alertBudgetReached(account, refusal!.meter, ctx, refusal!.current));
        throw refusing(refusalError(refusal, this.calendar.period(refusal.meter.limits.budgetDuration, now)));
      }
      if (failure instanceof ContendedItem) throw refusing(new GatewayError('rate_limit_exceeded', 'Too many requests changed these counters at once; retry in a second.', { retryAfter: 1, cause: failure }));
      // Only an outage may let a request through unaccounted; a refused value or a bug fails it.
      if (!isOutage(failure)) throw refusing(asGatewayError(failure));
      if (!this.options.allowRequestsOnDbUnavailable) throw refusing(storeUnavailable(failure));
      // Let through: the reservations that went through are settled with the rest below.
      this.options.log.error('DynamoDB unavailable: request let through without budget and limit checks (allow_requests_on_db_unavailable)', { requestId: ctx.requestId, error: describe(failure) });
      accounted = false;
    }

    ctx.onFinish(async () => {
      const cost = ctx.cost?.charged ?? 0;
      const tokens = ctx.usage?.total_tokens ?? 0;
      const writes = [this.settleAll(accounts, holds, cost, tokens, ctx)];
      if (!call.free) writes.push(this.ledger.write(spendLog(ctx, call, customer?.user_id ?? call.endUser ?? null)));
      for (const result of await Promise.allSettled(writes)) {
        if (result.status === 'rejected') {
          this.options.log.error('spend not recorded: DynamoDB write failed', { requestId: ctx.requestId, cost, accounted, error: describe(result.reason) });
        }
      }
    });
  }

  /** Settles every account to the real cost (in parallel), then sends the alerts its counters crossed. */
  private async settleAll(accounts: Account[], holds: Map<Account, Hold[]>, cost: number, tokens: number, ctx: RequestContext): Promise<void> {
    const settled = await Promise.all(accounts.map(async (account) => ({ account, state: await this.counters.settle(account, holds.get(account)!, cost, tokens) })));
    const alerts: BudgetAlert[] = [];
    for (const { account, state } of settled) {
      if (!state || cost <= 0) continue;
      for (const meter of account.meters) {
        const after = typeof state[counter(meter, 'spend')] === 'number' ? (state[counter(meter, 'spend')] as number) : 0;
        for (const threshold of crossedThresholds(meter, after - cost, after)) alerts.push(this.alert(account, meter, threshold, after, ctx));
        if (meter.limits.maxBudget !== undefined && after >= usd(meter.limits.maxBudget)) await this.alertBudgetReached(account, meter, ctx, after);
      }
    }
    await Promise.all(alerts.map((alert) => publishAlert(this.options.alerts, alert)));
  }

  /**
   * The 100% alert, when spend reaches the budget or the budget first refuses a request (reservations
   * keep spend from passing it): claimed once per budget period with a conditional write.
   */
  private async alertBudgetReached(account: Account, meter: Meter, ctx: RequestContext, spend: number): Promise<void> {
    const period = this.calendar.period(meter.limits.budgetDuration, this.now());
    if (!(await this.counters.claim(account, counter(meter, 'budget_alerted'), period.start))) return;
    await publishAlert(this.options.alerts, this.alert(account, meter, '100%', spend, ctx));
  }

  private alert(account: Account, meter: Meter, threshold: Parameters<typeof budgetAlert>[2], spend: number, ctx: RequestContext): BudgetAlert {
    const identity = ctx.identity?.kind === 'virtual_key' ? ctx.identity : undefined;
    const resetAt = this.calendar.period(meter.limits.budgetDuration, this.now()).resetAt;
    return budgetAlert(account, meter, threshold, spend, resetAt, { keyAlias: identity?.keyAlias ?? null, userId: identity?.userId ?? null, teamId: identity?.teamId ?? null });
  }

  /** x-ratelimit-* from the tightest rpm/tpm meter (LiteLLM's headers). */
  private setRateHeaders(ctx: RequestContext, reserved: Map<Account, Fields>, refusal: Refusal | undefined): void {
    let requests: [number, number] | undefined;
    let tokens: [number, number] | undefined;
    for (const [account, state] of reserved) {
      for (const meter of account.meters) {
        const left = remaining(meter, state);
        if (left.requests && (!requests || left.requests[0] < requests[0])) requests = left.requests;
        if (left.tokens && (!tokens || left.tokens[0] < tokens[0])) tokens = left.tokens;
      }
    }
    if (refusal?.limit === 'rpm') requests = [0, refusal.max];
    if (refusal?.limit === 'tpm') tokens = [0, refusal.max];
    if (requests) Object.assign(ctx.responseHeaders, { 'x-ratelimit-remaining-requests': String(requests[0]), 'x-ratelimit-limit-requests': String(requests[1]) });
    if (tokens) Object.assign(ctx.responseHeaders, { 'x-ratelimit-remaining-tokens': String(tokens[0]), 'x-ratelimit-limit-tokens': String(tokens[1]) });
  }
}

const LIMIT_NAMES = { rpm: 'rpm_limit (requests per minute)', tpm: 'tpm_limit (tokens per minute)', parallel: 'max_parallel_requests (requests in flight)' } as const;

function refusalError(refusal: Refusal, period: BudgetPeriod): GatewayError {
  const { meter, limit, current, max } = refusal;
  if (limit === 'budget') {
    const resets = period.resetAt ? ` It resets at ${period.resetAt} (budget_duration ${meter.limits.budgetDuration}).` : '';
    return new GatewayError('budget_exceeded', `ExceededBudget: ${meter.label} over budget. Spend=${shownUsd(current)} (including requests in flight), Budget=${max}: not enough left for this request's worst-case cost.${resets} Send a smaller max_tokens, or ask an admin to raise max_budget.`);
  }
  const named = meter.prefix ? `model_${limit}_limit` : LIMIT_NAMES[limit];
  const retryAfter = refusal.retryAfter ?? 1;
  return new GatewayError('rate_limit_exceeded', `Rate limit exceeded for ${meter.label}. Limit: ${named} = ${max}, current: ${current}. Retry after ${retryAfter} s.`, { retryAfter });
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** The ledger record of a finished request: never a raw key, a prompt or a completion. */
function spendLog(ctx: RequestContext, call: ModelCall, endUser: string | null): SpendLog {
  const identity = ctx.identity;
  const key = identity?.kind === 'virtual_key' ? identity : undefined;
  const usage = ctx.usage;
  const { start, firstByte } = ctx.timings;
  const end = ctx.timings.end ?? Date.now();
  return {
    request_id: ctx.requestId,
    call_type: call.callType,
    api_key: key?.token ?? (identity?.kind === 'master' ? 'master' : null),
    key_alias: key?.keyAlias ?? null,
    spend: ctx.cost?.charged ?? 0,
    provider_cost: ctx.cost?.provider ?? 0,
    prompt_tokens: usage?.prompt_tokens ?? 0,
    completion_tokens: usage?.completion_tokens ?? 0,
    total_tokens: usage?.total_tokens ?? 0,
    cached_tokens: usage?.prompt_tokens_details?.cached_tokens ?? usage?.cache_read_input_tokens ?? 0,
    cache_creation_input_tokens: usage?.cache_creation_input_tokens ?? 0,
    startTime: new Date(start).toISOString(),
    endTime: new Date(end).toISOString(),
    completionStartTime: firstByte ? new Date(firstByte).toISOString() : null,
    request_duration_ms: end - start,
    time_to_first_token_ms: firstByte ? firstByte - start : null,
    model: ctx.deployment?.upstreamModel ?? null,
    model_id: ctx.deployment?.id ?? null,
    model_group: ctx.requestedModel ?? call.model,
    custom_llm_provider: ctx.deployment?.provider ?? null,
    user: key?.userId ?? null,
    team_id: key?.teamId ?? null,
    end_user: endUser,
    status: ctx.error || (ctx.status ?? 200) >= 400 ? 'failure' : 'success',
    usage_estimated: ctx.usageEstimated === true,
    metadata: {
      user_api_key_alias: key?.keyAlias ?? null,
      user_api_key_team_id: key?.teamId ?? null,
      user_api_key_user_id: key?.userId ?? null,
      cost_breakdown: { provider_cost: ctx.cost?.provider ?? 0, charged: ctx.cost?.charged ?? 0 },
    },
  };
}
