// How a key's or a team's budget windows stand, in LiteLLM's answer shape: each `budget_limits` entry with
// the `reset_at` of its current period, and (on /key/info) `budget_limits_usage`, the spend of each
// window's current period, read from the window's counters on the item (accounts.ts#windowMeters).
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

/** The record's windows as they stand now; undefined when it has none. */
export function windowsOf(record: Fields, { calendar, now }: BudgetClock): WindowsAnswer | undefined {
  const windows = budgetWindows(record);
  if (!windows.length) return undefined;
  const answer: WindowsAnswer = { budget_limits: [], budget_limits_usage: {} };
  for (const window of windows) {
    const period = calendar.period(window.budget_duration, now());
    const prefix = windowPrefix(window.budget_duration);
    // Counters of an earlier period are what the next request's write resets: nothing spent in this one yet.
    const current = record[counter(prefix, 'budget_period_start')] === period.start;
    const spend = current && typeof record[counter(prefix, 'spend')] === 'number' ? (record[counter(prefix, 'spend')] as number) : 0;
    answer.budget_limits.push({ ...window, reset_at: period.resetAt });
    // LiteLLM rounds these to four places.
    answer.budget_limits_usage[window.budget_duration] = { current_spend: Math.round(spend * 1e4) / 1e4 };
  }
  return answer;
}
