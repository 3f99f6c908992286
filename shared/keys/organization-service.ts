// Organizations as the admin API manages them (LiteLLM's /organization/* paths): teams belong to one
// (a team's `organization_id`), its `models` bound theirs, and its budget and limits count every
// request of their keys (shared/spend/accounts.ts). Members are kept on the organization's item, each
// with a role and an optional budget within the organization; a member new to the gateway gets a user
// item, as in LiteLLM.
import { randomUUID } from 'node:crypto';
import { GatewayError } from '../core/errors.ts';
import type { Identities } from '../store/identities.ts';
import type { Fields, OrganizationMember, OrganizationRecord, TeamRecord, UserRecord } from '../store/records.ts';
import { ConditionFailed } from '../store/store.ts';
import type { Actor, AuditTrail } from './audit-trail.ts';
import { NO_LIMITS } from './no-limits.ts';
import { checkBudget } from './budget-service.ts';
import { memberUser } from './member-users.ts';
import { permits } from './model-access.ts';

/** What an admin sets on an organization: LiteLLM's fields, checked by the admin API. */
export interface OrganizationSettings {
  organization_id?: string;
  organization_alias?: string;
  models?: string[];
  [field: string]: unknown;
}

/** A member as an admin names one: by user id, by email, or both. */
export interface OrganizationMemberInput {
  role: OrganizationMember['user_role'];
  user_id?: string | null;
  user_email?: string | null;
}

/**
 * LiteLLM's rule for what joins an organization (a team, or a key without a team): the organization
 * must exist, and the models it names must be among the organization's.
 */
export async function checkOrganization(identities: Identities, organizationId: string | null | undefined, models: string[] | undefined): Promise<void> {
  if (!organizationId) return;
  const organization = await identities.organizations.get(organizationId);
  if (!organization) throw new GatewayError('invalid_request', `organization_id "${organizationId}" does not exist. Create it with POST /organization/new first.`, { param: 'organization_id' });
  const outside = (models ?? []).filter((model) => !permits(organization.models, model));
  if (outside.length) {
    throw new GatewayError('invalid_request', `models ${outside.join(', ')} are not among organization ${organizationId}'s models (${organization.models.join(', ')}).`, { param: 'models' });
  }
}

export class OrganizationService {
  constructor(
    private readonly identities: Identities,
    private readonly audit: AuditTrail,
    private readonly now: () => number,
  ) {}

  async create(input: OrganizationSettings, by: Actor): Promise<OrganizationRecord> {
    await checkBudget(this.identities, input['budget_id']);
    const at = this.iso();
    const organization: OrganizationRecord = {
      organization_alias: '',
      budget_id: null,
      models: [],
      metadata: {},
      spend: 0,
      ...NO_LIMITS,
      ...input,
      organization_id: input.organization_id ?? randomUUID(),
      members: [],
      created_at: at,
      created_by: by.name,
      updated_at: at,
      updated_by: by.name,
    };
    try {
      await this.identities.organizations.create(organization.organization_id, organization);
    } catch (error) {
      if (error instanceof ConditionFailed) throw new GatewayError('invalid_request', `organization_id "${organization.organization_id}" already exists.`, { param: 'organization_id' });
      throw error;
    }
    await this.audit.record(by, { action: 'created', table_name: 'organization', object_id: organization.organization_id, after: organization });
    return organization;
  }

  /** Sets what was sent; narrowing `models` must leave every team of the organization within them. */
  async update(organizationId: string, changes: Fields, by: Actor): Promise<OrganizationRecord> {
    await checkBudget(this.identities, changes['budget_id']);
    const models = changes['models'] as string[] | undefined;
    if (models) {
      for (const team of await this.teamsOf(organizationId)) {
        const outside = team.models.filter((model) => !permits(models, model));
        if (outside.length || (models.length && !team.models.length)) {
          throw new GatewayError(
            'invalid_request',
            `Team "${team.team_id}" of this organization may call ${outside.length ? outside.join(', ') : 'every model'}, outside the models sent. Narrow the team's models first.`,
            {
              param: 'models',
            },
          );
        }
      }
    }
    return this.change(organizationId, changes, by);
  }

  /**
   * Deletes every organization named, or none: a 404 when one does not exist, a 400 while teams still
   * belong to one (their keys' spend counts toward it).
   */
  async delete(organizationIds: string[], by: Actor): Promise<OrganizationRecord[]> {
    for (const organizationId of organizationIds) {
      await this.get(organizationId);
      const teams = await this.teamsOf(organizationId);
      if (teams.length) {
        throw new GatewayError(
          'invalid_request',
          `Organization "${organizationId}" still has teams (${teams.map((t) => t.team_id).join(', ')}): delete them, or move them out with POST /team/update, first. Nothing was deleted.`,
          {
            param: 'organization_ids',
          },
        );
      }
    }
    const deleted: OrganizationRecord[] = [];
    for (const organizationId of organizationIds) {
      const removed = await this.identities.organizations.delete(organizationId);
      if (!removed) continue;
      await this.audit.record(by, { action: 'deleted', table_name: 'organization', object_id: organizationId, before: removed });
      deleted.push(removed);
    }
    return deleted;
  }

