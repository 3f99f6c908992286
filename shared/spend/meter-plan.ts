// What one meter's part of a conditional write is, given the counters as last seen: what it changes
// and on what conditions (an ItemChange, which the store sends). Pure: the same rules build the write's
// conditions and, after a refused write, judge the freshly read item, so the database and the gateway
// never disagree on why a request was refused.
//
// Counters of a meter (attribute names behind its prefix):
//   spend                 settled spend in the current budget period (LiteLLM's `spend`)
//   budget_committed      spend + outstanding holds: the one number a budget condition compares
//   budget_period_start   the period the counters belong to; another period means "reset" (no cron)
//   budget_reset_at       end of that period (LiteLLM's field)
//   hold_window           the hold window of the newest holds
//   hold_usd_0|1, hold_req_0|1   holds of requests in flight, by hold-window parity: a request renews
//                         its hold into each new window while it runs
//   lapsed_usd            holds whose request stopped renewing them (its instance died): out of the
//                         parallel count at once, still committed until recovery charges the request
//   parallel_requests     requests in flight
//   rl_window, rl_requests, rl_tokens   the fixed 60 s rate window and its counts
import type { ItemChange } from '../store/item-change.ts';
import type { Fields } from '../store/records.ts';
import type { Meter } from './accounts.ts';
import type { BookedMeter } from './booking.ts';
import { holdWindow, rateWindow, secondsLeftInRateWindow, type BudgetCalendar, type BudgetPeriod } from './periods.ts';
import { usd } from '../pricing/usd.ts';

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

export const counter = (prefix: string, name: string) => `${prefix}${name}`;

/** Counters that are bookkeeping, not LiteLLM fields: `spend` and `budget_reset_at` of the item itself are answers' fields, the rest is not. */
const INTERNAL_COUNTERS = /^(budget_committed|budget_period_start|budget_alerted|hold_window|hold_(usd|req)_[01]|lapsed_usd|parallel_requests|rl_window|rl_requests|rl_tokens)$/;

/** Counters of the meters beside an item's own (accounts.ts): per model, per budget window, per member. */
const METER_PREFIX = /^(model|window|member):/;

/** Whether an item attribute is one of the spend tracker's counters or bookings, which admin answers leave out. */
export function isCounterAttribute(name: string): boolean {
  return METER_PREFIX.test(name) || name.startsWith('in_flight:') || INTERNAL_COUNTERS.test(name);
}

const num = (state: Fields, attribute: string): number | undefined => (typeof state[attribute] === 'number' ? (state[attribute] as number) : undefined);

export function keepsRate(meter: Meter): boolean {
  return meter.limits.rpm !== undefined || meter.limits.tpm !== undefined;
}

/** The hold window the meter's counters are in, if it keeps holds. */
export function storedWindow(prefix: string, state: Fields): number | undefined {
  return num(state, counter(prefix, 'hold_window'));
}

/** The counters a meter's holds are made of. */
type HoldCounter = 'spend' | 'budget_committed' | 'hold_usd_0' | 'hold_usd_1' | 'hold_req_0' | 'hold_req_1' | 'parallel_requests' | 'lapsed_usd';
type HoldCounters = Record<HoldCounter, number>;
const HOLD_COUNTERS: HoldCounter[] = ['spend', 'budget_committed', 'hold_usd_0', 'hold_usd_1', 'hold_req_0', 'hold_req_1', 'parallel_requests', 'lapsed_usd'];
const usdOf = (window: number) => `hold_usd_${window % 2}` as const;
const reqOf = (window: number) => `hold_req_${window % 2}` as const;

/**
 * The meter's hold counters brought to hold window `window` and budget period `period`: a new
 * period starts spend at 0; holds from before `window - 1` lapse (nobody renewed them). `current`:
 * they are there already, and `committed = spend + holds + lapsed` (an admin who sets `spend`
 * breaks that, and the counters are recomputed).
 */
