// LiteLLM's organization API: /organization/new, update, delete, info, list, member_add, member_update, member_delete,
// over the keys service (shared/keys/organization-service.ts). An organization's limits are LiteLLM's
// budget fields; answers show them as LiteLLM does, in `litellm_budget_table`, and info and list add
// the organization's members and teams.
import * as z from 'zod';
import { GatewayError } from '../../core/errors.ts';
import type { Route } from '../../core/types.ts';
import type { OrganizationService } from '../../keys/organization-service.ts';
import type { OrganizationRecord } from '../../store/records.ts';
import { actorOf, adminRoute } from './admin-route.ts';
import { id, limitFields, money, names, object, parseBody, withWarnings } from './fields.ts';

/** Every field LiteLLM documents for an organization (NewOrganizationRequest, its budget fields included). */
const organizationFields = {
  organization_alias: z.string().min(1, 'must not be empty'),
  models: names,
  metadata: object,
  object_permission: object,
  ...limitFields,
};
const newSchema = z
  .strictObject({ ...organizationFields, organization_id: id })
  .partial()
  .required({ organization_alias: true });
const updateSchema = z.strictObject(organizationFields).partial().extend({ organization_id: id });
const deleteSchema = z.strictObject({ organization_ids: z.array(id).min(1) });
const infoSchema = z.strictObject({ organizations: z.array(id).min(1) });
const memberRole = z.enum(['org_admin', 'internal_user', 'internal_user_viewer']);
const member = z
  .strictObject({ role: memberRole, user_id: id.nullable().optional(), user_email: z.string().nullable().optional() })
  .refine((m) => m.user_id || m.user_email, { message: 'needs user_id or user_email' });
const memberAddSchema = z.strictObject({ organization_id: id, member: z.union([member, z.array(member).min(1)]), max_budget_in_organization: money.nullable().optional() });
const memberUpdateSchema = z
  .strictObject({
    organization_id: id,
    user_id: id.optional(),
    user_email: z.string().optional(),
    role: memberRole.optional(),
    max_budget_in_organization: money.nullable().optional(),
  })
  .refine((m) => m.user_id || m.user_email, { message: 'needs user_id or user_email' });
const memberDeleteSchema = z
  .strictObject({ organization_id: id, user_id: id.optional(), user_email: z.string().optional() })
  .refine((m) => m.user_id || m.user_email, { message: 'needs user_id or user_email' });

/** LiteLLM keeps an organization's limits in a budget row; its answers show them there. */
function withBudgetTable(organization: OrganizationRecord) {
  const { budget_id, max_budget, soft_budget, max_parallel_requests, tpm_limit, rpm_limit, model_max_budget, budget_duration } = organization;
  return { ...organization, litellm_budget_table: { budget_id, max_budget, soft_budget, max_parallel_requests, tpm_limit, rpm_limit, model_max_budget: model_max_budget ?? null, budget_duration } };
}

export function organizationRoutes(organizations: OrganizationService): Route[] {
  /** LiteLLM_OrganizationTableWithMembers: the organization, its budget row, members and teams. */
  const withMembers = async (organization: OrganizationRecord) => ({ ...withBudgetTable(organization), teams: await organizations.teamsOf(organization.organization_id) });

  return [
    adminRoute('POST', ['/organization/new'], async (request, ctx) => {
      const input = parseBody(newSchema, request.body, 'POST /organization/new');
      return withWarnings(withBudgetTable(await organizations.create(input, actorOf(ctx))), input);
    }),

    adminRoute('PATCH', ['/organization/update'], async (request, ctx) => {
      const { organization_id, ...changes } = parseBody(updateSchema, request.body, 'PATCH /organization/update');
      return withWarnings(withBudgetTable(await organizations.update(organization_id, changes, actorOf(ctx))), { organization_id, ...changes });
    }),

    adminRoute('DELETE', ['/organization/delete'], async (request, ctx) => {
      const { organization_ids } = parseBody(deleteSchema, request.body, 'DELETE /organization/delete');
      return (await organizations.delete(organization_ids, actorOf(ctx))).map(withBudgetTable);
    }),

    adminRoute('GET', ['/organization/info'], async (request) => {
      const organizationId = request.query['organization_id'];
      if (!organizationId) throw new GatewayError('invalid_request', 'Name the organization: GET /organization/info?organization_id=...', { param: 'organization_id' });
      return withMembers(await organizations.get(organizationId));
    }),

    // LiteLLM's older form: several organizations at once.
    adminRoute('POST', ['/organization/info'], async (request) => {
      const { organizations: ids } = parseBody(infoSchema, request.body, 'POST /organization/info');
      return Promise.all(ids.map(async (organizationId) => withMembers(await organizations.get(organizationId))));
    }),

    adminRoute('GET', ['/organization/list'], async () => Promise.all((await organizations.list()).map(withMembers))),

    adminRoute('POST', ['/organization/member_add'], async (request, ctx) => {
      const input = parseBody(memberAddSchema, request.body, 'POST /organization/member_add');
      const members = Array.isArray(input.member) ? input.member : [input.member];
      const { users, members: added } = await organizations.addMembers(input.organization_id, members, input.max_budget_in_organization ?? undefined, actorOf(ctx));
      return { organization_id: input.organization_id, updated_users: users, updated_organization_memberships: added };
    }),

    // LiteLLM's OrganizationMemberUpdateRequest; answers the membership (LiteLLM_OrganizationMembershipTable).
    adminRoute('PATCH', ['/organization/member_update'], async (request, ctx) => {
      const { organization_id, user_id, user_email, role, max_budget_in_organization } = parseBody(memberUpdateSchema, request.body, 'PATCH /organization/member_update');
      return organizations.updateMember(organization_id, { user_id, user_email }, { role, maxBudget: max_budget_in_organization }, actorOf(ctx));
    }),

    adminRoute('DELETE', ['/organization/member_delete'], async (request, ctx) => {
      const { organization_id, ...gone } = parseBody(memberDeleteSchema, request.body, 'DELETE /organization/member_delete');
      return withBudgetTable(await organizations.removeMember(organization_id, gone, actorOf(ctx)));
    }),
  ];
}
