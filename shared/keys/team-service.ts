// Teams as the admin API manages them (LiteLLM's /team/* paths), and their members: a team's
// `members_with_roles` is what counts, and each member's user item lists the team too (created when
// the user is new, as LiteLLM does).
import { randomUUID } from 'node:crypto';
import { GatewayError } from '../core/errors.ts';
import type { Identities } from '../store/identities.ts';
import type { Fields, KeyRecord, TeamMember, TeamMembership, TeamRecord } from '../store/records.ts';
import { ConditionFailed } from '../store/store.ts';
import type { Actor, AuditTrail } from './audit-trail.ts';
import { checkBudget } from './budget-service.ts';
import type { KeyService } from './key-service.ts';
import { memberUser } from './member-users.ts';
import { checkOrganization } from './organization-service.ts';

/** A member as an admin names one: by user id, by email, or both. */
export interface MemberInput {
  role: TeamMember['role'];
  user_id?: string | null;
  user_email?: string | null;
}

/** What /team/member_update changes: the role, and the member's own limits within the team (null: none). */
export interface MemberUpdate {
  role?: TeamMember['role'];
  max_budget_in_team?: number | null;
  rpm_limit?: number | null;
  tpm_limit?: number | null;
}

/** What an admin sets on a team: LiteLLM's team fields, checked by the admin API. */
export interface TeamSettings {
  team_id?: string;
  members_with_roles?: MemberInput[];
  [field: string]: unknown;
}

export class TeamService {
  constructor(
    private readonly identities: Identities,
    private readonly keys: KeyService,
    private readonly audit: AuditTrail,
    private readonly now: () => number,
  ) {}

  /**
   * A new team (LiteLLM's defaults, then what was sent); its members join it. `creator` (the calling
   * user, LiteLLM's `default_user_id` for the master key) becomes an admin of it unless already a member.
   */
  async create(input: TeamSettings, by: Actor, creator: string | null): Promise<TeamRecord> {
    await checkBudget(this.identities, input['budget_id']);
    await checkOrganization(this.identities, input['organization_id'] as string | null | undefined, input['models'] as string[] | undefined);
    const now = new Date(this.now()).toISOString();
    const team: TeamRecord = {
      team_alias: null,
      models: [],
      blocked: false,
      metadata: {},
      spend: 0,
      max_budget: null,
      budget_duration: null,
      rpm_limit: null,
      tpm_limit: null,
      ...input,
      team_id: input.team_id ?? randomUUID(),
      members_with_roles: await this.resolve((input.members_with_roles ?? []).map(toMember)),
      created_at: now,
      updated_at: now,
    };
    if (creator && !team.members_with_roles.some((m) => m.user_id === creator)) team.members_with_roles.push({ role: 'admin', user_id: creator, user_email: null });
    try {
      await this.identities.teams.create(team.team_id, team);
    } catch (error) {
      if (error instanceof ConditionFailed) throw new GatewayError('invalid_request', `team_id "${team.team_id}" already exists.`, { param: 'team_id' });
      throw error;
    }
    for (const m of team.members_with_roles) if (m.user_id) await this.join(m.user_id, team.team_id, m.user_email, by);
    await this.audit.record(by, { action: 'created', table_name: 'team', object_id: team.team_id, after: team });
    return team;
  }

  /** Sets what was sent; members change only through addMembers and removeMember. */
  async update(teamId: string, changes: Omit<TeamSettings, 'team_id'>, by: Actor): Promise<TeamRecord> {
    await checkBudget(this.identities, changes['budget_id']);
    if (changes.members_with_roles) throw new GatewayError('invalid_request', 'Change members with POST /team/member_add and /team/member_delete.', { param: 'members_with_roles' });
    if (changes['organization_id'] || changes['models']) {
      const team = await this.get(teamId);
      await checkOrganization(this.identities, (changes['organization_id'] ?? team['organization_id']) as string | null | undefined, (changes['models'] ?? team.models) as string[]);
    }
    return this.change(teamId, changes, 'updated', by);
  }

  setBlocked(teamId: string, blocked: boolean, by: Actor): Promise<TeamRecord> {
    return this.change(teamId, { blocked }, blocked ? 'blocked' : 'unblocked', by);
  }

