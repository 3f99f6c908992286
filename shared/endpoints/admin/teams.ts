// LiteLLM's team API: /team/new, update, delete, info, list, block, unblock, member_add, member_delete,
// over the keys service (shared/keys/team-service.ts).
import * as z from 'zod';
import { GatewayError } from '../../core/errors.ts';
import type { Route } from '../../core/types.ts';
import { CallerScope } from '../../keys/caller-scope.ts';
import type { TeamService } from '../../keys/team-service.ts';
import { ownPeriodOf, windowsOf, type BudgetClock } from '../../spend/window-usage.ts';
import { actorOf, adminRoute } from './admin-route.ts';
import { membershipsOf } from './team-memberships.ts';
import { budgetLimits, count, duration, id, limitFields, money, names, object, parseBody, withWarnings } from './fields.ts';

/** The user LiteLLM's master key acts as (its `litellm_proxy_admin_name`): made an admin of the teams it creates. */
const MASTER_KEY_USER_ID = 'default_user_id';

const member = z
  .strictObject({ role: z.enum(['admin', 'user']).default('user'), user_id: id.nullable().optional(), user_email: z.string().nullable().optional() })
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
  budget_limits: budgetLimits,
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
const memberAddSchema = z.strictObject({ team_id: id, member: z.union([member, z.array(member).min(1)]), max_budget_in_team: money.nullable().optional() });
const memberUpdateSchema = z
  .strictObject({
    team_id: id,
    user_id: id.optional(),
    user_email: z.string().optional(),
    role: z.enum(['admin', 'user']).optional(),
    max_budget_in_team: money.nullable().optional(),
    rpm_limit: count.nullable().optional(),
    tpm_limit: count.nullable().optional(),
  })
  .refine((m) => m.user_id || m.user_email, { message: 'needs user_id or user_email' });
const memberDeleteSchema = z
  .strictObject({ team_id: id, user_id: id.optional(), user_email: z.string().optional() })
  .refine((m) => m.user_id || m.user_email, { message: 'needs user_id or user_email' });

/**
 * What a team's own admins may change of it with /team/update: its name, labels and what each member
 * gets within it; its own budget, limits, models and standing stay the proxy admin's.
 */
const TEAM_ADMIN_FIELDS = [
  'team_alias',
  'metadata',
  'tags',
  'team_member_budget',
  'team_member_rpm_limit',
  'team_member_tpm_limit',
  'team_member_key_duration',
  'team_member_budget_duration',
  'team_member_permissions',
];

/** A team's members are managed by the proxy admin and the team's own admins. */
async function checkTeamAdmin(scope: CallerScope, teams: TeamService, teamId: string): Promise<void> {
  if (!scope.isAdminOf(await teams.get(teamId))) throw scope.refusal(`may manage the members of team ${teamId} only as one of its admins.`);
}

