// LiteLLM's team API: /team/new, update, delete, info, list, block, unblock, member_add, member_delete.
import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { GatewayError } from '../../core/errors.ts';
import type { RequestContext, Route } from '../../core/types.ts';
import type { Services } from '../../services.ts';
import type { KeyRecord, TeamMember, TeamRecord, UserRecord } from '../../store/records.ts';
import { ConditionFailed, type Store } from '../../store/store.ts';
import { itemKeys } from '../../store/table.ts';
import { adminRoute, nowIso, notFound, requireStore } from './admin-route.ts';
import { audit } from './audit-log.ts';
import { count, duration, id, limitFields, money, names, object, parseBody, withWarnings } from './fields.ts';
import { deleteKey } from './keys.ts';

const member = z.strictObject({ role: z.enum(['admin', 'user']).default('user'), user_id: id.nullable().optional(), user_email: z.string().nullable().optional() })
  .refine((m) => m.user_id || m.user_email, { message: 'needs user_id or user_email' });

/** Every field LiteLLM documents for a team (NewTeamRequest / UpdateTeamRequest). */
const teamFields = {
  team_alias: z.string().nullable(),
  models: names,
  blocked: z.boolean(),
  members_with_roles: z.array(member),
  metadata: object,
  tags: names,
  ...limitFields,
  team_member_permissions: names,
  team_member_budget: money,
  team_member_rpm_limit: count,
  team_member_tpm_limit: count,
  team_member_key_duration: duration,
  team_member_budget_duration: duration,
  admins: z.array(z.unknown()),
  members: z.array(z.unknown()),
  rpm_limit_type: z.string(),
  tpm_limit_type: z.string(),
  policies: names,
  model_aliases: object,
  guardrails: names,
  organization_id: z.string().nullable(),
  object_permission: object,
  prompts: names,
  secret_manager_settings: object,
  router_settings: object,
  allowed_passthrough_routes: names,
  allowed_vector_store_indexes: z.array(z.unknown()),
  access_group_ids: names,
};
const newSchema = z.strictObject({ ...teamFields, team_id: id }).partial();
const updateSchema = z.strictObject(teamFields).partial().extend({ team_id: id });
const idsSchema = z.strictObject({ team_ids: z.array(id).min(1) });
const oneSchema = z.strictObject({ team_id: id });
const memberAddSchema = z.strictObject({ team_id: id, member: z.union([member, z.array(member).min(1)]), max_budget_in_team: money.optional() });
const memberDeleteSchema = z.strictObject({ team_id: id, user_id: id.optional(), user_email: z.string().optional() })
  .refine((m) => m.user_id || m.user_email, { message: 'needs user_id or user_email' });

async function existingTeam(store: Store, teamId: string): Promise<TeamRecord> {
  const team = await store.get<TeamRecord>(itemKeys.team(teamId));
  if (!team) throw notFound(`No team "${teamId}". GET /team/list shows the teams there are.`);
  return team;
}

async function updateTeam(store: Store, ctx: RequestContext, teamId: string, changes: Record<string, unknown>, action: 'updated' | 'blocked' | 'unblocked' = 'updated'): Promise<TeamRecord> {
  const result = await store.update<TeamRecord>(itemKeys.team(teamId), { ...changes, updated_at: nowIso() });
  if (!result) throw notFound(`No team "${teamId}". GET /team/list shows the teams there are.`);
  await audit(store, ctx, { action, table_name: 'team', object_id: teamId, before: result.before, after: result.after });
  return result.after;
}

/** Adds the team to a member's user item, creating the user as LiteLLM does when it is new. */
async function joinTeam(store: Store, ctx: RequestContext, userId: string, teamId: string, email: string | null): Promise<void> {
  const user = await store.get<UserRecord>(itemKeys.user(userId));
  if (user) {
    if (!user.teams.includes(teamId)) await store.update(itemKeys.user(userId), { teams: [...user.teams, teamId], updated_at: nowIso() });
    return;
  }
  const now = nowIso();
  const created: UserRecord = { user_id: userId, user_email: email, user_role: 'internal_user', teams: [teamId], models: [], blocked: false, metadata: {}, spend: 0, created_at: now, updated_at: now };
  try {
    await store.create(itemKeys.user(userId), 'user', created);
    await audit(store, ctx, { action: 'created', table_name: 'user', object_id: userId, after: created });
  } catch (error) {
    if (!(error instanceof ConditionFailed)) throw error;
    await joinTeam(store, ctx, userId, teamId, email);
  }
}

async function leaveTeam(store: Store, userId: string, teamId: string): Promise<void> {
  const user = await store.get<UserRecord>(itemKeys.user(userId));
  if (user?.teams.includes(teamId)) await store.update(itemKeys.user(userId), { teams: user.teams.filter((t) => t !== teamId), updated_at: nowIso() });
}

