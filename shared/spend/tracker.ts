// Budgets, limits and the ledger around one model request. The model-call pipeline calls `admit` after
// the model-access check and before the router: it books the request on every account it is charged to
// (one conditional write each, in parallel; those with limits reserve its worst-case cost and one
// request, and are awaited, refusing with 400 budget_exceeded or 429 rate_limit_exceeded), keeps the
// bookings' leases renewed while it runs, writes its ledger record before the answer's last byte (the
// commit point), and settles every account to the recorded cost after the response, with any budget
// alerts (README: "Budgets, limits and spend"; docs/DATA-MODEL.md: what a crash can lose).
import { asGatewayError, GatewayError } from '../core/errors.ts';
import type { Log } from '../core/log.ts';
import type { RequestContext } from '../core/types.ts';
import { virtualKeyOf } from '../keys/identity.ts';
import type { CallRecord } from '../pricing/call-record.ts';
import type { RequestSize } from '../pricing/usage-ceiling.ts';
import type { RoutingOptions } from '../router/request-options.ts';
import type { CounterItems } from '../store/counter-items.ts';
import type { DailySpend } from '../store/daily-spend.ts';
import type { Ledger, SpendLog } from '../store/ledger.ts';
import type { CustomerRecord, Fields, TagRecord } from '../store/records.ts';
import type { StoreLoad } from '../store/store-load.ts';
import { isOutage, storeUnavailable } from '../store/unavailable.ts';
import { accountsOf, hasLimits, type Account, type Meter } from './accounts.ts';
import { budgetAlert, crossedThresholds, publishAlert, type AlertChannels, type BudgetAlert } from './alerts.ts';
import { bookedMeter, type BookedMeter, type Booking } from './booking.ts';
import { ContendedItem, Counters, type ReserveResult } from './counters.ts';
import { Leases, type Leased } from './leases.ts';
import { limitHeaders, type SeenAccount } from './limit-headers.ts';
import { counter, type Refusal } from './meter-plan.ts';
import { BudgetCalendar, type BudgetPeriod } from './periods.ts';
import { Recovery } from './recovery.ts';
import { shownUsd, usd } from '../pricing/usd.ts';

export interface SpendOptions {
  /** The accounts' items: their counters and bookings. */
  counterItems: CounterItems;
  ledger: Ledger;
  /** The daily rollups each recorded request adds to (/user|team|tag/daily/activity). */
  dailySpend: DailySpend;
  /** The store's load: a request is shed while it is behind. */
  load: StoreLoad;
  log: Log;
  alerts: AlertChannels;
  allowRequestsOnDbUnavailable: boolean;
  /** `litellm_settings.timezone`: where budget periods start (default UTC). */
  timeZone?: string;
  now?: () => number;
  /** How often leases of requests in flight are looked at (default every second). */
  leaseCheckMs?: number;
  /** The most a call can cost, at the dearest deployment it may land on (./worst-case.ts). */
  worstCase: (call: ModelCall) => number;
}

/** What the model-call pipeline tells the tracker about a request before the upstream call. */
export interface ModelCall {
  /** LiteLLM's call types: acompletion, aembedding, anthropic_messages, count_tokens. */
  callType: string;
  model: string;
  /** The end user, if the request names one, and their record (read once by the pipeline). */
  endUser?: string;
  customer?: CustomerRecord;
  /** The request's tags (shared/keys/request-tags.ts), and the items of those that have one: accounts of the request too. */
  tags?: string[];
  tagRecords?: TagRecord[];
  size: RequestSize;
  /** The request's own fallbacks and `disable_fallbacks`: every group it may land on is priced. */
  routing: RoutingOptions;
  /** A request that costs nothing (count_tokens): held to rate limits and spent budgets, reserving nothing, with no ledger record. */
  free?: boolean;
  /** A call of a set price (an MCP tool call): reserved as it is, rather than at its model's worst case. */
  price?: number;
  /** The call's deployment, usage and cost as they become known: what settles and records it. */
  record: CallRecord;
}

/** One account's part of a request. */
interface Part {
  account: Account;
  booking: Booking;
  /** The booking's reservation: its outcome once the write returned. */
  reserved: Promise<ReserveResult>;
  /** The account has limits: its reservation is awaited before the upstream call. */
  limited: boolean;
}

