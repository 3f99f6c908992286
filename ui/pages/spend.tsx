// Spend and logs: the ledger (LiteLLM's /spend/logs/v2) with filters, one request's details
// (/spend/logs?request_id=), CSV export of what the filters select, and daily charts by model and team.
import { useState } from 'preact/hooks';
import { get } from '../api.ts';
import { DailyChart } from '../chart.tsx';
import { Card, ErrorBox, Field, money, Table, text, useLoad } from '../components.tsx';
import { dailySpend, daysAgo } from './spend-data.ts';

export interface SpendLog {
  request_id: string;
  startTime: string;
  model: string;
  model_group?: string | null;
  api_key?: string | null;
  key_alias?: string | null;
  user?: string | null;
  team_id?: string | null;
  end_user?: string | null;
  status?: string;
  spend: number;
  prompt_tokens?: number;
  completion_tokens?: number;
  total_tokens?: number;
  request_duration_ms?: number;
}

const FILTERS: Array<[string, string]> = [
  ['Key alias', 'key_alias'],
  ['Team id', 'team_id'],
  ['User id', 'user_id'],
  ['Model', 'model_group'],
  ['Status', 'status_filter'],
  ['From', 'start_date'],
  ['To', 'end_date'],
];

const CSV_FIELDS: Array<keyof SpendLog> = [
  'request_id',
  'startTime',
  'model',
  'model_group',
  'user',
  'team_id',
  'end_user',
  'status',
  'spend',
  'prompt_tokens',
  'completion_tokens',
  'total_tokens',
  'request_duration_ms',
];

function csv(logs: SpendLog[]): string {
  const cell = (value: unknown) => {
    const shown = value === null || value === undefined ? '' : String(value);
    return /[",\n]/.test(shown) ? `"${shown.replaceAll('"', '""')}"` : shown;
  };
  return [CSV_FIELDS.join(','), ...logs.map((log) => CSV_FIELDS.map((field) => cell(log[field])).join(','))].join('\n');
}

function download(name: string, body: string): void {
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([body], { type: 'text/csv' }));
  link.download = name;
  link.click();
  URL.revokeObjectURL(link.href);
}

export function SpendPage() {
  const [filters, setFilters] = useState<Record<string, string>>({ start_date: daysAgo(30), end_date: daysAgo(0) });
  const [applied, setApplied] = useState(filters);
  const [detail, setDetail] = useState<string>();
  const logs = useLoad(() => get<{ data: SpendLog[]; total: number }>('/spend/logs/v2', { ...applied, page_size: '100' }), [applied]);
  const charts = useLoad(() => Promise.all([dailySpend('model', applied['start_date']!, applied['end_date']!), dailySpend('team', applied['start_date']!, applied['end_date']!)]), [applied]);
  return (
    <div>
      <h2>Spend and logs</h2>
      <form
        class="inline"
        onSubmit={(event) => {
          event.preventDefault();
          setApplied({ ...filters });
        }}
      >
        {FILTERS.map(([label, name]) => (
          <Field key={name} label={label} value={filters[name] ?? ''} onInput={(value) => setFilters({ ...filters, [name]: value })} type={name.endsWith('_date') ? 'date' : 'text'} />
        ))}
        <button type="submit">Filter</button>
        <button type="button" disabled={!logs.data?.data.length} onClick={() => download('spend-logs.csv', csv(logs.data!.data))}>
          Export CSV
        </button>
      </form>
      <ErrorBox error={logs.error ?? charts.error} />
      {charts.data && (
        <div class="columns">
          <DailyChart data={charts.data[0]} label="Daily spend by model" />
          <DailyChart data={charts.data[1]} label="Daily spend by team" />
        </div>
      )}
      {detail && <RequestDetail requestId={detail} onClose={() => setDetail(undefined)} />}
      <p class="muted">{logs.data && `${logs.data.total} requests`}</p>
      <Table
        rows={logs.data?.data}
        onPick={(log) => setDetail(log.request_id)}
        empty="No requests in this range."
        columns={[
          { title: 'Time', show: (log) => log.startTime.replace('T', ' ').slice(0, 19) },
          { title: 'Model', show: (log) => text(log.model_group ?? log.model) },
          { title: 'Key', show: (log) => text(log.key_alias) },
          { title: 'Team', show: (log) => text(log.team_id) },
          { title: 'User', show: (log) => text(log.user) },
          { title: 'Status', show: (log) => text(log.status) },
          { title: 'Tokens', show: (log) => text(log.total_tokens) },
          { title: 'Spend', show: (log) => money(log.spend) },
        ]}
      />
    </div>
  );
}

function RequestDetail({ requestId, onClose }: { requestId: string; onClose: () => void }) {
  const { data, error } = useLoad(() => get<SpendLog[]>('/spend/logs', { request_id: requestId }), [requestId]);
  return (
    <Card title={`Request ${requestId}`}>
      <ErrorBox error={error} />
      {data && <pre data-testid="request-detail">{JSON.stringify(data[0] ?? 'not found', null, 2)}</pre>}
      <button type="button" onClick={onClose}>
        Close
      </button>
    </Card>
  );
}