function rolled(prefix: string, state: Fields, window: number, period: BudgetPeriod): { counters: HoldCounters; current: boolean } {
  const stored = Object.fromEntries(HOLD_COUNTERS.map((name) => [name, num(state, counter(prefix, name)) ?? 0])) as HoldCounters;
  const from = storedWindow(prefix, state);
  const periodStart = state[counter(prefix, 'budget_period_start')];
  const consistent = usd(stored.spend + stored.hold_usd_0 + stored.hold_usd_1 + stored.lapsed_usd) === usd(num(state, counter(prefix, 'budget_committed')) ?? Number.NaN);
  if (periodStart === period.start && from === window && consistent) return { counters: stored, current: true };

  const counters = { ...stored };
  if (periodStart !== undefined && periodStart !== period.start) counters.spend = 0;
  for (const bucket of [0, 1] as const) {
    // The bucket holds window `from` (same parity) or `from - 1`.
    const heldIn = from === undefined ? -Infinity : from % 2 === bucket ? from : from - 1;
    if (heldIn >= window - 1) continue;
    counters.lapsed_usd = usd(counters.lapsed_usd + counters[`hold_usd_${bucket}`]);
    counters[`hold_usd_${bucket}`] = 0;
    counters[`hold_req_${bucket}`] = 0;
  }
  counters.parallel_requests = counters.hold_req_0 + counters.hold_req_1;
  counters.budget_committed = usd(counters.spend + counters.hold_usd_0 + counters.hold_usd_1 + counters.lapsed_usd);
  return { counters, current: false };
}

/**
 * Adds to `update` the meter's hold counters brought to `window` and changed by `change`: ADDs on
 * condition that they are where they were seen, or (brought forward) SETs on condition that nobody
 * changed them meanwhile. Returns the counters before the change, and whether they were current.
 */
function planHolds(prefix: string, state: Fields, window: number, period: BudgetPeriod, update: ItemChange, change: Partial<HoldCounters>): { before: HoldCounters; current: boolean } {
  const c = (name: string) => counter(prefix, name);
  const { counters, current } = rolled(prefix, state, window, period);
  if (current) {
    update.whenEquals(c('budget_period_start'), period.start).whenEquals(c('hold_window'), window);
    for (const [name, amount] of Object.entries(change)) if (amount) update.add(c(name), amount);
  } else {
    for (const name of [...HOLD_COUNTERS, 'budget_period_start', 'hold_window']) update.whenEquals(c(name), state[c(name)]);
    for (const name of HOLD_COUNTERS) update.set(c(name), usd(counters[name] + (change[name] ?? 0)));
    update.set(c('budget_period_start'), period.start).set(c('budget_reset_at'), period.resetAt).set(c('hold_window'), window);
  }
  return { before: counters, current };
}

/**
 * The hold window a request's holds on these meters go in: now's, or later if another instance's
 * clock already moved the counters on.
 */
export function bookingWindow(meters: Meter[], state: Fields, now: number): number {
  return Math.max(holdWindow(now), ...meters.map((meter) => storedWindow(meter.prefix, state) ?? -Infinity));
}

/**
 * Adds this meter's reservation of `worst` dollars (and one request) in hold window `window` to
 * `update`, and returns the refusal the counters in `state` call for, if any. With `state` freshly
 * read, a refusal is final.
 */
export function planReservation(meter: Meter, booked: BookedMeter, state: Fields, now: number, window: number, worst: number, update: ItemChange, calendar: BudgetCalendar): Refusal | undefined {
  return (booked.holds ? planHold(meter, state, now, window, worst, update, calendar) : undefined) ?? (keepsRate(meter) ? planRate(meter, state, now, update) : undefined);
}

function planHold(meter: Meter, state: Fields, now: number, window: number, worst: number, update: ItemChange, calendar: BudgetCalendar): Refusal | undefined {
  const { maxBudget, maxParallel, budgetDuration } = meter.limits;
  const change = { budget_committed: worst, [usdOf(window)]: worst, [reqOf(window)]: 1, parallel_requests: 1 };
  const { before, current } = planHolds(meter.prefix, state, window, calendar.period(budgetDuration, now), update, change);
  if (current) {
    const c = (name: string) => counter(meter.prefix, name);
    if (maxBudget !== undefined) {
      if (worst > 0) update.whenAtMost(c('budget_committed'), usd(maxBudget - worst));
      else update.whenBelow(c('budget_committed'), maxBudget);
    }
    if (maxParallel !== undefined) update.whenBelow(c('parallel_requests'), maxParallel);
  }
  // The same comparisons as the write's conditions, so both judge alike.
  if (maxBudget !== undefined && !fitsBudget(before.budget_committed, maxBudget, worst)) {
    return { meter, limit: 'budget', current: Math.min(before.budget_committed, maxBudget), max: maxBudget };
  }
  if (maxParallel !== undefined && before.parallel_requests + 1 > maxParallel) return { meter, limit: 'parallel', current: before.parallel_requests, max: maxParallel };
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

function planRate(meter: Meter, state: Fields, now: number, update: ItemChange): Refusal | undefined {
  const c = (name: string) => counter(meter.prefix, name);
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
    if (rpm !== undefined) update.whenBelow(c('rl_requests'), rpm);
    if (tpm !== undefined) update.whenBelow(c('rl_tokens'), tpm);
    update.add(c('rl_requests'), 1);
  } else {
    update.whenEquals(c('rl_window'), stored).set(c('rl_window'), window).set(c('rl_requests'), 1).set(c('rl_tokens'), 0);
  }
  if (rpm !== undefined && requests + 1 > rpm) return { meter, limit: 'rpm', current: requests, max: rpm, retryAfter };
  if (tpm !== undefined && tokens >= tpm) return { meter, limit: 'tpm', current: tokens, max: tpm, retryAfter };
  return undefined;
}