  /**
   * Deletes every team named, or none: a 404 when one does not exist. A team's keys go first (they
   * reference it), then the team, then its members' user items forget it, as LiteLLM does.
   */
  async delete(teamIds: string[], by: Actor): Promise<string[]> {
    for (const teamId of teamIds) await this.get(teamId);
    const deleted: string[] = [];
    for (const teamId of teamIds) {
      for (const key of await this.keysOf(teamId)) await this.keys.deleteToken(key.token, by);
      const removed = await this.identities.teams.delete(teamId);
      if (!removed) continue;
      for (const m of removed.members_with_roles) if (m.user_id) await this.leave(m.user_id, teamId);
      await this.audit.record(by, { action: 'deleted', table_name: 'team', object_id: teamId, before: removed });
      deleted.push(teamId);
    }
    return deleted;
  }

  /** The team; a 404 when there is none. */
  async get(teamId: string): Promise<TeamRecord> {
    const team = await this.identities.teams.get(teamId);
    if (!team) throw new GatewayError('not_found', `No team "${teamId}". GET /team/list shows the teams there are.`);
    return team;
  }

  keysOf(teamId: string): Promise<KeyRecord[]> {
    return this.identities.keys.list({ team_id: teamId });
  }

  /** Every team, newest first; with `userId`, those it is a member of. */
  async list(userId?: string): Promise<TeamRecord[]> {
    const teams = await this.identities.teams.list();
    return userId ? teams.filter((t) => t.members_with_roles.some((m) => m.user_id === userId)) : teams;
  }

  /**
   * Adds members (replacing any with the same id or email), each with `maxBudgetInTeam` as their budget
   * within the team when given: the team item first, since membership is what counts, then each
   * member's user item.
   */
  async addMembers(teamId: string, members: MemberInput[], maxBudgetInTeam: number | undefined, by: Actor): Promise<{ team: TeamRecord; added: TeamMember[]; memberships: TeamMembership[] }> {
    const team = await this.get(teamId);
    const added = await this.resolve(members.map(toMember));
    const present = added.find((a) => team.members_with_roles.some((m) => sameMember(a, m)));
    // LiteLLM refuses a member who is already in the team (400), rather than adding them twice.
    if (present) throw new GatewayError('invalid_request', `${present.user_id ?? present.user_email} is already a member of team "${teamId}".`, { param: 'member' });
    const changes: Fields = { members_with_roles: [...team.members_with_roles, ...added] };
    const memberships = added.filter((m) => m.user_id).map((m) => membership(teamId, m.user_id!, maxBudgetInTeam === undefined ? null : { max_budget: maxBudgetInTeam }));
    if (maxBudgetInTeam !== undefined) changes['team_memberships'] = [...(team.team_memberships ?? []).filter((t) => !memberships.some((n) => n.user_id === t.user_id)), ...memberships];
    const after = await this.change(teamId, changes, 'updated', by);
    for (const m of added) if (m.user_id) await this.join(m.user_id, teamId, m.user_email, by);
    return { team: after, added, memberships };
  }

  /** Adds the member unless the team has them already (by user id or email): a new user joining the teams it names. */
  async ensureMember(teamId: string, member: TeamMember, by: Actor): Promise<void> {
    const team = await this.get(teamId);
    if (team.members_with_roles.some((m) => sameMember(member, m))) return;
    await this.addMembers(teamId, [member], undefined, by);
  }

  /**
   * Changes a member's role and their own limits within the team (`max_budget_in_team`, `rpm_limit`,
   * `tpm_limit`; null takes one away); a 404 when the team has no such member.
   */
  async updateMember(teamId: string, named: { user_id?: string; user_email?: string }, update: MemberUpdate, by: Actor): Promise<{ member: TeamMember; membership: TeamMembership }> {
    const team = await this.get(teamId);
    const member = team.members_with_roles.find((m) => sameMember({ user_id: named.user_id ?? null, user_email: named.user_email ?? null, role: 'user' }, m));
    if (!member?.user_id) throw new GatewayError('not_found', `${named.user_id ?? named.user_email} is not a member of team "${teamId}" with a user_id.`);
    const changed: TeamMember = { ...member, role: update.role ?? member.role };
    const existing = (team.team_memberships ?? []).find((t) => t.user_id === member.user_id);
    const limits: Fields = { ...existing?.litellm_budget_table };
    for (const [field, value] of [
      ['max_budget', update.max_budget_in_team],
      ['rpm_limit', update.rpm_limit],
      ['tpm_limit', update.tpm_limit],
    ] as const)
      if (value !== undefined) limits[field] = value;
    const updated = membership(teamId, member.user_id, limits);
    await this.change(
      teamId,
      {
        members_with_roles: team.members_with_roles.map((m) => (m === member ? changed : m)),
        team_memberships: [...(team.team_memberships ?? []).filter((t) => t.user_id !== member.user_id), updated],
      },
      'updated',
      by,
    );
    return { member: changed, membership: updated };
  }