export class SpendTracker {
  readonly ledger: Ledger;
  readonly dailySpend: DailySpend;
  readonly now: () => number;
  private readonly counters: Counters;
  private readonly calendar: BudgetCalendar;
  private readonly recovery: Recovery;
  private readonly leases: Leases;

  constructor(private readonly options: SpendOptions) {
    this.calendar = new BudgetCalendar(options.timeZone);
    this.counters = new Counters(options.counterItems, this.calendar);
    this.ledger = options.ledger;
    this.dailySpend = options.dailySpend;
    this.now = options.now ?? Date.now;
    this.recovery = new Recovery(this.counters, this.ledger, this.now, options.log);
    this.leases = new Leases(this.now, options.leaseCheckMs ?? 1000);
  }

  /**
   * Throws a 503 (overloaded) instead while the store is behind (store-load.ts): asked here, where the
   * request's calls start, and counted until its bookings are answered.
   */
  async admit(ctx: RequestContext, call: ModelCall): Promise<void> {
    const leave = this.options.load.enter();
    try {
      await this.bookAll(ctx, call);
    } finally {
      leave();
    }
  }

  private async bookAll(ctx: RequestContext, call: ModelCall): Promise<void> {
    const customer = call.customer;
    const accounts = accountsOf(ctx, call.model, customer, call.tagRecords ?? [], this.now());
    const meters = accounts.map((account) => account.meters.map(bookedMeter));
    // Every booking carries it, holds or not: recovery tells by it a request that can cost nothing.
    const worst = call.free || !accounts.length ? 0 : (call.price ?? this.options.worstCase(call));
    let parts = this.book(ctx, accounts, meters, worst);
    let refused = await this.refusalOf(ctx, parts);
    // Holds of requests whose instance died may be what fills the budget: recover them, then ask again.
    if (refused?.refusal.limit === 'budget' && this.recovery.due(refused.part.account, refused.state)) {
      await this.settleAll(ctx, parts, 0, 0);
      await this.recovery.run(refused.part.account);
      parts = this.book(ctx, accounts, meters, worst);
      refused = await this.refusalOf(ctx, parts);
    }
    if (refused) {
      const { refusal, part } = refused;
      if (refusal.limit === 'budget') ctx.onFinish(() => this.alertBudgetReached(part.account, refusal.meter, ctx, refusal.current));
      this.releaseOnFinish(ctx, parts);
      throw refusalError(refusal, this.calendar.period(refusal.meter.limits.budgetDuration, this.now()));
    }

    const endUser = customer?.user_id ?? call.endUser ?? null;
    // A request that costs nothing has no ledger record: it is settled to nothing.
    let committed: number | undefined;
    if (!call.free) {
      ctx.beforeAnswer(async () => {
        committed = await this.commit(ctx, call, endUser, parts);
      });
    }
    // Bookings never placed (refused, failed) keep window 0 and are not renewed.
    const leased: Leased = { window: () => Math.min(...parts.map((part) => part.booking.window || Infinity)), renew: () => this.renew(ctx, parts) };
    if (parts.length) this.leases.add(leased);
    ctx.onFinish(async () => {
      await this.leases.remove(leased);
      // Not committed (its record could not be written): nothing was answered, nothing is charged.
      await this.settleAll(ctx, parts, committed ?? 0, call.record.usage?.total_tokens ?? 0);
    });
  }

  /**
   * Books the request on every account (in parallel). Accounts with limits are checked before the
   * upstream call; the others only need their booking on the item before the ledger record, which
   * waits for them.
   */
  private book(ctx: RequestContext, accounts: Account[], meters: BookedMeter[][], worst: number): Part[] {
    const now = this.now();
    return accounts.map((account, i) => {
      const booking: Booking = { requestId: ctx.requestId, window: 0, worst, meters: meters[i]! };
      const reserved = this.counters.reserve(account, booking, now);
      reserved.catch(() => {}); // an unawaited booking's failure is handled when it is settled
      return { account, booking, reserved, limited: account.meters.some((meter) => hasLimits(meter.limits)) };
    });
  }

