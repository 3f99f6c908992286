// Users as the admin API manages them (LiteLLM's /user/* paths). A new user gets a key unless the
// request says otherwise, and joins the teams it names (`teams`, `team_id`) as a member, as in
// LiteLLM; deleting a user deletes its keys first.
import { randomUUID } from 'node:crypto';
import { GatewayError } from '../core/errors.ts';
import type { Identities } from '../store/identities.ts';
import type { Fields, KeyRecord, TeamRecord, UserRecord } from '../store/records.ts';
import { ConditionFailed } from '../store/store.ts';
import type { Actor, AuditTrail } from './audit-trail.ts';
import { checkBudget } from './budget-service.ts';
import type { IssuedKey, KeyService } from './key-service.ts';
import type { TeamService } from './team-service.ts';

/** What an admin sets on a new user: LiteLLM's user fields, and the key fields /user/new passes on to the key it makes. */
export interface NewUser {
  user_id?: string;
  teams?: string[];
  models?: string[];
  metadata?: Fields;
  /** false: no key is made. */
  auto_create_key?: boolean;
  key_alias?: string;
  duration?: string | null;
  /** The key's team, which the user joins too. */
  team_id?: string;
  [field: string]: unknown;
}

export class UserService {
  constructor(
    private readonly identities: Identities,
    private readonly keys: KeyService,
    private readonly teams: TeamService,
    private readonly audit: AuditTrail,
    private readonly now: () => number,
  ) {}

  /** A new user, and its key unless `auto_create_key` is false: both, or neither; then it joins its teams as a `user` member. */
  async create(input: NewUser, by: Actor): Promise<{ user: UserRecord; key?: IssuedKey }> {
    const user = await this.createUser(input);
    let key: IssuedKey | undefined;
    if (input.auto_create_key !== false) {
      try {
        key = await this.keys.generate(
          {
            user_id: user.user_id,
            models: input.models,
            key_alias: input.key_alias,
            duration: input.duration,
            team_id: input.team_id,
            metadata: input.metadata,
          },
          by,
        );
      } catch (error) {
        // No user without the key the request asked for: take the user back out.
        await this.identities.users.delete(user.user_id);
        throw error;
      }
    }
    await this.audit.record(by, { action: 'created', table_name: 'user', object_id: user.user_id, after: user });
    // LiteLLM adds the new user to each team as a member (so /team/member_update finds them); one who is a member already stays as they are.
    for (const teamId of user.teams) await this.teams.ensureMember(teamId, { user_id: user.user_id, user_email: user.user_email, role: 'user' }, by);
    return { user, key };
  }

  /** Updates the user, or makes it (with no key) when there is none, as LiteLLM's /user/update upserts. */
  async update(userId: string, changes: Fields, by: Actor): Promise<UserRecord> {
    await checkBudget(this.identities, changes['budget_id']);
    const result = await this.identities.users.update(userId, { ...changes, updated_at: new Date(this.now()).toISOString() });
    if (!result) {
      const user = await this.createUser({ ...changes, user_id: userId });
      await this.audit.record(by, { action: 'created', table_name: 'user', object_id: userId, after: user });
      return user;
    }
    await this.audit.record(by, { action: 'updated', table_name: 'user', object_id: userId, before: result.before, after: result.after });
    return result.after;
  }

  /** Deletes every user named, or none: a 404 when one does not exist. A user's keys go first (they reference it), as LiteLLM does. */
  async delete(userIds: string[], by: Actor): Promise<string[]> {
    for (const userId of userIds) await this.get(userId);
    const deleted: string[] = [];
    for (const userId of userIds) {
      for (const key of await this.keysOf(userId)) await this.keys.deleteToken(key.token, by);
      const removed = await this.identities.users.delete(userId);
      if (!removed) continue;
      await this.audit.record(by, { action: 'deleted', table_name: 'user', object_id: userId, before: removed });
      deleted.push(userId);
    }
    return deleted;
  }

  /** The user; a 404 when there is none. */
  async get(userId: string): Promise<UserRecord> {
    const user = await this.identities.users.get(userId);
    if (!user) throw new GatewayError('not_found', `No user "${userId}". GET /user/list shows the users there are.`);
    return user;
  }

  keysOf(userId: string): Promise<KeyRecord[]> {
    return this.identities.keys.list({ user_id: userId });
  }

  /** The teams of the user that exist. */
  async teamsOf(user: UserRecord): Promise<TeamRecord[]> {
    return (await Promise.all(user.teams.map((team) => this.identities.teams.get(team)))).filter((team) => team !== undefined);
  }

  /** Every user, newest first; only those with `role`, and only those in `userIds`, when given. */
  async list(filter: { role?: string; userIds?: string[] }): Promise<UserRecord[]> {
    const users = await this.identities.users.list();
    return users.filter((u) => (!filter.role || u.user_role === filter.role) && (!filter.userIds || filter.userIds.includes(u.user_id)));
  }

  /** The user's record: LiteLLM's defaults, then what was sent; its teams must exist. */
  private async createUser(input: NewUser): Promise<UserRecord> {
    await checkBudget(this.identities, input['budget_id']);
    const { auto_create_key: _auto, key_alias: _alias, duration: _duration, team_id: teamId, ...fields } = input;
    const now = new Date(this.now()).toISOString();
    const user: UserRecord = {
      user_email: null,
      user_role: 'internal_user',
      teams: [],
      models: [],
      blocked: false,
      metadata: {},
      spend: 0,
      max_budget: null,
      budget_duration: null,
      rpm_limit: null,
      tpm_limit: null,
      ...fields,
      user_id: input.user_id ?? randomUUID(),
      created_at: now,
      updated_at: now,
    };
    if (teamId && !user.teams.includes(teamId)) user.teams = [...user.teams, teamId];
    for (const team of user.teams) {
      if (!(await this.identities.teams.get(team))) throw new GatewayError('invalid_request', `Team "${team}" does not exist. Create it with POST /team/new first.`, { param: 'teams' });
    }
    try {
      await this.identities.users.create(user.user_id, user);
    } catch (error) {
      if (error instanceof ConditionFailed) throw new GatewayError('invalid_request', `user_id "${user.user_id}" already exists. Change it with POST /user/update.`, { param: 'user_id' });
      throw error;
    }
    return user;
  }
}
