// GET /spend/logs and GET /global/spend/report, in LiteLLM's shapes, read from the spend ledger
// (shared/spend/ledger.ts). A virtual key sees only its own records; the master key sees all.
import { GatewayError } from '../core/errors.ts';
import type { RequestContext, Route } from '../core/types.ts';
import { tokenOf } from '../keys/key-material.ts';
import type { Services } from '../services.ts';
import type { SpendLog, SpendLogFilter } from '../spend/ledger.ts';
import type { SpendTracker } from '../spend/tracker.ts';
import { usd } from '../pricing/usd.ts';

const DAY_MS = 86_400_000;
/** Range when a request gives no dates, and the longest it may ask for. */
const DEFAULT_RANGE_DAYS = 30;
const MAX_RANGE_DAYS = 366;

export function spendRoutes(services: Services): Route[] {
  return [
    {
      method: 'GET',
      paths: ['/spend/logs'],
      auth: 'caller',
      async handle(request, ctx) {
        const spend = requireSpend(services);
        const query = request.query;
        const apiKey = ownKeyOnly(ctx, query['api_key'] === undefined ? undefined : tokenOf(query['api_key']));
        if (query['request_id']) {
          const log = await spend.ledger.get(query['request_id'], spend.now());
          return json(log && (apiKey === undefined || log.api_key === apiKey) ? [log] : []);
        }
        const filter: SpendLogFilter = { ...dateRange(query, spend.now()), api_key: apiKey, user: query['user_id'], team_id: query['team_id'], end_user: query['end_user'] };
        const logs = await spend.ledger.list(filter, spend.now());
        // As LiteLLM: with a date range, `summarize` (default true) gives one row per day.
        const summarize = query['start_date'] !== undefined && query['summarize'] !== 'false';
        return json(summarize ? dailySummary(logs) : logs);
      },
    },
    {
      method: 'GET',
      paths: ['/global/spend/report'],
      auth: 'admin',
      async handle(request) {
        const spend = requireSpend(services);
        const groupBy = request.query['group_by'] ?? 'team';
        if (!Object.hasOwn(GROUPINGS, groupBy)) {
          throw new GatewayError('invalid_request', `group_by must be one of ${Object.keys(GROUPINGS).join(', ')}, not "${groupBy}".`, { param: 'group_by' });
        }
        const logs = await spend.ledger.list(dateRange(request.query, spend.now()), spend.now());
        return json(report(logs, GROUPINGS[groupBy as keyof typeof GROUPINGS]));
      },
    },
  ];
}

function requireSpend(services: Services): SpendTracker {
  if (!services.spend) throw new GatewayError('not_found', 'Spend tracking needs the table: this gateway runs without one (set TOLLGATE_TABLE, or use npm start).');
  return services.spend;
}

/** A virtual key may read only its own records. */
function ownKeyOnly(ctx: RequestContext, asked: string | undefined): string | undefined {
  if (ctx.identity?.kind !== 'virtual_key') return asked;
  if (asked !== undefined && asked !== ctx.identity.token) {
    throw new GatewayError('permission_denied', 'A virtual key may read only its own spend logs; the master key reads all.', { param: 'api_key' });
  }
  return ctx.identity.token;
}

/** `start_date` / `end_date` as YYYY-MM-DD (whole UTC days) or ISO times; default the last 30 days. */
function dateRange(query: Record<string, string>, now: number): { from: string; to: string } {
  const to = query['end_date'] === undefined ? now : parseDate(query['end_date'], 'end_date', true);
  const from = query['start_date'] === undefined ? to - DEFAULT_RANGE_DAYS * DAY_MS : parseDate(query['start_date'], 'start_date', false);
  if (from > to) throw new GatewayError('invalid_request', 'start_date is after end_date.', { param: 'start_date' });
  if (to - from > MAX_RANGE_DAYS * DAY_MS) throw new GatewayError('invalid_request', `The range may span at most ${MAX_RANGE_DAYS} days; narrow start_date/end_date.`, { param: 'start_date' });
  return { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
}

function parseDate(text: string, param: string, endOfDay: boolean): number {
  const day = /^\d{4}-\d{2}-\d{2}$/.test(text);
  const ms = Date.parse(day ? `${text}T00:00:00.000Z` : text);
  if (Number.isNaN(ms)) throw new GatewayError('invalid_request', `${param} must be a date (YYYY-MM-DD) or an ISO time, not "${text}".`, { param });
  return day && endOfDay ? ms + DAY_MS - 1 : ms;
}

/** LiteLLM's summarized /spend/logs: per day, total spend and spend by model and by user (key hash). */
function dailySummary(logs: SpendLog[]): Array<{ startTime: string; spend: number; models: Record<string, number>; users: Record<string, number> }> {
  const days = new Map<string, { startTime: string; spend: number; models: Record<string, number>; users: Record<string, number> }>();
  for (const log of logs) {
    const startTime = log.startTime.slice(0, 10);
    const day = days.get(startTime) ?? { startTime, spend: 0, models: {}, users: {} };
    day.spend = usd(day.spend + log.spend);
    const model = log.model_group ?? 'unknown';
    day.models[model] = usd((day.models[model] ?? 0) + log.spend);
    const user = log.api_key ?? 'unknown';
    day.users[user] = usd((day.users[user] ?? 0) + log.spend);
    days.set(startTime, day);
  }
  return [...days.values()].sort((a, b) => a.startTime.localeCompare(b.startTime));
}

/** group_by → the field of LiteLLM's report that lists the groups, and how a record names its group. */
const GROUPINGS = {
  team: { list: 'teams', name: 'team_name', of: (log: SpendLog) => log.team_id ?? 'Unassigned Team' },
  customer: { list: 'customers', name: 'customer', of: (log: SpendLog) => log.end_user ?? 'Unassigned Customer' },
  api_key: { list: 'api_keys', name: 'api_key', of: (log: SpendLog) => log.api_key ?? 'none' },
  model: { list: 'models', name: 'model', of: (log: SpendLog) => log.model_group ?? 'unknown' },
} as const;

type Grouping = (typeof GROUPINGS)[keyof typeof GROUPINGS];

/** LiteLLM's /global/spend/report: per day, per group, total spend and a per-model breakdown. */
function report(logs: SpendLog[], grouping: Grouping): Array<Record<string, unknown>> {
  const days = new Map<string, Map<string, { total: number; models: Map<string, { spend: number; total_tokens: number }> }>>();
  for (const log of logs) {
    const day = log.startTime.slice(0, 10);
    const groups = days.get(day) ?? new Map();
    days.set(day, groups);
    const name = grouping.of(log);
    const group = groups.get(name) ?? { total: 0, models: new Map() };
    groups.set(name, group);
    group.total = usd(group.total + log.spend);
    const model = log.model_group ?? 'unknown';
    const entry = group.models.get(model) ?? { spend: 0, total_tokens: 0 };
    group.models.set(model, { spend: usd(entry.spend + log.spend), total_tokens: entry.total_tokens + log.total_tokens });
  }
  return [...days].sort(([a], [b]) => a.localeCompare(b)).map(([day, groups]) => ({
    group_by_day: day,
    [grouping.list]: [...groups].sort(([, a], [, b]) => b.total - a.total).map(([name, group]) => ({
      [grouping.name]: name,
      total_spend: group.total,
      metadata: [...group.models].map(([model, m]) => ({ model, spend: m.spend, total_tokens: m.total_tokens })),
    })),
  }));
}

function json(value: unknown): { body: string } {
  return { body: JSON.stringify(value) };
}
