// LiteLLM's GET /user/daily/activity, /team/daily/activity and /tag/daily/activity: spend, tokens and
// requests by day, broken down by model, model group, provider, key and account, in LiteLLM's
// SpendAnalyticsPaginatedResponse shape (litellm/types/proxy/management_endpoints/common_daily_activity.py).
// Read from the daily rollups the spend tracker adds each recorded request to (shared/store/daily-spend.ts),
// never from the ledger. As LiteLLM, a page is a page of rollup rows (newest day first) and the
// metadata's totals are the page's. A user sees their own activity, a team admin their teams', proxy
// admins (and viewers) everyone's; tags are the admins'.
import { GatewayError } from '../core/errors.ts';
import type { GatewayRequest, RequestContext, Route } from '../core/types.ts';
import { CallerScope } from '../keys/caller-scope.ts';
import { tokenOf } from '../keys/key-material.ts';
import { virtualKeyOf } from '../keys/identity.ts';
import { usd } from '../pricing/usd.ts';
import type { SpendTracker } from '../spend/tracker.ts';
import type { DailyRollup, RollupKind, RollupQuery } from '../store/daily-spend.ts';
import type { EntityItems } from '../store/entity-items.ts';
import type { TeamRecord } from '../store/records.ts';
import { pageParams } from './admin/admin-route.ts';

const DAY_MS = 86_400_000;
const MAX_RANGE_DAYS = 366;
/** LiteLLM's page sizes: 50 rows for a user's activity, 10 for teams' and tags'; at most 1000. */
const PAGE_SIZES: Record<RollupKind, number> = { user: 50, team: 10, tag: 10 };

type SpendMetrics = ReturnType<typeof emptyMetrics>;
interface MetricWithMetadata {
  metrics: SpendMetrics;
  metadata: Record<string, unknown>;
  api_key_breakdown: Record<string, KeyMetric>;
}
interface KeyMetric {
  metrics: SpendMetrics;
  metadata: { key_alias: string | null; team_id: string | null; user_id: string | null };
}
interface Breakdown {
  mcp_servers: Record<string, MetricWithMetadata>;
  models: Record<string, MetricWithMetadata>;
  model_groups: Record<string, MetricWithMetadata>;
  providers: Record<string, MetricWithMetadata>;
  endpoints: Record<string, MetricWithMetadata>;
  api_keys: Record<string, KeyMetric>;
  entities: Record<string, MetricWithMetadata>;
}