/**
 * Adds to `update` the move of a holding meter's hold from window `from` to the later `window`:
 * from its bucket, or from the lapsed holds if it lapsed meanwhile (then it counts as in flight
 * again). Nothing changes in what is committed, so no budget condition applies.
 */
export function planRenewal(meter: Meter, state: Fields, now: number, from: number, window: number, worst: number, update: ItemChange, calendar: BudgetCalendar): void {
  const lapsed = from < window - 1;
  const change: Partial<HoldCounters> = lapsed
    ? { lapsed_usd: -worst, [usdOf(window)]: worst, [reqOf(window)]: 1, parallel_requests: 1 }
    : { [usdOf(from)]: -worst, [reqOf(from)]: -1, [usdOf(window)]: worst, [reqOf(window)]: 1 };
  planHolds(meter.prefix, state, window, calendar.period(meter.limits.budgetDuration, now), update, change);
}

/**
 * Adds this meter's settlement to `update`: the cost is added to spend and replaces the request's
 * hold, which sits in its bucket while the counters are within a window of the request's, else
 * among the lapsed holds; tokens count toward the minute.
 */
export function planSettlement(booked: BookedMeter, state: Fields, window: number, worst: number, cost: number, tokens: number, update: ItemChange): void {
  const c = (name: string) => counter(booked.prefix, name);
  update.add(c('spend'), cost).add(c('budget_committed'), cost);
  if (booked.holds) {
    const stored = storedWindow(booked.prefix, state) ?? window;
    update.add(c('budget_committed'), -worst);
    if (stored >= window + 2) {
      update.whenAtLeast(c('hold_window'), window + 2).add(c('lapsed_usd'), -worst);
    } else {
      update.whenOneOf(c('hold_window'), [window, window + 1]);
      update
        .add(c(usdOf(window)), -worst)
        .add(c(reqOf(window)), -1)
        .add(c('parallel_requests'), -1);
    }
  }
  if (booked.countsTokens && tokens > 0) update.add(c('rl_tokens'), tokens);
}

/**
 * Sets a meter's lapsed holds to `expected` (what the lapsed bookings on the item hold) when they
 * differ: holds that lapsed with no booking behind them (made before bookings existed) are released.
 */
export function planLapsedRepair(prefix: string, state: Fields, expected: number, update: ItemChange): boolean {
  const c = (name: string) => counter(prefix, name);
  const lapsed = num(state, c('lapsed_usd')) ?? 0;
  if (usd(lapsed) === usd(expected)) return false;
  update.whenEquals(c('lapsed_usd'), state[c('lapsed_usd')]).whenEquals(c('hold_window'), state[c('hold_window')]);
  update.set(c('lapsed_usd'), usd(expected)).add(c('budget_committed'), usd(expected - lapsed));
  return true;
}

/** What the x-ratelimit-* headers say for this meter after its reservation. */
export function remaining(meter: Meter, state: Fields): { requests?: [number, number]; tokens?: [number, number] } {
  const c = (name: string) => counter(meter.prefix, name);
  const { rpm, tpm } = meter.limits;
  return {
    requests: rpm === undefined ? undefined : [Math.max(0, rpm - (num(state, c('rl_requests')) ?? 0)), rpm],
    tokens: tpm === undefined ? undefined : [Math.max(0, tpm - (num(state, c('rl_tokens')) ?? 0)), tpm],
  };
}