export function teamRoutes(services: Services): Route[] {
  const store = requireStore(services);
  return [
    adminRoute('POST', ['/team/new'], async (request, ctx) => {
      const input = parseBody(newSchema, request.body, 'POST /team/new');
      const now = nowIso();
      const team: TeamRecord = {
        team_alias: null, models: [], blocked: false, metadata: {}, spend: 0,
        max_budget: null, budget_duration: null, rpm_limit: null, tpm_limit: null,
        ...input,
        team_id: input.team_id ?? randomUUID(),
        members_with_roles: (input.members_with_roles ?? []).map(toMember),
        created_at: now, updated_at: now,
      };
      try {
        await store.create(itemKeys.team(team.team_id), 'team', team);
      } catch (error) {
        if (error instanceof ConditionFailed) throw new GatewayError('invalid_request', `team_id "${team.team_id}" already exists.`, { param: 'team_id' });
        throw error;
      }
      for (const m of team.members_with_roles) if (m.user_id) await joinTeam(store, ctx, m.user_id, team.team_id, m.user_email);
      await audit(store, ctx, { action: 'created', table_name: 'team', object_id: team.team_id, after: team });
      return withWarnings(team, input);
    }),

    adminRoute('POST', ['/team/update'], async (request, ctx) => {
      const { team_id, ...changes } = parseBody(updateSchema, request.body, 'POST /team/update');
      const input = { team_id, ...changes };
      if (changes.members_with_roles) throw new GatewayError('invalid_request', 'Change members with POST /team/member_add and /team/member_delete.', { param: 'members_with_roles' });
      return withWarnings(await updateTeam(store, ctx, team_id, changes), input);
    }),

    adminRoute('POST', ['/team/block'], async (request, ctx) => {
      const { team_id } = parseBody(oneSchema, request.body, 'POST /team/block');
      return updateTeam(store, ctx, team_id, { blocked: true }, 'blocked');
    }),

    adminRoute('POST', ['/team/unblock'], async (request, ctx) => {
      const { team_id } = parseBody(oneSchema, request.body, 'POST /team/unblock');
      return updateTeam(store, ctx, team_id, { blocked: false }, 'unblocked');
    }),

    // The team's keys go first (they reference it), then the team, as LiteLLM does.
    adminRoute('POST', ['/team/delete'], async (request, ctx) => {
      const { team_ids } = parseBody(idsSchema, request.body, 'POST /team/delete');
      for (const teamId of team_ids) await existingTeam(store, teamId);
      const deleted: string[] = [];
      for (const teamId of team_ids) {
        for (const key of await store.list<KeyRecord>('key', { team_id: teamId })) await deleteKey(store, ctx, key.token);
        const removed = await store.delete<TeamRecord>(itemKeys.team(teamId));
        if (!removed) continue;
        for (const m of removed.members_with_roles) if (m.user_id) await leaveTeam(store, m.user_id, teamId);
        await audit(store, ctx, { action: 'deleted', table_name: 'team', object_id: teamId, before: removed });
        deleted.push(teamId);
      }
      return { deleted_teams: deleted };
    }),

    adminRoute('GET', ['/team/info'], async (request) => {
      const teamId = request.query['team_id'];
      if (!teamId) throw new GatewayError('invalid_request', 'Name the team: GET /team/info?team_id=...', { param: 'team_id' });
      const team = await existingTeam(store, teamId);
      const keys = await store.list<KeyRecord>('key', { team_id: teamId });
      return { team_id: teamId, team_info: team, keys, team_memberships: team.members_with_roles };
    }),

    adminRoute('GET', ['/team/list'], async (request) => {
      const teams = await store.list<TeamRecord>('team');
      const userId = request.query['user_id'];
      return userId ? teams.filter((t) => t.members_with_roles.some((m) => m.user_id === userId)) : teams;
    }),

    adminRoute('POST', ['/team/member_add'], async (request, ctx) => {
      const input = parseBody(memberAddSchema, request.body, 'POST /team/member_add');
      const team = await existingTeam(store, input.team_id);
      const added = (Array.isArray(input.member) ? input.member : [input.member]).map(toMember);
      const members = [...team.members_with_roles.filter((m) => !added.some((a) => sameMember(a, m))), ...added];
      // The team item first (membership is what counts), then each member's user item.
      const after = await updateTeam(store, ctx, input.team_id, { members_with_roles: members });
      for (const m of added) if (m.user_id) await joinTeam(store, ctx, m.user_id, input.team_id, m.user_email);
      return withWarnings({ ...after, updated_users: added }, input);
    }),

    adminRoute('POST', ['/team/member_delete'], async (request, ctx) => {
      const input = parseBody(memberDeleteSchema, request.body, 'POST /team/member_delete');
      const team = await existingTeam(store, input.team_id);
      const gone = { user_id: input.user_id ?? null, user_email: input.user_email ?? null, role: 'user' as const };
      const leaving = team.members_with_roles.filter((m) => sameMember(gone, m));
      if (!leaving.length) throw notFound(`${input.user_id ?? input.user_email} is not a member of team "${input.team_id}".`);
      const after = await updateTeam(store, ctx, input.team_id, { members_with_roles: team.members_with_roles.filter((m) => !sameMember(gone, m)) });
      for (const m of leaving) if (m.user_id) await leaveTeam(store, m.user_id, input.team_id);
      return after;
    }),
  ];
}

function toMember(m: z.infer<typeof member>): TeamMember {
  return { role: m.role, user_id: m.user_id ?? null, user_email: m.user_email ?? null };
}

function sameMember(a: TeamMember, b: TeamMember): boolean {
  return (a.user_id !== null && a.user_id === b.user_id) || (a.user_email !== null && a.user_email === b.user_email);
}
