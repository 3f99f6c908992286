// LiteLLM's key-management API: /key/generate, update, info, list, delete, regenerate, block, unblock,
// over the keys service (shared/keys/key-service.ts).
import * as z from 'zod';
import { GatewayError } from '../../core/errors.ts';
import { virtualKeyOf } from '../../keys/identity.ts';
import type { RequestContext, Route } from '../../core/types.ts';
import { tokenOf } from '../../keys/key-material.ts';
import type { KeyService } from '../../keys/key-service.ts';
import { windowsOf, type BudgetClock } from '../../spend/window-usage.ts';
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

/** Which key an info request names: the `key` given, else the caller's own; a virtual key sees only itself. */
async function keyInfo(keys: KeyService, clock: BudgetClock, ctx: RequestContext, given: string | undefined) {
  const own = virtualKeyOf(ctx.identity)?.token;
  const token = given ? tokenOf(given) : own;
  if (!token) throw new GatewayError('invalid_request', 'Name the key: GET /key/info?key=sk-... or POST /key/info {"key": "sk-..."}.', { param: 'key' });
  if (own && token !== own) {
    throw new GatewayError('permission_denied', 'A virtual key may read only its own info; other keys need the master key.');
  }
  // LiteLLM leaves the hash out of `info`.
  const { token: _token, ...info } = await keys.get(token);
  return { key: given ?? token, info: { ...info, ...windowsOf(info, clock) } };
}

/** `clock`: the budget periods and time windows are reported in. */
export function keyRoutes(keys: KeyService, clock: BudgetClock): Route[] {
  return [
    adminRoute('POST', ['/key/generate'], async (request, ctx) => {
      const input = parseBody(generateSchema, request.body, 'POST /key/generate');
      return withWarnings(await keys.generate(input, actorOf(ctx)), input);
    }),

    adminRoute('POST', ['/key/update'], async (request, ctx) => {
      const input = parseBody(updateSchema, request.body, 'POST /key/update');
      return withWarnings(await keys.update(input.key, input, actorOf(ctx)), input);
    }),

    adminRoute('GET', ['/key/info'], (request, ctx) => keyInfo(keys, clock, ctx, request.query['key']), 'caller'),
    adminRoute('POST', ['/key/info'], (request, ctx) => keyInfo(keys, clock, ctx, parseBody(z.strictObject({ key: id.optional() }), request.body || '{}', 'POST /key/info').key), 'caller'),

    adminRoute('GET', ['/key/list'], async (request) => {
      const { page, size } = pageParams(request.query, 'size', 10);
      const { user_id, team_id, key_alias } = request.query;
      const { slice, total, totalPages } = paginate(await keys.list({ user_id, team_id, key_alias }), page, size);
      const full = request.query['return_full_object'] === 'true';
      return { keys: full ? slice : slice.map((k) => k.token), total_count: total, current_page: page, total_pages: totalPages };
    }),

    adminRoute('POST', ['/key/delete'], async (request, ctx) => {
      const input = parseBody(deleteSchema, request.body, 'POST /key/delete');
      const names = input.keys ? { keys: input.keys } : { key_aliases: input.key_aliases! };
      return { deleted_keys: await keys.delete(names, actorOf(ctx)) };
    }),

    adminRoute('POST', ['/key/{key}/regenerate', '/key/regenerate'], async (request, ctx, params) => {
      const input = parseBody(regenerateSchema, request.body || '{}', 'POST /key/regenerate');
      const named = params['key'] ?? input.key;
      if (!named) throw new GatewayError('invalid_request', 'Name the key to regenerate: POST /key/regenerate {"key": "sk-..."}.', { param: 'key' });
      return withWarnings(await keys.regenerate(named, input, actorOf(ctx)), input);
    }),

    adminRoute('POST', ['/key/block'], async (request, ctx) => {
      const { key } = parseBody(keyOnlySchema, request.body, 'POST /key/block');
      return keys.setBlocked(key, true, actorOf(ctx));
    }),

    adminRoute('POST', ['/key/unblock'], async (request, ctx) => {
      const { key } = parseBody(keyOnlySchema, request.body, 'POST /key/unblock');
      return keys.setBlocked(key, false, actorOf(ctx));
    }),
  ];
}
