// LiteLLM's key-management API: /key/generate, update, info, list, delete, regenerate, block, unblock,
// over the keys service (shared/keys/key-service.ts).
import * as z from 'zod';
import { GatewayError } from '../../core/errors.ts';
import { CallerScope } from '../../keys/caller-scope.ts';
import type { RequestContext, Route } from '../../core/types.ts';
import { tokenOf } from '../../keys/key-material.ts';
import type { KeyService } from '../../keys/key-service.ts';
import type { TeamService } from '../../keys/team-service.ts';
import type { KeyRecord } from '../../store/records.ts';
import { ownPeriodOf, windowsOf, type BudgetClock } from '../../spend/window-usage.ts';
import { actorOf, adminRoute, pageParams, paginate } from './admin-route.ts';
import { budgetLimits, duration, id, limitFields, money, names, object, parseBody, withWarnings } from './fields.ts';

const limitType = z.enum(['guaranteed_throughput', 'best_effort_throughput', 'dynamic']);

/** Every field LiteLLM documents for a key (GenerateKeyRequest / UpdateKeyRequest). */
const keyFields = {
  key_alias: id.nullable(),
  duration: duration.nullable(),
  models: names,
  team_id: id.nullable(),
  user_id: id.nullable(),
  metadata: object,
  tags: names,
  blocked: z.boolean().nullable(),
  allowed_routes: names,
  ...limitFields,
  budget_limits: budgetLimits,
  aliases: object,
  config: object,
  permissions: object,
  allowed_cache_controls: names,
  guardrails: names,
  disable_global_guardrails: z.boolean(),
  enforced_params: names,
  organization_id: z.string().nullable(),
  key_type: z.enum(['llm_api', 'management', 'read_only', 'default']),
  send_invite_email: z.boolean(),
  object_permission: object,
  prompts: names,
  auto_rotate: z.boolean(),
  rotation_interval: duration,
  rpm_limit_type: limitType,
  tpm_limit_type: limitType,
  agent_id: z.string().nullable(),
  project_id: z.string().nullable(),
  policies: names,
  budget_fallbacks: z.record(z.string(), names),
  allowed_passthrough_routes: names,
  allowed_vector_store_indexes: z.array(z.unknown()),
  router_settings: object,
  access_group_ids: names,
};
const customKey = z.string().regex(/^sk-[A-Za-z0-9_-]{8,}$/, 'must start with "sk-" and have at least 8 more letters, digits, "-" or "_"');
const generateSchema = z.strictObject({ ...keyFields, key: customKey }).partial();
const updateSchema = z
  .strictObject({
    ...keyFields,
    // LiteLLM's temporary raise of max_budget, until the expiry (an ISO date or time).
    temp_budget_increase: money.nullable(),
    temp_budget_expiry: z
      .string()
      .refine((text) => !Number.isNaN(Date.parse(text)), 'must be an ISO date or time, e.g. "2026-12-31T00:00:00Z"')
      .nullable(),
  })
  .partial()
  .extend({ key: id })
  .refine((body) => (body.temp_budget_increase == null) === (body.temp_budget_expiry == null), {
    message: 'temp_budget_increase and temp_budget_expiry go together: send both',
    path: ['temp_budget_expiry'],
  });
const regenerateSchema = z.strictObject({ ...keyFields, key: id, new_key: customKey, grace_period: duration, new_master_key: z.string() }).partial();
const keyOnlySchema = z.strictObject({ key: id });
const deleteSchema = z
  .strictObject({ keys: z.array(id).min(1), key_aliases: z.array(id).min(1) })
  .partial()
  .refine((body) => body.keys || body.key_aliases, { message: 'names no keys: send `keys` (keys or their hashes) or `key_aliases`' });

/** Which key an info request names: the `key` given, else the caller's own; a key sees only its own, its user's, and its admin teams'. */
async function keyInfo(keys: KeyService, teams: TeamService, clock: BudgetClock, ctx: RequestContext, given: string | undefined) {
  const scope = new CallerScope(ctx.identity);
  const token = given ? tokenOf(given) : scope.token;
  if (!token) throw new GatewayError('invalid_request', 'Name the key: GET /key/info?key=sk-... or POST /key/info {"key": "sk-..."}.', { param: 'key' });
  const record = await keys.get(token);
  if (!scope.readsAll && !(await managesTeamOf(scope, teams, record))) scope.checkReads(record);
  // LiteLLM leaves the hash out of `info`.
  const { token: _token, ...info } = record;
  return { key: given ?? token, info: { ...info, ...ownPeriodOf(info, clock), ...windowsOf(info, clock) } };
}

/** What a caller below proxy admin may ask of a new key: their own user's, in a team only if they are its admin. */
async function checkNewKey(scope: CallerScope, teams: TeamService, input: { user_id?: string | null; team_id?: string | null }): Promise<void> {
  if (scope.changesAll) return;
  if (input.user_id && input.user_id !== scope.userId) throw scope.refusal(`may generate keys only for its own user (user_id ${scope.userId ?? 'none'}), not for ${input.user_id}.`);
  if (input.team_id && !scope.isAdminOf(await teams.get(input.team_id))) throw scope.refusal(`may generate a key for team ${input.team_id} only as one of its admins.`);
}