  /**
   * Waits for the bookings of accounts with limits: the refusal one of them calls for, if any (with
   * the account and its counters), or the failure to book when the store cannot be reached.
   */
  private async refusalOf(ctx: RequestContext, parts: Part[]): Promise<{ refusal: Refusal; part: Part; state: Fields } | undefined> {
    const limited = parts.filter((part) => part.limited);
    const results = await Promise.allSettled(limited.map((part) => part.reserved));
    let refused: { refusal: Refusal; part: Part; state: Fields } | undefined;
    let failure: unknown;
    results.forEach((result, i) => {
      if (result.status === 'rejected') failure ??= result.reason;
      else if (!result.value.ok) refused ??= { refusal: result.value.refusal, part: limited[i]!, state: result.value.state };
      else this.recoverIfDue(ctx, limited[i]!.account, result.value.state);
    });
    this.setRateHeaders(ctx, limited, results, refused?.refusal);
    if (refused || !failure) return refused;
    // Only an outage may let a request through unaccounted; a refused value or a bug fails it.
    if (failure instanceof ContendedItem || !isOutage(failure) || !this.options.allowRequestsOnDbUnavailable) {
      this.releaseOnFinish(ctx, parts);
      if (failure instanceof ContendedItem) throw new GatewayError('rate_limit_exceeded', 'Too many requests changed these counters at once; retry in a second.', { retryAfter: 1, cause: failure });
      throw isOutage(failure) ? storeUnavailable(failure) : asGatewayError(failure);
    }
    // Let through: what could be booked is settled with the rest, the others as best they can be.
    this.options.log.error('DynamoDB unavailable: request let through without budget and limit checks (allow_requests_on_db_unavailable)', { requestId: ctx.requestId, error: describe(failure) });
    return undefined;
  }

  /**
   * The commit point: the request's ledger record, once every booking is on its item. Returns the
   * cost recorded. A record that cannot be written withholds the answer (503) unless
   * allow_requests_on_db_unavailable lets it go unrecorded.
   */
  private async commit(ctx: RequestContext, call: ModelCall, endUser: string | null, parts: Part[]): Promise<number | undefined> {
    await Promise.allSettled(parts.map((part) => part.reserved));
    const log = spendLog(ctx, call, endUser);
    let created: boolean;
    try {
      // No booking: recovery never writes this request's record, so it needs no condition and is batched.
      created = await this.ledger.create(log, { uncontested: parts.length === 0 });
    } catch (error) {
      this.options.log.error('spend not recorded: DynamoDB write failed', { requestId: ctx.requestId, cost: log.spend, error: describe(error) });
      if (!isOutage(error)) throw asGatewayError(error);
      if (this.options.allowRequestsOnDbUnavailable) return log.spend;
      throw new GatewayError(
        'db_unavailable',
        'The gateway cannot reach its database (DynamoDB) to record this request, so its answer is withheld. Retry shortly. (An admin can set general_settings.allow_requests_on_db_unavailable: true to let answers through unrecorded.)',
        { cause: error },
      );
    }
    if (created) {
      // Started beside the answer's last bytes, awaited after the response: no round trip before the answer.
      const rolledUp = this.options.dailySpend
        .add(log)
        .catch((error: unknown) => this.options.log.error('daily activity not rolled up: DynamoDB write failed', { requestId: ctx.requestId, error: describe(error) }));
      ctx.onFinish(() => rolledUp);
      return log.spend;
    }
    this.options.log.error('request written off as abandoned while it ran: this instance stopped renewing its reservation for over 40 s', { requestId: ctx.requestId });
    throw new GatewayError(
      'db_unavailable',
      "This request ran past its reservation's lease (the gateway stalled), and its reservation was released; its answer is withheld and nothing was charged. Retry it.",
    );
  }

  private async renew(ctx: RequestContext, parts: Part[]): Promise<void> {
    await Promise.all(
      parts.map(async (part) => {
        try {
          const result = await part.reserved;
          if (!result.ok || !result.placed) return;
          if (!(await this.counters.renew(part.account, part.booking, this.now()))) {
            this.options.log.error('a request in flight lost its reservation: it was taken for the request of a stopped instance', { requestId: ctx.requestId, item: part.account.item.pk });
          }
        } catch (error) {
          this.options.log.warn('renewing a reservation failed; retrying', { requestId: ctx.requestId, error: describe(error) });
        }
      }),
    );
  }

