// Reading the ledger for the pages: date ranges and daily series from LiteLLM's /global/spend/report.
import { get } from '../api.ts';
import type { DailySeries } from '../chart.tsx';

export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function daysAgo(days: number): string {
  return isoDay(new Date(Date.now() - days * 86_400_000));
}

type ReportDay = { group_by_day: string } & Record<string, unknown>;

/** /global/spend/report grouped by `group_by`, as one series per group (its spend each day). */
export async function dailySpend(groupBy: 'model' | 'team', startDate: string, endDate: string): Promise<DailySeries> {
  const [list, name] = groupBy === 'model' ? ['models', 'model'] : ['teams', 'team_name'];
  const report = await get<ReportDay[]>('/global/spend/report', { group_by: groupBy, start_date: startDate, end_date: endDate });
  const days = report.map((day) => day.group_by_day);
  const series = new Map<string, number[]>();
  report.forEach((day, i) => {
    for (const group of (day[list] as Array<Record<string, unknown>>) ?? []) {
      const key = String(group[name]);
      const values = series.get(key) ?? days.map(() => 0);
      values[i] = Number(group['total_spend'] ?? 0);
      series.set(key, values);
    }
  });
  return { days, series };
}

/** Each series' total, the largest first. */
export function totals(data: DailySeries): Array<[string, number]> {
  return [...data.series].map(([name, values]) => [name, values.reduce((sum, value) => sum + value, 0)] as [string, number]).sort((a, b) => b[1] - a[1]);
}