/** `clock`: the budget periods and time windows are reported in. */
export function teamRoutes(teams: TeamService, clock: BudgetClock): Route[] {
  return [
    adminRoute('POST', ['/team/new'], async (request, ctx) => {
      const input = parseBody(newSchema, request.body, 'POST /team/new');
      const creator = ctx.identity?.kind === 'master' ? MASTER_KEY_USER_ID : new CallerScope(ctx.identity).userId;
      return withWarnings(await teams.create(input, actorOf(ctx), creator), input);
    }),

    adminRoute('POST', ['/team/update'], async (request, ctx) => {
      const { team_id, ...changes } = parseBody(updateSchema, request.body, 'POST /team/update');
      const scope = new CallerScope(ctx.identity);
      if (!scope.changesAll) {
        await checkTeamAdmin(scope, teams, team_id);
        const outside = Object.keys(changes).filter((field) => !TEAM_ADMIN_FIELDS.includes(field));
        if (outside.length) throw scope.refusal(`may change only ${TEAM_ADMIN_FIELDS.join(', ')} of team ${team_id} as one of its admins, not ${outside.join(', ')}.`);
      }
      const team = await teams.update(team_id, changes, actorOf(ctx));
      // LiteLLM answers {team_id, data: team}; the team's fields stay at the top too, as Tollgate's clients read them.
      return withWarnings({ ...team, data: team }, { team_id, ...changes });
    }),

    adminRoute('POST', ['/team/block'], async (request, ctx) => {
      const { team_id } = parseBody(oneSchema, request.body, 'POST /team/block');
      return teams.setBlocked(team_id, true, actorOf(ctx));
    }),

    adminRoute('POST', ['/team/unblock'], async (request, ctx) => {
      const { team_id } = parseBody(oneSchema, request.body, 'POST /team/unblock');
      return teams.setBlocked(team_id, false, actorOf(ctx));
    }),

    adminRoute('POST', ['/team/delete'], async (request, ctx) => {
      const { team_ids } = parseBody(idsSchema, request.body, 'POST /team/delete');
      return { deleted_teams: await teams.delete(team_ids, actorOf(ctx)) };
    }),

    adminRoute('GET', ['/team/info'], async (request, ctx) => {
      const scope = new CallerScope(ctx.identity);
      const teamId = request.query['team_id'] ?? scope.teamId;
      if (!teamId) throw new GatewayError('invalid_request', 'Name the team: GET /team/info?team_id=...', { param: 'team_id' });
      const team = await teams.get(teamId);
      if (!scope.readsAll && !scope.isIn(team)) throw scope.refusal(`may read only its own teams' info; it is not in team ${teamId}.`);
      // LiteLLM reports a team's windows with their reset times, without their usage.
      const budget_limits = windowsOf(team, clock)?.budget_limits;
      const info = { ...team, ...ownPeriodOf(team, clock), ...(budget_limits && { budget_limits }) };
      return { team_id: teamId, team_info: info, keys: await teams.keysOf(teamId), team_memberships: membershipsOf(team) };
    }),

    adminRoute('GET', ['/team/list'], async (request, ctx) => {
      const scope = new CallerScope(ctx.identity);
      if (scope.readsAll) return teams.list(request.query['user_id']);
      return (await teams.list()).filter((team) => scope.isIn(team));
    }),

    adminRoute('POST', ['/team/member_add'], async (request, ctx) => {
      const input = parseBody(memberAddSchema, request.body, 'POST /team/member_add');
      await checkTeamAdmin(new CallerScope(ctx.identity), teams, input.team_id);
      const { team, added, memberships } = await teams.addMembers(input.team_id, Array.isArray(input.member) ? input.member : [input.member], input.max_budget_in_team ?? undefined, actorOf(ctx));
      return withWarnings({ ...team, updated_users: added, updated_team_memberships: memberships.map((m) => ({ ...m, spend: 0 })) }, input);
    }),

    adminRoute('POST', ['/team/member_update'], async (request, ctx) => {
      const { team_id, user_id, user_email, ...update } = parseBody(memberUpdateSchema, request.body, 'POST /team/member_update');
      await checkTeamAdmin(new CallerScope(ctx.identity), teams, team_id);
      const { member, membership } = await teams.updateMember(team_id, { user_id, user_email }, update, actorOf(ctx));
      const limits = membership.litellm_budget_table ?? {};
      return {
        team_id,
        user_id: member.user_id,
        user_email: member.user_email,
        role: member.role,
        max_budget_in_team: limits['max_budget'] ?? null,
        rpm_limit: limits['rpm_limit'] ?? null,
        tpm_limit: limits['tpm_limit'] ?? null,
      };
    }),

    adminRoute('POST', ['/team/member_delete'], async (request, ctx) => {
      const { team_id, ...member } = parseBody(memberDeleteSchema, request.body, 'POST /team/member_delete');
      await checkTeamAdmin(new CallerScope(ctx.identity), teams, team_id);
      return teams.removeMember(team_id, member, actorOf(ctx));
    }),
  ];
}