/** `teams` reads team records: their aliases, and whether a caller is their admin. */
export function dailyActivityEndpoint(tracker: SpendTracker | undefined, teams: EntityItems<TeamRecord> | undefined): Route[] {
  const route = (kind: RollupKind, scope: (request: GatewayRequest, ctx: RequestContext) => Promise<Scope>): Route => ({
    method: 'GET',
    paths: [`/${kind}/daily/activity`],
    auth: 'admin',
    group: 'info',
    async handle(request, ctx) {
      if (!tracker || !teams) throw new GatewayError('not_found', 'Daily activity needs the table: this gateway runs without one (set TOLLGATE_TABLE, or use npm start).');
      const query = request.query;
      const range = dayRange(query);
      const { page, size } = pageParams(query, 'page_size', PAGE_SIZES[kind], 1000);
      const { entityIds, apiKey, metadata } = await scope(request, ctx);
      const asked = query['api_key'] ? tokenOf(query['api_key']) : undefined;
      if (apiKey !== undefined && asked !== undefined && asked !== apiKey) throw new GatewayError('permission_denied', 'A key without a user may read only its own activity.', { param: 'api_key' });
      const rollupQuery: RollupQuery = { ...range, entityIds, model: query['model'] || undefined, api_key: apiKey ?? asked };
      let rows = await tracker.dailySpend.list(kind, rollupQuery);
      const excluded = list(query['exclude_team_ids']);
      if (kind === 'team' && excluded) rows = rows.filter((row) => !excluded.includes(row.entity_id));
      return { body: JSON.stringify(activityPage(rows, page, size, await metadata(rows))) };
    },
  });

  return [
    route('user', async (request, ctx) => {
      const scope = new CallerScope(ctx.identity);
      const asked = request.query['user_id'] || undefined;
      if (scope.readsAll) return { entityIds: asked === undefined ? undefined : [asked], metadata: noMetadata };
      if (asked !== undefined && asked !== scope.userId) throw scope.refusal(`may read only its own user's activity (user_id ${scope.userId ?? 'none'}).`);
      // A key without a user reads its own requests, which count toward no user ('').
      return scope.userId === null ? { entityIds: [''], apiKey: scope.token, metadata: noMetadata } : { entityIds: [scope.userId], metadata: noMetadata };
    }),
    route('team', async (request, ctx) => {
      const scope = new CallerScope(ctx.identity);
      const asked = list(request.query['team_ids']);
      const aliases = async (rows: DailyRollup[]) => {
        const records = await Promise.all([...new Set(rows.map((row) => row.entity_id))].map((id) => teams!.get(id)));
        return Object.fromEntries(records.filter((team) => team !== undefined).map((team) => [team.team_id, { team_alias: team.team_alias ?? null }]));
      };
      if (scope.readsAll) return { entityIds: asked, metadata: aliases };
      // The teams the caller is an admin of: those asked for, else its key's and its user's.
      const key = virtualKeyOf(ctx.identity);
      const candidates = asked ?? [...new Set([key?.teamId, ...(key?.user?.teams ?? [])].filter((id): id is string => typeof id === 'string'))];
      const records = await Promise.all(candidates.map((id) => teams!.get(id)));
      const administered = records.filter((team): team is TeamRecord => team !== undefined && scope.isAdminOf(team)).map((team) => team.team_id);
      const refused = asked?.find((id) => !administered.includes(id));
      if (refused !== undefined) throw scope.refusal(`may read only the activity of teams it is an admin of; not team ${refused}.`);
      return { entityIds: administered, metadata: aliases };
    }),
    route('tag', async (request) => ({ entityIds: list(request.query['tags']), metadata: noMetadata })),
  ];
}

/** Whose rollups a caller reads (all of the kind when `entityIds` is absent), and each account's metadata. */
interface Scope {
  entityIds: string[] | undefined;
  /** Set for a key without a user: only its own rows. */
  apiKey?: string;
  metadata: (rows: DailyRollup[]) => Promise<Record<string, Record<string, unknown>>>;
}

const noMetadata = async () => ({});

function list(text: string | undefined): string[] | undefined {
  const items = text
    ?.split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  return items?.length ? items : undefined;
}

/** LiteLLM requires both dates, YYYY-MM-DD (UTC days, as its daily tables). */
function dayRange(query: Record<string, string>): { from: string; to: string } {
  const [from, to] = [query['start_date'], query['end_date']];
  if (!from || !to) throw new GatewayError('invalid_request', 'Please provide start_date and end_date (YYYY-MM-DD).', { param: from ? 'end_date' : 'start_date' });
  for (const [param, day] of [
    ['start_date', from],
    ['end_date', to],
  ] as const) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(Date.parse(`${day}T00:00:00Z`))) throw new GatewayError('invalid_request', `${param} must be a date, YYYY-MM-DD, not "${day}".`, { param });
  }
  const span = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS;
  if (span < 0) throw new GatewayError('invalid_request', 'start_date is after end_date.', { param: 'start_date' });
  if (span >= MAX_RANGE_DAYS) throw new GatewayError('invalid_request', `The range may span at most ${MAX_RANGE_DAYS} days; narrow start_date/end_date.`, { param: 'start_date' });
  return { from, to };
}