/** LiteLLM's team admins manage their team's keys, whoever's they are. */
async function managesTeamOf(scope: CallerScope, teams: TeamService, key: KeyRecord): Promise<boolean> {
  return Boolean(key.team_id) && scope.userId !== null && scope.isAdminOf(await teams.get(key.team_id!));
}

/** The named keys, each the caller's to change: its user's, or its admin teams'. */
async function checkChanges(scope: CallerScope, keys: KeyService, teams: TeamService, names: { keys: string[] } | { key_aliases: string[] }): Promise<void> {
  if (scope.changesAll) return;
  if ('keys' in names) {
    for (const name of names.keys) {
      const key = await keys.get(name);
      if (!(await managesTeamOf(scope, teams, key))) scope.checkChanges(key);
    }
    return;
  }
  const others: string[] = [];
  for (const alias of names.key_aliases) {
    const [key] = await keys.list({ key_alias: alias });
    if (key && !scope.owns(key) && !(await managesTeamOf(scope, teams, key))) others.push(alias);
  }
  if (others.length) throw scope.refusal(`may delete only its user's keys and its admin teams' keys; ${others.join(', ')} are not among them.`);
}

/** `clock`: the budget periods and time windows are reported in. */
export function keyRoutes(keys: KeyService, teams: TeamService, clock: BudgetClock): Route[] {
  return [
    adminRoute('POST', ['/key/generate'], async (request, ctx) => {
      const input = parseBody(generateSchema, request.body, 'POST /key/generate');
      const scope = new CallerScope(ctx.identity);
      await checkNewKey(scope, teams, input);
      // An internal user's key is their own, as LiteLLM makes it.
      const owner = scope.changesAll ? {} : { user_id: scope.userId };
      return withWarnings(await keys.generate({ ...input, ...owner }, actorOf(ctx)), input);
    }),

    adminRoute('POST', ['/key/update'], async (request, ctx) => {
      const input = parseBody(updateSchema, request.body, 'POST /key/update');
      const scope = new CallerScope(ctx.identity);
      await checkChanges(scope, keys, teams, { keys: [input.key] });
      await checkNewKey(scope, teams, input);
      return withWarnings(await keys.update(input.key, input, actorOf(ctx)), input);
    }),

    adminRoute('GET', ['/key/info'], (request, ctx) => keyInfo(keys, teams, clock, ctx, request.query['key'])),
    adminRoute('POST', ['/key/info'], (request, ctx) => keyInfo(keys, teams, clock, ctx, parseBody(z.strictObject({ key: id.optional() }), request.body || '{}', 'POST /key/info').key)),

    adminRoute('GET', ['/key/list'], async (request, ctx) => {
      const { page, size } = pageParams(request.query, 'size', 10);
      const { team_id, key_alias } = request.query;
      const scope = new CallerScope(ctx.identity);
      // Below the admins, a key lists its user's keys (or itself, without a user) and those of the teams its user is an admin of.
      const adminOf = scope.readsAll || scope.userId === null ? [] : (await teams.list(scope.userId)).filter((team) => scope.isAdminOf(team)).map((team) => team.team_id);
      const user_id = scope.readsAll || adminOf.length ? request.query['user_id'] : (scope.userId ?? undefined);
      const found = (await keys.list({ user_id, team_id, key_alias })).filter((key) => scope.readsAll || scope.owns(key) || (Boolean(key.team_id) && adminOf.includes(key.team_id!)));
      const { slice, total, totalPages } = paginate(found, page, size);
      const full = request.query['return_full_object'] === 'true';
      return { keys: full ? slice : slice.map((k) => k.token), total_count: total, current_page: page, total_pages: totalPages };
    }),

    adminRoute('POST', ['/key/delete'], async (request, ctx) => {
      const input = parseBody(deleteSchema, request.body, 'POST /key/delete');
      const names = input.keys ? { keys: input.keys } : { key_aliases: input.key_aliases! };
      await checkChanges(new CallerScope(ctx.identity), keys, teams, names);
      return { deleted_keys: await keys.delete(names, actorOf(ctx)) };
    }),

    adminRoute('POST', ['/key/{key}/regenerate', '/key/regenerate'], async (request, ctx, params) => {
      const input = parseBody(regenerateSchema, request.body || '{}', 'POST /key/regenerate');
      const named = params['key'] ?? input.key;
      if (!named) throw new GatewayError('invalid_request', 'Name the key to regenerate: POST /key/regenerate {"key": "sk-..."}.', { param: 'key' });
      const scope = new CallerScope(ctx.identity);
      await checkChanges(scope, keys, teams, { keys: [named] });
      await checkNewKey(scope, teams, input);
      return withWarnings(await keys.regenerate(named, input, actorOf(ctx)), input);
    }),

    adminRoute('POST', ['/key/block'], async (request, ctx) => {
      const { key } = parseBody(keyOnlySchema, request.body, 'POST /key/block');
      await checkChanges(new CallerScope(ctx.identity), keys, teams, { keys: [key] });
      return keys.setBlocked(key, true, actorOf(ctx));
    }),

    adminRoute('POST', ['/key/unblock'], async (request, ctx) => {
      const { key } = parseBody(keyOnlySchema, request.body, 'POST /key/unblock');
      await checkChanges(new CallerScope(ctx.identity), keys, teams, { keys: [key] });
      return keys.setBlocked(key, false, actorOf(ctx));
    }),
  ];
}
