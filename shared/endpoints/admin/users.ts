// LiteLLM's user API: /user/new (which also makes a key, unless auto_create_key is false), update,
// delete, info, list, over the keys service (shared/keys/user-service.ts).
import * as z from 'zod';
import { GatewayError } from '../../core/errors.ts';
import type { Route } from '../../core/types.ts';
import { CallerScope } from '../../keys/caller-scope.ts';
import { USER_ROLES } from '../../keys/roles.ts';
import type { UserService } from '../../keys/user-service.ts';
import { ownPeriodOf, type BudgetClock } from '../../spend/window-usage.ts';
import { actorOf, adminRoute, pageParams, paginate } from './admin-route.ts';
import { duration, id, limitFields, names, object, parseBody, withWarnings } from './fields.ts';
import { membershipsOf } from './team-memberships.ts';

/** Every field LiteLLM documents for a user (NewUserRequest / UpdateUserRequest). */
const userFields = {
  user_email: z.string().nullable(),
  user_alias: z.string().nullable(),
  user_role: z.enum(USER_ROLES),
  teams: z.array(id),
  models: names,
  blocked: z.boolean(),
  metadata: object,
  ...limitFields,
  aliases: object,
  config: object,
  allowed_cache_controls: names,
  guardrails: names,
  permissions: object,
  send_invite_email: z.boolean(),
  sso_user_id: z.string().nullable(),
  organizations: names,
  object_permission: object,
  prompts: names,
  password: z.string(),
};
// The key fields /user/new passes on to the key it makes.
export const newSchema = z.strictObject({ ...userFields, user_id: id, auto_create_key: z.boolean(), key_alias: id, duration: duration.nullable(), team_id: id }).partial();
const updateSchema = z.strictObject(userFields).partial().extend({ user_id: id });
const idsSchema = z.strictObject({ user_ids: z.array(id).min(1) });

/** `clock`: the budget periods a user's spend is reported in. */
export function userRoutes(users: UserService, clock: BudgetClock): Route[] {
  return [
    adminRoute('POST', ['/user/new'], async (request, ctx) => {
      const input = parseBody(newSchema, request.body, 'POST /user/new');
      const { user, key } = await users.create(input, actorOf(ctx));
      // LiteLLM answers with the key's fields and the user's on top.
      return withWarnings(key ? { ...key, ...user, key: key.key } : user, input);
    }),

    adminRoute('POST', ['/user/update'], async (request, ctx) => {
      const { user_id, ...changes } = parseBody(updateSchema, request.body, 'POST /user/update');
      return withWarnings(await users.update(user_id, changes, actorOf(ctx)), { user_id, ...changes });
    }),

    adminRoute('POST', ['/user/delete'], async (request, ctx) => {
      const { user_ids } = parseBody(idsSchema, request.body, 'POST /user/delete');
      return { deleted_users: await users.delete(user_ids, actorOf(ctx)) };
    }),

    adminRoute('GET', ['/user/info'], async (request, ctx) => {
      const scope = new CallerScope(ctx.identity);
      const userId = request.query['user_id'] ?? scope.userId;
      if (!scope.readsAll && userId !== scope.userId) throw scope.refusal(`may read only its own user's info (user_id ${scope.userId ?? 'none'}).`);
      if (!userId) throw new GatewayError('invalid_request', 'Name the user: GET /user/info?user_id=...', { param: 'user_id' });
      const user = await users.get(userId);
      // Each team with the user's own membership in it (their budget and spend there), as LiteLLM shows it.
      const teams = (await users.teamsOf(user)).map((team) => ({ ...team, team_memberships: membershipsOf(team, userId) }));
      return { user_id: userId, user_info: { ...user, ...ownPeriodOf(user, clock) }, keys: await users.keysOf(userId), teams };
    }),

    adminRoute('GET', ['/user/list'], async (request, ctx) => {
      const scope = new CallerScope(ctx.identity);
      if (!scope.readsAll) throw scope.refusal('may not list users; GET /user/info shows its own.');
      const { page, size } = pageParams(request.query, 'page_size', 25);
      const found = await users.list({ role: request.query['role'], userIds: request.query['user_ids']?.split(',') });
      const { slice, total, totalPages } = paginate(found, page, size);
      return { users: slice, total, page, page_size: size, total_pages: totalPages };
    }),
  ];
}
