// LiteLLM's team API: /team/new, update, delete, info, list, block, unblock, member_add, member_delete,
// over the keys service (shared/keys/team-service.ts).
import * as z from 'zod';
import { GatewayError } from '../../core/errors.ts';
import type { Route } from '../../core/types.ts';
import type { TeamService } from '../../keys/team-service.ts';
import { windowsOf, type BudgetClock } from '../../spend/window-usage.ts';
import { actorOf, adminRoute } from './admin-route.ts';
import { budgetLimits, count, duration, id, limitFields, money, names, object, parseBody, withWarnings } from './fields.ts';

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
const memberAddSchema = z.strictObject({ team_id: id, member: z.union([member, z.array(member).min(1)]), max_budget_in_team: money.optional() });
const memberDeleteSchema = z
  .strictObject({ team_id: id, user_id: id.optional(), user_email: z.string().optional() })
  .refine((m) => m.user_id || m.user_email, { message: 'needs user_id or user_email' });

/** `clock`: the budget periods and time windows are reported in. */
export function teamRoutes(teams: TeamService, clock: BudgetClock): Route[] {
  return [
    adminRoute('POST', ['/team/new'], async (request, ctx) => {
      const input = parseBody(newSchema, request.body, 'POST /team/new');
      return withWarnings(await teams.create(input, actorOf(ctx)), input);
    }),

    adminRoute('POST', ['/team/update'], async (request, ctx) => {
      const { team_id, ...changes } = parseBody(updateSchema, request.body, 'POST /team/update');
      return withWarnings(await teams.update(team_id, changes, actorOf(ctx)), { team_id, ...changes });
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

    adminRoute('GET', ['/team/info'], async (request) => {
      const teamId = request.query['team_id'];
      if (!teamId) throw new GatewayError('invalid_request', 'Name the team: GET /team/info?team_id=...', { param: 'team_id' });
      const team = await teams.get(teamId);
      // LiteLLM reports a team's windows with their reset times, without their usage.
      const budget_limits = windowsOf(team, clock)?.budget_limits;
      return { team_id: teamId, team_info: budget_limits ? { ...team, budget_limits } : team, keys: await teams.keysOf(teamId), team_memberships: team.members_with_roles };
    }),

    adminRoute('GET', ['/team/list'], (request) => teams.list(request.query['user_id'])),

    adminRoute('POST', ['/team/member_add'], async (request, ctx) => {
      const input = parseBody(memberAddSchema, request.body, 'POST /team/member_add');
      const { team, added } = await teams.addMembers(input.team_id, Array.isArray(input.member) ? input.member : [input.member], actorOf(ctx));
      return withWarnings({ ...team, updated_users: added }, input);
    }),

    adminRoute('POST', ['/team/member_delete'], async (request, ctx) => {
      const { team_id, ...member } = parseBody(memberDeleteSchema, request.body, 'POST /team/member_delete');
      return teams.removeMember(team_id, member, actorOf(ctx));
    }),
  ];
}