  /** The organization; a 404 when there is none. */
  async get(organizationId: string): Promise<OrganizationRecord> {
    const organization = await this.identities.organizations.get(organizationId);
    if (!organization) throw new GatewayError('not_found', `No organization "${organizationId}". GET /organization/list shows the organizations there are.`);
    return organization;
  }

  /** Every organization, newest first. */
  list(): Promise<OrganizationRecord[]> {
    return this.identities.organizations.list();
  }

  teamsOf(organizationId: string): Promise<TeamRecord[]> {
    return this.identities.teams.list({ organization_id: organizationId });
  }

  /**
   * Adds members (replacing any with the same user), with `maxBudget` as each one's budget within the
   * organization when given; a member named only by email becomes a user with a new id.
   */
  async addMembers(organizationId: string, inputs: OrganizationMemberInput[], maxBudget: number | undefined, by: Actor): Promise<{ users: UserRecord[]; members: OrganizationMember[] }> {
    const organization = await this.get(organizationId);
    const users: UserRecord[] = [];
    const members: OrganizationMember[] = [];
    const at = this.iso();
    for (const input of inputs) {
      const userId = input.user_id ?? (await this.userIdByEmail(input.user_email!)) ?? randomUUID();
      const { user } = await memberUser(this.identities, this.audit, by, { userId, email: input.user_email ?? null, teams: [] }, this.now());
      users.push(user);
      members.push({
        user_id: userId,
        organization_id: organizationId,
        user_role: input.role,
        user_email: user.user_email,
        spend: 0,
        budget_id: null,
        litellm_budget_table: maxBudget === undefined ? null : { max_budget: maxBudget },
        created_at: at,
        updated_at: at,
      });
    }
    const kept = organization.members.filter((m) => !members.some((added) => added.user_id === m.user_id));
    await this.change(organizationId, { members: [...kept, ...members] }, by);
    return { users, members };
  }

  /** Removes the member with this user id or email; a 404 when the organization has none. */
  async removeMember(organizationId: string, gone: { user_id?: string; user_email?: string }, by: Actor): Promise<OrganizationRecord> {
    const organization = await this.get(organizationId);
    const leaving = (m: OrganizationMember) => m.user_id === gone.user_id || (gone.user_email !== undefined && m.user_email === gone.user_email);
    if (!organization.members.some(leaving)) throw new GatewayError('not_found', `${gone.user_id ?? gone.user_email} is not a member of organization "${organizationId}".`);
    return this.change(organizationId, { members: organization.members.filter((m) => !leaving(m)) }, by);
  }

  /**
   * Changes a member's role and budget within the organization (LiteLLM's /organization/member_update):
   * the membership as it now is; a 404 when the organization has no such member.
   */
  async updateMember(
    organizationId: string,
    who: { user_id?: string; user_email?: string },
    changes: { role?: OrganizationMember['user_role']; maxBudget?: number | null },
    by: Actor,
  ): Promise<OrganizationMember> {
    const organization = await this.get(organizationId);
    const index = organization.members.findIndex((m) => m.user_id === who.user_id || (who.user_email !== undefined && m.user_email === who.user_email));
    if (index < 0) throw new GatewayError('not_found', `${who.user_id ?? who.user_email} is not a member of organization "${organizationId}". Add them with POST /organization/member_add.`);
    const before = organization.members[index]!;
    const budget = changes.maxBudget === undefined ? before.litellm_budget_table : changes.maxBudget === null ? null : { ...before.litellm_budget_table, max_budget: changes.maxBudget };
    const updated: OrganizationMember = { ...before, user_role: changes.role ?? before.user_role, litellm_budget_table: budget, updated_at: this.iso() };
    await this.change(organizationId, { members: organization.members.map((m, i) => (i === index ? updated : m)) }, by);
    return updated;
  }

  private async userIdByEmail(email: string): Promise<string | undefined> {
    return (await this.identities.users.list({ user_email: email }))[0]?.user_id;
  }

  private async change(organizationId: string, changes: Fields, by: Actor): Promise<OrganizationRecord> {
    const result = await this.identities.organizations.update(organizationId, { ...changes, updated_at: this.iso(), updated_by: by.name });
    if (!result) throw new GatewayError('not_found', `No organization "${organizationId}". GET /organization/list shows the organizations there are.`);
    await this.audit.record(by, { action: 'updated', table_name: 'organization', object_id: organizationId, before: result.before, after: result.after });
    return result.after;
  }

  private iso(): string {
    return new Date(this.now()).toISOString();
  }
}
