// GET /spend/logs, LiteLLM's paginated GET /spend/logs/v2, GET /spend/tags and GET /global/spend/report, in LiteLLM's
// shapes, read from the spend ledger (shared/store/ledger.ts). A virtual key sees only its own
// records; the master key sees all. Record listings come in bounded pages, so that an answer never
// grows with the ledger.
import { GatewayError } from '../core/errors.ts';
import type { GatewayRequest, RequestContext, Route } from '../core/types.ts';
import { tokenOf } from '../keys/key-material.ts';
import { CallerScope } from '../keys/caller-scope.ts';
import { virtualKeyOf } from '../keys/identity.ts';
import { matchesFilter, type LedgerOrder, type SpendLog, type SpendLogFilter } from '../store/ledger.ts';
import type { SpendTracker } from '../spend/tracker.ts';
import { usd } from '../pricing/usd.ts';
import { pageParams } from './admin/admin-route.ts';

const DAY_MS = 86_400_000;
/** Range when a request gives no dates, and the longest it may ask for. */
const DEFAULT_RANGE_DAYS = 30;
const MAX_RANGE_DAYS = 366;
/** /spend/logs records per page: its default and most (LiteLLM returns them all; a ledger can hold millions). */
const LOGS_PAGE = { default: 100, max: 1000 };
/** /spend/logs/v2 pages, as LiteLLM's. */
const V2_PAGE = { default: 50, max: 100 };

/** LiteLLM's v2 sort_by values → the ledger field each sorts by. */
const SORT_FIELDS: Record<string, keyof SpendLog> = {
  startTime: 'startTime',
  endTime: 'endTime',
  spend: 'spend',
  total_tokens: 'total_tokens',
  request_duration_ms: 'request_duration_ms',
  model: 'model',
  ttft_ms: 'time_to_first_token_ms',
};
/** v2 filters LiteLLM has that the ledger keeps nothing for: refused rather than ignored. */
const UNRECORDED_FILTERS = ['session_id', 'error_code', 'error_message'];

