// What one meter's part of a conditional write is, given the counters as last seen. Pure: the same
// rules build the DynamoDB condition and, after a refused write, judge the freshly read item, so the
// database and the gateway never disagree on why a request was refused.
//
// Counters of a meter (attribute names behind its prefix):
//   spend                 settled spend in the current budget period (LiteLLM's `spend`)
//   budget_committed      spend + outstanding reservations: the one number a budget condition compares
//   budget_period_start   the period the counters belong to; another period means "reset" (no cron)
//   budget_reset_at       end of that period (LiteLLM's field)
//   hold_window           the hold window of the newest reservations
//   hold_usd_0|1, hold_req_0|1   outstanding reservations by hold-window parity, so those nobody
//                         settled (a crashed instance) can be written off two windows later
//   parallel_requests     requests in flight
//   rl_window, rl_requests, rl_tokens   the fixed 60 s rate window and its counts
import type { Fields } from '../store/records.ts';
import type { Meter } from './accounts.ts';
import { holdWindow, rateWindow, secondsLeftInRateWindow, type BudgetCalendar } from './periods.ts';
import { usd } from '../pricing/usd.ts';
import type { UpdateExpression } from './update-expression.ts';

export type LimitName = 'budget' | 'rpm' | 'tpm' | 'parallel';

export interface Refusal {
  meter: Meter;
  limit: LimitName;
  /** Spend (USD) or count now, and the limit. */
  current: number;
  max: number;
  /** Rate limits: seconds until the window ends. */
  retryAfter?: number;
}

/** What a reservation took, so settling gives exactly that back. */
export interface Hold {
  meter: Meter;
  /** Hold window of the reservation; undefined when the meter keeps no holds (no budget, no parallel limit). */
  window?: number;
  worst: number;
}

export const counter = (meter: Meter, name: string) => `${meter.prefix}${name}`;

/** Counters that are bookkeeping, not LiteLLM fields: `spend` and `budget_reset_at` of the item itself are answers' fields, the rest is not. */
const INTERNAL_COUNTERS = /^(budget_committed|budget_period_start|budget_alerted|hold_window|hold_(usd|req)_[01]|parallel_requests|rl_window|rl_requests|rl_tokens)$/;

/** Whether an item attribute is one of the spend tracker's counters, which admin answers leave out. */
export function isCounterAttribute(name: string): boolean {
  return name.startsWith('model:') || INTERNAL_COUNTERS.test(name);
}

const num = (state: Fields, attribute: string): number | undefined => (typeof state[attribute] === 'number' ? (state[attribute] as number) : undefined);

function keepsHolds(meter: Meter): boolean {
  return meter.limits.maxBudget !== undefined || meter.limits.maxParallel !== undefined;
}

function keepsRate(meter: Meter): boolean {
  return meter.limits.rpm !== undefined || meter.limits.tpm !== undefined;
}

/**
 * Adds this meter's reservation of `worst` dollars (and one request) to `update`, and returns the
 * refusal the counters in `state` call for, if any. With `state` freshly read, a refusal is final.
 */
export function planReservation(meter: Meter, state: Fields, now: number, worst: number, update: UpdateExpression, calendar: BudgetCalendar): { hold: Hold; refusal?: Refusal } {
  const hold: Hold = { meter, worst };
  const refusal = (keepsHolds(meter) ? planHold(meter, state, now, worst, update, hold, calendar) : undefined)
    ?? (keepsRate(meter) ? planRate(meter, state, now, update) : undefined);
  return { hold, refusal };
}