  /** Removes the member with this user id or email; a 400 when the team has none, as LiteLLM answers. */
  async removeMember(teamId: string, gone: { user_id?: string; user_email?: string }, by: Actor): Promise<TeamRecord> {
    const team = await this.get(teamId);
    const named: TeamMember = { user_id: gone.user_id ?? null, user_email: gone.user_email ?? null, role: 'user' };
    const leaving = team.members_with_roles.filter((m) => sameMember(named, m));
    if (!leaving.length) throw new GatewayError('invalid_request', `User not found in team: ${gone.user_id ?? gone.user_email} is not a member of team "${teamId}".`, { param: 'user_id' });
    const leavers = new Set(leaving.map((m) => m.user_id));
    const after = await this.change(
      teamId,
      { members_with_roles: team.members_with_roles.filter((m) => !sameMember(named, m)), team_memberships: (team.team_memberships ?? []).filter((t) => !leavers.has(t.user_id)) },
      'updated',
      by,
    );
    for (const m of leaving) if (m.user_id) await this.leave(m.user_id, teamId);
    return after;
  }

  private async change(teamId: string, changes: Fields, action: 'updated' | 'blocked' | 'unblocked', by: Actor): Promise<TeamRecord> {
    const result = await this.identities.teams.update(teamId, { ...changes, updated_at: new Date(this.now()).toISOString() });
    if (!result) throw new GatewayError('not_found', `No team "${teamId}". GET /team/list shows the teams there are.`);
    await this.audit.record(by, { action, table_name: 'team', object_id: teamId, before: result.before, after: result.after });
    return result.after;
  }

  /** Adds the team to a member's user item, creating the user as LiteLLM does when it is new. */
  /**
   * Members named by email only get a user id, as LiteLLM gives them: the user with that email, else a
   * new one (made when the member joins). A user's `teams` can then list the team.
   */
  private async resolve(members: TeamMember[]): Promise<TeamMember[]> {
    if (!members.some((m) => m.user_id === null)) return members;
    const users = await this.identities.users.list();
    return members.map((m) => (m.user_id !== null ? m : { ...m, user_id: users.find((u) => u.user_email === m.user_email)?.user_id ?? randomUUID() }));
  }

  private async join(userId: string, teamId: string, email: string | null, by: Actor): Promise<void> {
    const { user, created } = await memberUser(this.identities, this.audit, by, { userId, email, teams: [teamId] }, this.now());
    if (!created && !user.teams.includes(teamId)) await this.identities.users.update(userId, { teams: [...user.teams, teamId], updated_at: new Date(this.now()).toISOString() });
  }

  private async leave(userId: string, teamId: string): Promise<void> {
    const user = await this.identities.users.get(userId);
    if (!user?.teams.includes(teamId)) return;
    await this.identities.users.update(userId, { teams: user.teams.filter((t) => t !== teamId), updated_at: new Date(this.now()).toISOString() });
  }
}

function membership(teamId: string, userId: string, limits: Fields | null): TeamMembership {
  return { user_id: userId, team_id: teamId, budget_id: null, litellm_budget_table: limits };
}

function toMember(m: MemberInput): TeamMember {
  return { role: m.role, user_id: m.user_id ?? null, user_email: m.user_email ?? null };
}

function sameMember(a: TeamMember, b: TeamMember): boolean {
  return (a.user_id !== null && a.user_id === b.user_id) || (a.user_email !== null && a.user_email === b.user_email);
}
