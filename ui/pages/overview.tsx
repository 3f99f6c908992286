// Overview: spend today, this week and this month; requests, errors and latency; the top models, keys
// and teams; keys near or over their budget.
import { get } from '../api.ts';
import { DailyChart } from '../chart.tsx';
import { Card, ErrorBox, money, Table, text, useLoad } from '../components.tsx';
import { listKeys } from './keys.tsx';
import { dailySpend, daysAgo, totals } from './spend-data.ts';
import type { SpendLog } from './spend.tsx';

async function overview() {
  const today = daysAgo(0);
  const [byModel, byTeam, logs, keys] = await Promise.all([
    dailySpend('model', daysAgo(30), today),
    dailySpend('team', daysAgo(30), today),
    get<{ data: SpendLog[] }>('/spend/logs/v2', { start_date: daysAgo(7), end_date: today, page_size: '100' }).catch(() => ({ data: [] as SpendLog[] })),
    listKeys(),
  ]);
  const since = (days: number) => {
    const first = daysAgo(days);
    return byModel.days.reduce((sum, day, i) => (day >= first ? sum + [...byModel.series.values()].reduce((s, values) => s + values[i]!, 0) : sum), 0);
  };
  const recent = logs.data;
  const errors = recent.filter((log) => log.status !== 'success').length;
  const latency = recent.length ? recent.reduce((sum, log) => sum + (log.request_duration_ms ?? 0), 0) / recent.length : undefined;
  const alerts = keys.filter((key) => key.max_budget !== null && key.spend >= 0.8 * key.max_budget);
  return { today: since(0), week: since(6), month: since(29), byModel, byTeam, requests: recent.length, errors, latency, keys, alerts };
}

export function OverviewPage() {
  const { data, error } = useLoad(overview);
  return (
    <div>
      <h2>Overview</h2>
      <ErrorBox error={error} />
      {!data && !error && <p class="muted">Loading…</p>}
      {data && (
        <>
          <div class="stats">
            <Stat label="Spend today" value={money(data.today)} />
            <Stat label="This week" value={money(data.week)} />
            <Stat label="This month" value={money(data.month)} />
            <Stat label="Requests (7 days, last 100)" value={String(data.requests)} />
            <Stat label="Errors" value={String(data.errors)} />
            <Stat label="Mean latency" value={data.latency === undefined ? '—' : `${Math.round(data.latency)} ms`} />
          </div>
          <DailyChart data={data.byModel} label="Daily spend by model" />
          <div class="columns">
            <Card title="Top models">
              <Table
                rows={totals(data.byModel).slice(0, 5)}
                columns={[
                  { title: 'Model', show: ([name]) => name },
                  { title: 'Spend', show: ([, spend]) => money(spend) },
                ]}
              />
            </Card>
            <Card title="Top teams">
              <Table
                rows={totals(data.byTeam).slice(0, 5)}
                columns={[
                  { title: 'Team', show: ([name]) => name },
                  { title: 'Spend', show: ([, spend]) => money(spend) },
                ]}
              />
            </Card>
            <Card title="Top keys">
              <Table
                rows={[...data.keys].sort((a, b) => b.spend - a.spend).slice(0, 5)}
                columns={[
                  { title: 'Key', show: (key) => text(key.key_alias ?? key.key_name) },
                  { title: 'Spend', show: (key) => money(key.spend) },
                ]}
              />
            </Card>
          </div>
          <Card title="Budget alerts">
            <Table
              rows={data.alerts}
              empty="No key is near its budget."
              columns={[
                { title: 'Key', show: (key) => text(key.key_alias ?? key.key_name) },
                { title: 'Spend', show: (key) => money(key.spend) },
                { title: 'Budget', show: (key) => money(key.max_budget) },
              ]}
            />
          </Card>
        </>
      )}
    </div>
  );
}

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <div class="stat">
      <span>{label}</span>
      <strong>{value}</strong>
    </div>
  );
}
