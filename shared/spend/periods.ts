// The clocks budgets and limits count in, computed from the time alone so that no cron job resets
// anything: a budget period (calendar-aligned, as LiteLLM resets budgets), the fixed 60 s rate
// window (LiteLLM's), and the hold window: the lease of a request's holds, renewed while it runs.
import { durationMs } from '../config/duration.ts';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;
/** 1970-01-01 was a Thursday; weeks start on Monday, four days later. */
const FIRST_MONDAY_MS = 4 * DAY_MS;

/** Period label of a budget without `budget_duration`: one period forever. */
export const NO_PERIOD = 'all';

export interface BudgetPeriod {
  /** ISO start of the period, or NO_PERIOD. Stored beside the counters; a different value means "reset". */
  start: string;
  /** ISO end of the period (LiteLLM's `budget_reset_at`); null without a duration. */
  resetAt: string | null;
}

/**
 * Budget periods in one time zone (`litellm_settings.timezone`, default UTC). "1d" starts at midnight,
 * "7d"/"1w" on Monday, "30d"/"1mo" on the 1st of the month, "Nmo" on the 1st of every Nth month of
 * the year; other durations count in blocks of that length from midnight (seconds, minutes, hours)
 * or from 1970-01-01 (days).
 */
export class BudgetCalendar {
  private readonly wallClock?: Intl.DateTimeFormat;

  /** Throws RangeError for a time zone the runtime does not know. */
  constructor(readonly timeZone = 'UTC') {
    if (timeZone !== 'UTC') {
      this.wallClock = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    }
  }

  /** The period `now` falls in. */
  period(duration: string | null | undefined, now: number): BudgetPeriod {
    // Calendar arithmetic runs on the local wall clock (as if it were UTC), then maps back to instants.
    const wall = duration ? wallPeriod(duration, now + this.offsetAt(now)) : undefined;
    if (!wall) return { start: NO_PERIOD, resetAt: null };
    return { start: iso(this.instantOf(wall.start)), resetAt: iso(this.instantOf(wall.end)) };
  }

  /** Local wall-clock time minus UTC at instant `at`, in ms. */
  private offsetAt(at: number): number {
    if (!this.wallClock) return 0;
    const part = (type: string) => Number(this.wallClock!.formatToParts(at).find((p) => p.type === type)!.value);
    return Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second')) - (at - (at % 1000));
  }

  /** The instant a local wall-clock time names (two passes settle daylight-saving changes). */
  private instantOf(wall: number): number {
    return wall - this.offsetAt(wall - this.offsetAt(wall));
  }
}

function wallPeriod(duration: string, wall: number): { start: number; end: number } | undefined {
  const length = durationMs(duration);
  if (length === undefined) return undefined;
  const months = /^(\d+)mo$/.exec(duration === 'monthly' ? '1mo' : duration)?.[1];
  if (months !== undefined || duration === '30d') return monthPeriod(Number(months ?? 1), wall);
  const origin = length === WEEK_MS ? FIRST_MONDAY_MS : length < DAY_MS ? wall - (wall % DAY_MS) : 0;
  const start = origin + Math.floor((wall - origin) / length) * length;
  return { start, end: start + length };
}

function monthPeriod(months: number, wall: number): { start: number; end: number } {
  const date = new Date(wall);
  const month = date.getUTCMonth() - (date.getUTCMonth() % months);
  return { start: Date.UTC(date.getUTCFullYear(), month, 1), end: Date.UTC(date.getUTCFullYear(), month + months, 1) };
}

/** Index of the fixed 60 s rate-limit window. */
export function rateWindow(now: number): number {
  return Math.floor(now / MINUTE_MS);
}

/** Seconds until the rate window `window` ends. */
export function secondsLeftInRateWindow(window: number, now: number): number {
  return Math.max(1, Math.ceil(((window + 1) * MINUTE_MS - now) / 1000));
}

/**
 * The lease of a request's holds. A request in flight renews its holds into each new window (early
 * in it); holds made or renewed in window W lapse once the counters reach window W + 2, so those of
 * an instance that died are released within two windows (40 s), while a live request's never are.
 */
export const HOLD_WINDOW_MS = 20_000;

export function holdWindow(now: number): number {
  return Math.floor(now / HOLD_WINDOW_MS);
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
