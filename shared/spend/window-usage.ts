// How a record's budgets stand now, in LiteLLM's answer shapes: its own budget's `spend` in the current
// period and that period's `budget_reset_at`; and a key's or a team's budget windows, each
// `budget_limits` entry with the `reset_at` of its current period, and (on /key/info)
// `budget_limits_usage`, the spend of each window's current period, read from the window's counters on
// the item (accounts.ts#windowMeters). Periods end on the calendar with no job resetting the counters:
// counters of an earlier period are what the next request's write resets, so they read as 0 spent.
import type { Fields } from '../store/records.ts';
import { budgetWindows, windowPrefix, type BudgetWindow } from './accounts.ts';
import { counter } from './meter-plan.ts';
import type { BudgetCalendar } from './periods.ts';

/** The budget periods (`litellm_settings.timezone`) and the clock the spend tracker counts in. */
export interface BudgetClock {
  calendar: BudgetCalendar;
  now: () => number;
}

export interface WindowsAnswer {
  budget_limits: Array<BudgetWindow & { reset_at: string | null }>;
  budget_limits_usage: Record<string, { current_spend: number }>;
}

/** The record's own `spend` and `budget_reset_at` in the current period of its `budget_duration`; nothing to change without one. */
export function ownPeriodOf(record: Fields, { calendar, now }: BudgetClock): { spend: number; budget_reset_at: string | null } | undefined {
  const duration = record['budget_duration'];
  if (typeof duration !== 'string' || !duration) return undefined;
  const period = calendar.period(duration, now());
  const current = record[counter('', 'budget_period_start')] === period.start;
  return { spend: current && typeof record['spend'] === 'number' ? record['spend'] : 0, budget_reset_at: period.resetAt };
}

/** The record's windows as they stand now; undefined when it has none. */
export function windowsOf(record: Fields, { calendar, now }: BudgetClock): WindowsAnswer | undefined {
  const windows = budgetWindows(record);
  if (!windows.length) return undefined;
  const answer: WindowsAnswer = { budget_limits: [], budget_limits_usage: {} };
  for (const window of windows) {
    const period = calendar.period(window.budget_duration, now());
    const prefix = windowPrefix(window.budget_duration);
    const current = record[counter(prefix, 'budget_period_start')] === period.start;
    const spend = current && typeof record[counter(prefix, 'spend')] === 'number' ? (record[counter(prefix, 'spend')] as number) : 0;
    answer.budget_limits.push({ ...window, reset_at: period.resetAt });
    // LiteLLM rounds these to four places.
    answer.budget_limits_usage[window.budget_duration] = { current_spend: Math.round(spend * 1e4) / 1e4 };
  }
  return answer;
}