function planHold(meter: Meter, state: Fields, now: number, worst: number, update: UpdateExpression, hold: Hold, calendar: BudgetCalendar): Refusal | undefined {
  const c = (name: string) => counter(meter, name);
  const { maxBudget, maxParallel, budgetDuration } = meter.limits;
  const period = calendar.period(budgetDuration, now);
  const storedWindow = num(state, c('hold_window'));
  const window = Math.max(holdWindow(now), storedWindow ?? -Infinity);
  const bucket = window % 2;
  hold.window = window;

  const spend = num(state, c('spend')) ?? 0;
  const holds = [0, 1].map((b) => ({ usd: num(state, c(`hold_usd_${b}`)) ?? 0, req: num(state, c(`hold_req_${b}`)) ?? 0 }));
  // Every write keeps committed = spend + holds. An admin who sets `spend` breaks that; the next
  // reservation mends it.
  const consistent = usd(spend + holds[0]!.usd + holds[1]!.usd) === usd(num(state, c('budget_committed')) ?? Number.NaN);

  let committed: number;
  let parallel: number;
  if (state[c('budget_period_start')] === period.start && storedWindow === window && consistent) {
    committed = num(state, c('budget_committed'))!;
    parallel = num(state, c('parallel_requests')) ?? 0;
    update.whenEquals(c('budget_period_start'), period.start).whenEquals(c('hold_window'), window);
    if (maxBudget !== undefined) {
      update.when(worst > 0 ? `${update.name(c('budget_committed'))} <= ${update.value(usd(maxBudget - worst))}` : `${update.name(c('budget_committed'))} < ${update.value(maxBudget)}`);
    }
    if (maxParallel !== undefined) update.when(`${update.name(c('parallel_requests'))} < ${update.value(maxParallel)}`);
    update.add(c('budget_committed'), worst).add(c(`hold_usd_${bucket}`), worst).add(c(`hold_req_${bucket}`), 1).add(c('parallel_requests'), 1);
  } else {
    // A new period or hold window, the first reservation, or mended counters: recompute them from
    // those seen, on condition that nobody changed them meanwhile.
    const newSpend = state[c('budget_period_start')] !== undefined && state[c('budget_period_start')] !== period.start ? 0 : spend;
    // Holds from two windows back are written off: whoever made them is gone.
    const kept = [0, 1].map((b) => (storedWindow === window || (storedWindow === window - 1 && b !== bucket) ? holds[b]! : { usd: 0, req: 0 }));
    committed = usd(newSpend + kept[0]!.usd + kept[1]!.usd);
    parallel = kept[0]!.req + kept[1]!.req;
    for (const name of ['spend', 'budget_committed', 'budget_period_start', 'hold_window', 'hold_usd_0', 'hold_usd_1', 'hold_req_0', 'hold_req_1', 'parallel_requests']) {
      update.whenEquals(c(name), state[c(name)]);
    }
    update.set(c('spend'), newSpend)
      .set(c('budget_committed'), usd(committed + worst))
      .set(c('budget_period_start'), period.start)
      .set(c('budget_reset_at'), period.resetAt)
      .set(c('hold_window'), window)
      .set(c('parallel_requests'), parallel + 1);
    for (const b of [0, 1]) {
      update.set(c(`hold_usd_${b}`), usd(kept[b]!.usd + (b === bucket ? worst : 0)));
      update.set(c(`hold_req_${b}`), kept[b]!.req + (b === bucket ? 1 : 0));
    }
  }
  // The same comparison as the write's condition, so both judge alike.
  if (maxBudget !== undefined && !fitsBudget(committed, maxBudget, worst)) {
    return { meter, limit: 'budget', current: Math.min(committed, maxBudget), max: maxBudget };
  }
  if (maxParallel !== undefined && parallel + 1 > maxParallel) return { meter, limit: 'parallel', current: parallel, max: maxParallel };
  return undefined;
}

/**
 * Whether a reservation of `worst` fits a budget of which `committed` is taken. One that costs nothing
 * (count_tokens, an unpriced model) still needs some budget left: as LiteLLM, a spent budget refuses
 * every request.
 */
function fitsBudget(committed: number, maxBudget: number, worst: number): boolean {
  return worst > 0 ? committed <= usd(maxBudget - worst) : committed < maxBudget;
}

function planRate(meter: Meter, state: Fields, now: number, update: UpdateExpression): Refusal | undefined {
  const c = (name: string) => counter(meter, name);
  const { rpm, tpm } = meter.limits;
  const stored = num(state, c('rl_window'));
  const window = Math.max(rateWindow(now), stored ?? -Infinity);
  const retryAfter = secondsLeftInRateWindow(window, now);
  let requests = 0;
  let tokens = 0;
  if (stored === window) {
    requests = num(state, c('rl_requests')) ?? 0;
    tokens = num(state, c('rl_tokens')) ?? 0;
    update.whenEquals(c('rl_window'), window);
    if (rpm !== undefined) update.when(`${update.name(c('rl_requests'))} < ${update.value(rpm)}`);
    if (tpm !== undefined) update.when(`${update.name(c('rl_tokens'))} < ${update.value(tpm)}`);
    update.add(c('rl_requests'), 1);
  } else {
    update.whenEquals(c('rl_window'), stored).set(c('rl_window'), window).set(c('rl_requests'), 1).set(c('rl_tokens'), 0);
  }
  if (rpm !== undefined && requests + 1 > rpm) return { meter, limit: 'rpm', current: requests, max: rpm, retryAfter };
  if (tpm !== undefined && tokens >= tpm) return { meter, limit: 'tpm', current: tokens, max: tpm, retryAfter };
  return undefined;
}

/**
 * Adds this meter's settlement to `update`: the real cost replaces the reservation, the request leaves
 * the in-flight count, its tokens count toward the minute. `writtenOff`: the hold is already gone.
 */
export function planSettlement(hold: Hold, cost: number, tokens: number, update: UpdateExpression, writtenOff: boolean): void {
  const c = (name: string) => counter(hold.meter, name);
  update.add(c('spend'), cost).add(c('budget_committed'), cost);
  if (hold.window !== undefined && !writtenOff) {
    const bucket = hold.window % 2;
    update.when(`${update.name(c('hold_window'))} IN (${update.value(hold.window)}, ${update.value(hold.window + 1)})`);
    update.add(c('budget_committed'), -hold.worst).add(c(`hold_usd_${bucket}`), -hold.worst).add(c(`hold_req_${bucket}`), -1).add(c('parallel_requests'), -1);
  }
  if (keepsRate(hold.meter) && tokens > 0) update.add(c('rl_tokens'), tokens);
}

/** What the x-ratelimit-* headers say for this meter after its reservation. */
export function remaining(meter: Meter, state: Fields): { requests?: [number, number]; tokens?: [number, number] } {
  const c = (name: string) => counter(meter, name);
  const { rpm, tpm } = meter.limits;
  return {
    requests: rpm === undefined ? undefined : [Math.max(0, rpm - (num(state, c('rl_requests')) ?? 0)), rpm],
    tokens: tpm === undefined ? undefined : [Math.max(0, tpm - (num(state, c('rl_tokens')) ?? 0)), tpm],
  };
}