/** LiteLLM's SpendAnalyticsPaginatedResponse of one page of rows. */
function activityPage(rows: DailyRollup[], page: number, size: number, entityMetadata: Record<string, Record<string, unknown>>) {
  const slice = rows.slice((page - 1) * size, page * size);
  const days = new Map<string, { date: string; metrics: SpendMetrics; breakdown: Breakdown }>();
  const totals = emptyMetrics();
  for (const row of slice) {
    let day = days.get(row.date);
    if (!day) {
      day = { date: row.date, metrics: emptyMetrics(), breakdown: { mcp_servers: {}, models: {}, model_groups: {}, providers: {}, endpoints: {}, api_keys: {}, entities: {} } };
      days.set(row.date, day);
    }
    addTo(totals, row);
    addTo(day.metrics, row);
    const { breakdown } = day;
    if (row.model) addWithKeys(breakdown.models, row.model, row, {});
    if (row.model_group ?? row.model) addWithKeys(breakdown.model_groups, (row.model_group ?? row.model)!, row, {});
    addWithKeys(breakdown.providers, row.custom_llm_provider ?? 'unknown', row, {});
    addTo((breakdown.api_keys[row.api_key] ??= keyMetric(row)).metrics, row);
    const entity = row.entity_id || 'Unassigned';
    addWithKeys(breakdown.entities, entity, row, entityMetadata[entity] ?? {});
  }
  const totalPages = Math.ceil(rows.length / size);
  return {
    results: [...days.values()],
    metadata: {
      total_spend: totals.spend,
      total_flat_cost: 0,
      total_prompt_tokens: totals.prompt_tokens,
      total_completion_tokens: totals.completion_tokens,
      total_tokens: totals.total_tokens,
      total_api_requests: totals.api_requests,
      total_successful_requests: totals.successful_requests,
      total_failed_requests: totals.failed_requests,
      total_cache_read_input_tokens: totals.cache_read_input_tokens,
      total_cache_creation_input_tokens: totals.cache_creation_input_tokens,
      total_compression_saved_tokens: 0,
      total_compression_savings_spend: 0,
      total_prompt_caching_savings_spend: 0,
      total_gateway_injected_caching_savings_spend: 0,
      total_autorouter_savings_spend: 0,
      total_response_time_ms: totals.total_response_time_ms,
      total_timed_requests: totals.timed_requests,
      page,
      total_pages: totalPages,
      has_more: page * size < rows.length,
    },
  };
}

function emptyMetrics() {
  return {
    spend: 0,
    flat_cost: 0,
    prompt_tokens: 0,
    completion_tokens: 0,
    cache_read_input_tokens: 0,
    cache_creation_input_tokens: 0,
    compression_saved_tokens: 0,
    compression_savings_spend: 0,
    prompt_caching_savings_spend: 0,
    gateway_injected_caching_savings_spend: 0,
    autorouter_savings_spend: 0,
    total_tokens: 0,
    successful_requests: 0,
    failed_requests: 0,
    api_requests: 0,
    total_response_time_ms: 0,
    timed_requests: 0,
  };
}

function addTo(metrics: SpendMetrics, row: DailyRollup): void {
  metrics.spend = usd(metrics.spend + row.spend);
  metrics.prompt_tokens += row.prompt_tokens;
  metrics.completion_tokens += row.completion_tokens;
  metrics.total_tokens += row.prompt_tokens + row.completion_tokens;
  metrics.cache_read_input_tokens += row.cache_read_input_tokens;
  metrics.cache_creation_input_tokens += row.cache_creation_input_tokens;
  metrics.api_requests += row.api_requests;
  metrics.successful_requests += row.successful_requests;
  metrics.failed_requests += row.failed_requests;
  metrics.total_response_time_ms += row.total_response_time_ms;
  metrics.timed_requests += row.timed_requests;
}

/** A breakdown bucket's metrics, and its per-key metrics inside it. */
function addWithKeys(buckets: Record<string, MetricWithMetadata>, name: string, row: DailyRollup, metadata: Record<string, unknown>): void {
  const bucket = (buckets[name] ??= { metrics: emptyMetrics(), metadata, api_key_breakdown: {} });
  addTo(bucket.metrics, row);
  addTo((bucket.api_key_breakdown[row.api_key] ??= keyMetric(row)).metrics, row);
}

function keyMetric(row: DailyRollup): KeyMetric {
  return { metrics: emptyMetrics(), metadata: { key_alias: row.key_alias, team_id: row.team_id, user_id: row.user_id } };
}