/** `spend` is absent on a gateway without a table: these routes then say so. */
export function spendEndpoint(tracker: SpendTracker | undefined): Route[] {
  return [
    {
      method: 'GET',
      paths: ['/spend/logs'],
      auth: 'caller',
      async handle(request, ctx) {
        const spend = requireSpend(tracker);
        const query = request.query;
        const apiKey = ownKeyOnly(ctx, query['api_key'] === undefined ? undefined : tokenOf(query['api_key']));
        if (query['request_id']) {
          // As LiteLLM's: the id of the answer the client got finds its record too (`chatcmpl-…`).
          const id = query['request_id'];
          const log = (await spend.ledger.get(id, spend.now())) ?? (await spend.ledger.answered(id, { ...dateRange(query, spend.now()), api_key: apiKey }, spend.now()));
          return json(log && (apiKey === undefined || log.api_key === apiKey) ? [log] : []);
        }
        const filter: SpendLogFilter = { ...dateRange(query, spend.now()), api_key: apiKey, user: query['user_id'], team_id: query['team_id'], end_user: query['end_user'] };
        // As LiteLLM: with a date range, `summarize` (default true) gives one row per day.
        if (query['start_date'] !== undefined && query['summarize'] !== 'false') return json(dailySummary(await spend.ledger.list(filter, spend.now())));
        // A bare list, as LiteLLM answers, newest first and a page at a time; x-total-count says how many there are.
        const { page, size } = pageParams(query, 'page_size', LOGS_PAGE.default, LOGS_PAGE.max);
        const [logs, total] = await Promise.all([spend.ledger.page(filter, spend.now(), (page - 1) * size, size), spend.ledger.count(filter, spend.now())]);
        return { headers: { 'x-total-count': String(total) }, body: JSON.stringify(logs) };
      },
    },
    {
      method: 'GET',
      paths: ['/spend/logs/v2'],
      auth: 'caller',
      handle: async (request, ctx) => json(await logsPage(request, ctx, requireSpend(tracker))),
    },
    {
      // LiteLLM's spend per tag over a date range (default the last 30 days), from the ledger's request_tags.
      method: 'GET',
      paths: ['/spend/tags'],
      auth: 'admin',
      async handle(request, ctx) {
        const spend = requireSpend(tracker);
        // Below the admins (internal users), the spend of their own user's requests only.
        const scope = new CallerScope(ctx.identity);
        const user = scope.readsAll ? undefined : (scope.userId ?? '');
        return json(spendByTag(await spend.ledger.list({ ...dateRange(request.query, spend.now()), user }, spend.now())));
      },
    },
    {
      method: 'GET',
      paths: ['/global/spend/report'],
      auth: 'admin',
      async handle(request) {
        const spend = requireSpend(tracker);
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

/** One row per tag: LiteLLM's `individual_request_tag`, `log_count` and `total_spend`, the dearest first. */
function spendByTag(logs: SpendLog[]) {
  const rows = new Map<string, { individual_request_tag: string; log_count: number; total_spend: number }>();
  for (const log of logs) {
    for (const tag of log.request_tags ?? []) {
      const row = rows.get(tag) ?? { individual_request_tag: tag, log_count: 0, total_spend: 0 };
      row.log_count += 1;
      row.total_spend = usd(row.total_spend + log.spend);
      rows.set(tag, row);
    }
  }
  return [...rows.values()].sort((x, y) => y.total_spend - x.total_spend);
}

/**
 * LiteLLM's /spend/logs/v2: `start_date` and `end_date` required, its filters, `sort_by`/`sort_order`
 * (start time, newest first by default), and `{data, total, page, page_size, total_pages}`.
 */
async function logsPage(request: GatewayRequest, ctx: RequestContext, spend: SpendTracker) {
  const query = request.query;
  if (query['start_date'] === undefined || query['end_date'] === undefined) {
    throw new GatewayError('invalid_request', 'Start date and end date are required: GET /spend/logs/v2?start_date=2025-01-01&end_date=2025-01-31 (dates, or "YYYY-MM-DD HH:MM:SS" in UTC).', {
      param: query['start_date'] === undefined ? 'start_date' : 'end_date',
    });
  }
  const unrecorded = UNRECORDED_FILTERS.find((name) => query[name]);
  if (unrecorded) throw new GatewayError('invalid_request', `${unrecorded} cannot filter Tollgate's spend logs: the ledger does not record it.`, { param: unrecorded });
  const { page, size } = pageParams(query, 'page_size', V2_PAGE.default, V2_PAGE.max);
  const sortBy = query['sort_by'] ?? 'startTime';
  if (!Object.hasOwn(SORT_FIELDS, sortBy)) throw new GatewayError('invalid_request', `sort_by must be one of ${Object.keys(SORT_FIELDS).join(', ')}, not "${sortBy}".`, { param: 'sort_by' });
  const sortOrder = query['sort_order'] ?? 'desc';
  if (sortOrder !== 'asc' && sortOrder !== 'desc') throw new GatewayError('invalid_request', `sort_order must be asc or desc, not "${sortOrder}".`, { param: 'sort_order' });

  const apiKey = ownKeyOnly(ctx, query['api_key'] === undefined ? undefined : tokenOf(query['api_key']));
  const filter: SpendLogFilter = {
    ...dateRange(query, spend.now()),
    api_key: apiKey,
    user: query['user_id'],
    team_id: query['team_id'],
    end_user: query['end_user'],
    status: query['status_filter'],
    model: query['model'],
    model_id: query['model_id'],
    model_group: query['model_group'],
    key_alias: query['key_alias'],
    min_spend: amount(query, 'min_spend'),
    max_spend: amount(query, 'max_spend'),
  };
  const offset = (page - 1) * size;
  let data: SpendLog[];
  let total: number;
  if (query['request_id']) {
    // One record at most: read it (by the gateway's id, else the answer's), and judge the filters on it here.
    const log = (await spend.ledger.get(query['request_id'], spend.now())) ?? (await spend.ledger.answered(query['request_id'], filter, spend.now()));
    data = log && matchesFilter(log, filter) ? [log] : [];
    total = data.length;
    data = data.slice(offset, offset + size);
  } else if (sortBy === 'startTime') {
    // The index keeps records in start-time order: read no further than the page.
    const order: LedgerOrder = sortOrder === 'desc' ? 'newest' : 'oldest';
    [data, total] = await Promise.all([spend.ledger.page(filter, spend.now(), offset, size, order), spend.ledger.count(filter, spend.now())]);
  } else {
    const all = sortedBy(await spend.ledger.list(filter, spend.now()), SORT_FIELDS[sortBy]!, sortOrder);
    total = all.length;
    data = all.slice(offset, offset + size);
  }
  return { data, total, page, page_size: size, total_pages: Math.ceil(total / size) };
}

function amount(query: Record<string, string>, name: string): number | undefined {
  const text = query[name];
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) throw new GatewayError('invalid_request', `${name} must be a number (USD), not "${text}".`, { param: name });
  return value;
}

function sortedBy(logs: SpendLog[], field: keyof SpendLog, order: 'asc' | 'desc'): SpendLog[] {
  const sign = order === 'asc' ? 1 : -1;
  const key = (log: SpendLog) => log[field] ?? null;
  return logs.sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    // Records without the field (a model unknown, no first token) go last either way.
    if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
    return sign * (typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y)));
  });
}