  /** A refused request gives back, after the response, whatever its other accounts booked. */
  private releaseOnFinish(ctx: RequestContext, parts: Part[]): void {
    ctx.onFinish(() => this.settleAll(ctx, parts, 0, 0));
  }

  /** Settles every account to the cost (in parallel), then sends the alerts its counters crossed. */
  private async settleAll(ctx: RequestContext, parts: Part[], cost: number, tokens: number): Promise<void> {
    const settled = await Promise.all(
      parts.map(async ({ account, booking, reserved }) => {
        const result = await reserved.catch(() => undefined);
        if (result && !result.ok) return undefined; // refused: nothing was booked there
        try {
          const state = await this.counters.settle(account, booking, cost, tokens, { placed: result?.placed });
          // After the response already: requests of a stopped instance the item showed are recovered now.
          if (result?.ok && this.recovery.due(account, result.state)) await this.recovery.run(account);
          return { account, state };
        } catch (error) {
          this.options.log.error('spend not settled: DynamoDB write failed; the booking is recovered from the ledger once its lease runs out', {
            requestId: ctx.requestId,
            item: account.item.pk,
            cost,
            error: describe(error),
          });
          return undefined;
        }
      }),
    );
    const alerts: BudgetAlert[] = [];
    for (const { account, state } of settled.filter((s) => s !== undefined)) {
      if (!state || cost <= 0) continue;
      for (const meter of account.meters) {
        const after = typeof state[counter(meter.prefix, 'spend')] === 'number' ? (state[counter(meter.prefix, 'spend')] as number) : 0;
        for (const threshold of crossedThresholds(meter, after - cost, after)) alerts.push(this.alert(account, meter, threshold, after, ctx));
        if (meter.limits.maxBudget !== undefined && after >= usd(meter.limits.maxBudget)) await this.alertBudgetReached(account, meter, ctx, after);
      }
    }
    await Promise.all(alerts.map((alert) => publishAlert(this.options.alerts, alert)));
  }

  /** Requests of a stopped instance on the item are recovered after this request's response. */
  private recoverIfDue(ctx: RequestContext, account: Account, state: Fields): void {
    if (this.recovery.due(account, state)) ctx.onFinish(() => this.recovery.run(account));
  }

  /**
   * The 100% alert, when spend reaches the budget or the budget first refuses a request (reservations
   * keep spend from passing it): claimed once per budget period with a conditional write.
   */
  private async alertBudgetReached(account: Account, meter: Meter, ctx: RequestContext, spend: number): Promise<void> {
    const period = this.calendar.period(meter.limits.budgetDuration, this.now());
    if (!(await this.counters.claim(account, counter(meter.prefix, 'budget_alerted'), period.start))) return;
    await publishAlert(this.options.alerts, this.alert(account, meter, '100%', spend, ctx));
  }

  private alert(account: Account, meter: Meter, threshold: Parameters<typeof budgetAlert>[2], spend: number, ctx: RequestContext): BudgetAlert {
    const identity = virtualKeyOf(ctx.identity);
    const resetAt = this.calendar.period(meter.limits.budgetDuration, this.now()).resetAt;
    return budgetAlert(account, meter, threshold, spend, resetAt, {
      keyAlias: identity?.keyAlias ?? null,
      userId: identity?.userId ?? null,
      teamId: identity?.teamId ?? null,
      organizationId: identity?.organization?.organization_id ?? null,
    });
  }

  /** LiteLLM's limit headers (limit-headers.ts): the key's as last read when its reservation was not awaited. */
  private setRateHeaders(ctx: RequestContext, parts: Part[], results: Array<PromiseSettledResult<ReserveResult>>, refusal: Refusal | undefined): void {
    const seen: SeenAccount[] = [];
    results.forEach((result, i) => {
      if (result.status === 'fulfilled' && result.value.ok) seen.push({ account: parts[i]!.account, state: result.value.state });
    });
    const key = this.lastKey(ctx);
    if (key && !seen.some((s) => s.account.kind === 'key')) seen.push(key);
    Object.assign(ctx.responseHeaders, limitHeaders(seen, refusal, this.now()));
  }

