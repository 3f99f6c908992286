// LiteLLM's user API: /user/new (which also makes a key, unless auto_create_key is false), update,
// delete, info, list.
import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { GatewayError } from '../../core/errors.ts';
import type { Route } from '../../core/types.ts';
import type { Services } from '../../services.ts';
import type { KeyRecord, TeamRecord, UserRecord } from '../../store/records.ts';
import { ConditionFailed, type Store } from '../../store/store.ts';
import { itemKeys } from '../../store/table.ts';
import { adminRoute, nowIso, notFound, pageParams, paginate, requireStore } from './admin-route.ts';
import { audit } from './audit-log.ts';
import { duration, id, limitFields, names, object, parseBody, withWarnings } from './fields.ts';
import { createKey, deleteKey } from './keys.ts';

const USER_ROLES = ['proxy_admin', 'proxy_admin_viewer', 'internal_user', 'internal_user_viewer', 'customer'] as const;

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
const newSchema = z.strictObject({ ...userFields, user_id: id, auto_create_key: z.boolean(), key_alias: id, duration: duration.nullable(), team_id: id }).partial();
const updateSchema = z.strictObject(userFields).partial().extend({ user_id: id });
const idsSchema = z.strictObject({ user_ids: z.array(id).min(1) });

async function existingUser(store: Store, userId: string): Promise<UserRecord> {
  const user = await store.get<UserRecord>(itemKeys.user(userId));
  if (!user) throw notFound(`No user "${userId}". GET /user/list shows the users there are.`);
  return user;
}

async function createUser(store: Store, input: z.infer<typeof newSchema>): Promise<UserRecord> {
  const { auto_create_key: _auto, key_alias: _alias, duration: _duration, team_id: teamId, ...fields } = input;
  const now = nowIso();
  const user: UserRecord = {
    user_email: null, user_role: 'internal_user', teams: [], models: [], blocked: false, metadata: {}, spend: 0,
    max_budget: null, budget_duration: null, rpm_limit: null, tpm_limit: null,
    ...fields,
    user_id: input.user_id ?? randomUUID(),
    created_at: now, updated_at: now,
  };
  if (teamId && !user.teams.includes(teamId)) user.teams = [...user.teams, teamId];
  for (const team of user.teams) {
    if (!(await store.get<TeamRecord>(itemKeys.team(team)))) throw new GatewayError('invalid_request', `Team "${team}" does not exist. Create it with POST /team/new first.`, { param: 'teams' });
  }
  try {
    await store.create(itemKeys.user(user.user_id), 'user', user);
  } catch (error) {
    if (error instanceof ConditionFailed) throw new GatewayError('invalid_request', `user_id "${user.user_id}" already exists. Change it with POST /user/update.`, { param: 'user_id' });
    throw error;
  }
  return user;
}

export function userRoutes(services: Services): Route[] {
  const store = requireStore(services);
  return [
    adminRoute('POST', ['/user/new'], async (request, ctx) => {
      const input = parseBody(newSchema, request.body, 'POST /user/new');
      const user = await createUser(store, input);
      let key: Awaited<ReturnType<typeof createKey>> | undefined;
      if (input.auto_create_key !== false) {
        try {
          key = await createKey(store, ctx, {
            user_id: user.user_id, models: input.models, key_alias: input.key_alias, duration: input.duration, team_id: input.team_id, metadata: input.metadata,
          });
        } catch (error) {
          // No user without the key the request asked for: take the user back out.
          await store.delete(itemKeys.user(user.user_id));
          throw error;
        }
      }
      await audit(store, ctx, { action: 'created', table_name: 'user', object_id: user.user_id, after: user });
      // LiteLLM answers with the key's fields and the user's on top.
      return withWarnings(key ? { ...key, ...user, key: key.key } : user, input);
    }),

    adminRoute('POST', ['/user/update'], async (request, ctx) => {
      const { user_id, ...changes } = parseBody(updateSchema, request.body, 'POST /user/update');
      const result = await store.update<UserRecord>(itemKeys.user(user_id), { ...changes, updated_at: nowIso() });
      if (!result) throw notFound(`No user "${user_id}". Create it with POST /user/new.`);
      await audit(store, ctx, { action: 'updated', table_name: 'user', object_id: user_id, before: result.before, after: result.after });
      return withWarnings(result.after, { user_id, ...changes });
    }),

    // The user's keys go first (they reference the user), then the user, as LiteLLM does.
    adminRoute('POST', ['/user/delete'], async (request, ctx) => {
      const { user_ids } = parseBody(idsSchema, request.body, 'POST /user/delete');
      for (const userId of user_ids) await existingUser(store, userId);
      const deleted: string[] = [];
      for (const userId of user_ids) {
        for (const key of await store.list<KeyRecord>('key', { user_id: userId })) await deleteKey(store, ctx, key.token);
        const removed = await store.delete<UserRecord>(itemKeys.user(userId));
        if (!removed) continue;
        await audit(store, ctx, { action: 'deleted', table_name: 'user', object_id: userId, before: removed });
        deleted.push(userId);
      }
      return { deleted_users: deleted };
    }),

    adminRoute('GET', ['/user/info'], async (request) => {
      const userId = request.query['user_id'];
      if (!userId) throw new GatewayError('invalid_request', 'Name the user: GET /user/info?user_id=...', { param: 'user_id' });
      const user = await existingUser(store, userId);
      const keys = await store.list<KeyRecord>('key', { user_id: userId });
      const teams = (await Promise.all(user.teams.map((team) => store.get<TeamRecord>(itemKeys.team(team))))).filter(Boolean);
      return { user_id: userId, user_info: user, keys, teams };
    }),

    adminRoute('GET', ['/user/list'], async (request) => {
      const { page, size } = pageParams(request.query, 'page_size', 25);
      const role = request.query['role'];
      const wanted = request.query['user_ids']?.split(',');
      const users = (await store.list<UserRecord>('user'))
        .filter((u) => (!role || u.user_role === role) && (!wanted || wanted.includes(u.user_id)));
      const { slice, total, totalPages } = paginate(users, page, size);
      return { users: slice, total, page, page_size: size, total_pages: totalPages };
    }),
  ];
}