function requireSpend(spend: SpendTracker | undefined): SpendTracker {
  if (!spend) throw new GatewayError('not_found', 'Spend tracking needs the table: this gateway runs without one (set TOLLGATE_TABLE, or use npm start).');
  return spend;
}

/** A virtual key may read only its own records. */
function ownKeyOnly(ctx: RequestContext, asked: string | undefined): string | undefined {
  const key = virtualKeyOf(ctx.identity);
  if (!key) return asked;
  if (asked !== undefined && asked !== key.token) {
    throw new GatewayError('permission_denied', 'A virtual key may read only its own spend logs; the master key reads all.', { param: 'api_key' });
  }
  return key.token;
}

/** `start_date` / `end_date` as YYYY-MM-DD (whole UTC days), LiteLLM's "YYYY-MM-DD HH:MM:SS" (UTC) or ISO times; default the last 30 days. */
function dateRange(query: Record<string, string>, now: number): { from: string; to: string } {
  const to = query['end_date'] === undefined ? now : parseDate(query['end_date'], 'end_date', true);
  const from = query['start_date'] === undefined ? to - DEFAULT_RANGE_DAYS * DAY_MS : parseDate(query['start_date'], 'start_date', false);
  if (from > to) throw new GatewayError('invalid_request', 'start_date is after end_date.', { param: 'start_date' });
  if (to - from > MAX_RANGE_DAYS * DAY_MS) throw new GatewayError('invalid_request', `The range may span at most ${MAX_RANGE_DAYS} days; narrow start_date/end_date.`, { param: 'start_date' });
  return { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
}

function parseDate(text: string, param: string, endOfDay: boolean): number {
  const day = /^\d{4}-\d{2}-\d{2}$/.test(text);
  const utc = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(text);
  const ms = Date.parse(day ? `${text}T00:00:00.000Z` : utc ? `${text.replace(' ', 'T')}Z` : text);
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

/**
 * LiteLLM's /global/spend/report: per day, per group, total spend and a per-model breakdown; Tollgate
 * adds what the response cache saved (`cache_savings`) and how many answers it gave (`cache_hits`).
 */
function report(logs: SpendLog[], grouping: Grouping): Array<Record<string, unknown>> {
  const days = new Map<string, Map<string, { total: number; saved: number; hits: number; models: Map<string, { spend: number; total_tokens: number }> }>>();
  for (const log of logs) {
    const day = log.startTime.slice(0, 10);
    const groups = days.get(day) ?? new Map();
    days.set(day, groups);
    const name = grouping.of(log);
    const group = groups.get(name) ?? { total: 0, saved: 0, hits: 0, models: new Map() };
    groups.set(name, group);
    group.total = usd(group.total + log.spend);
    group.saved = usd(group.saved + (log.cache_savings ?? 0));
    if (log.cache_hit) group.hits += 1;
    const model = log.model_group ?? 'unknown';
    const entry = group.models.get(model) ?? { spend: 0, total_tokens: 0 };
    group.models.set(model, { spend: usd(entry.spend + log.spend), total_tokens: entry.total_tokens + log.total_tokens });
  }
  return [...days]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([day, groups]) => ({
      group_by_day: day,
      [grouping.list]: [...groups]
        .sort(([, a], [, b]) => b.total - a.total)
        .map(([name, group]) => ({
          [grouping.name]: name,
          total_spend: group.total,
          cache_savings: group.saved,
          cache_hits: group.hits,
          metadata: [...group.models].map(([model, m]) => ({ model, spend: m.spend, total_tokens: m.total_tokens })),
        })),
    }));
}

function json(value: unknown): { body: string } {
  return { body: JSON.stringify(value) };
}