  /** The calling key's account with its record as authentication read it. */
  private lastKey(ctx: RequestContext): SeenAccount | undefined {
    const account = accountsOf(ctx, '', undefined, [], this.now()).find((a) => a.kind === 'key');
    return account && { account, state: account.record };
  }
}

const LIMIT_NAMES = { rpm: 'rpm_limit (requests per minute)', tpm: 'tpm_limit (tokens per minute)', parallel: 'max_parallel_requests (requests in flight)' } as const;

function refusalError(refusal: Refusal, period: BudgetPeriod): GatewayError {
  const { meter, limit, current, max } = refusal;
  if (limit === 'budget') {
    const resets = period.resetAt ? ` It resets at ${period.resetAt} (budget_duration ${meter.limits.budgetDuration}).` : '';
    return new GatewayError(
      'budget_exceeded',
      `ExceededBudget: ${meter.label} over budget. Spend=${shownUsd(current)} (including requests in flight), Budget=${max}: not enough left for this request's worst-case cost.${resets} Send a smaller max_tokens, or ask an admin to raise max_budget.`,
    );
  }
  const named = meter.prefix.startsWith('model:') ? `model_${limit}_limit` : LIMIT_NAMES[limit];
  const retryAfter = refusal.retryAfter ?? 1;
  return new GatewayError('rate_limit_exceeded', `Rate limit exceeded for ${meter.label}. Limit: ${named} = ${max}, current: ${current}. Retry after ${retryAfter} s.`, { retryAfter });
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** The ledger record of a finished request: never a raw key, a prompt or a completion. */
export function spendLog(ctx: RequestContext, call: Pick<ModelCall, 'callType' | 'record'> & Partial<Pick<ModelCall, 'tags'>>, endUser: string | null): SpendLog {
  const identity = ctx.identity;
  const key = virtualKeyOf(identity);
  const { usage, cost, deployment } = call.record;
  const { start, firstByte } = ctx.timings;
  const end = ctx.timings.end ?? Date.now();
  return {
    request_id: ctx.requestId,
    ...(call.record.responseId !== undefined && { response_id: call.record.responseId }),
    call_type: call.callType,
    api_key: key?.token ?? (identity?.kind === 'master' ? 'master' : null),
    key_alias: key?.keyAlias ?? null,
    spend: cost?.charged ?? 0,
    provider_cost: cost?.provider ?? 0,
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
    model: deployment?.upstreamModel ?? null,
    model_id: deployment?.id ?? null,
    model_group: call.record.requestedModel,
    custom_llm_provider: deployment?.provider ?? null,
    user: key?.userId ?? null,
    team_id: key?.teamId ?? null,
    organization_id: key?.organization?.organization_id ?? null,
    request_tags: call.tags ?? [],
    end_user: endUser,
    status: ctx.error || (ctx.status ?? 200) >= 400 || call.record.mcpToolCall?.status === 'failure' ? 'failure' : 'success',
    usage_estimated: call.record.usageEstimated === true,
    cache_hit: call.record.cacheHit !== undefined,
    cache_key: call.record.cacheKey ?? null,
    cache_savings: call.record.cacheHit ? usd(call.record.cacheHit.saved - call.record.cacheHit.cost.charged) : 0,
    metadata: {
      user_api_key_alias: key?.keyAlias ?? null,
      user_api_key_team_id: key?.teamId ?? null,
      user_api_key_user_id: key?.userId ?? null,
      user_api_key_org_id: key?.organization?.organization_id ?? null,
      cost_breakdown: { provider_cost: cost?.provider ?? 0, charged: cost?.charged ?? 0 },
      // Calls priced in other units: what was counted (images, seconds, characters, searches).
      ...(call.record.units && { priced_units: call.record.units }),
      ...(call.record.guardrails && { guardrail_information: call.record.guardrails }),
      ...(call.record.mcpToolCall && { mcp_tool_call_metadata: call.record.mcpToolCall }),
    },
  };
}
