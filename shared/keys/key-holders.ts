// The team, user and organization a caller belongs to (a virtual key's, or those a JWT names), read
// (cached) with their reusable budgets and checked: a team that no longer exists or is blocked, a
// blocked user, an organization that no longer exists → 401. Their limits and models hold the caller.
import { GatewayError } from '../core/errors.ts';
import type { Identities } from '../store/identities.ts';
import type { Fields, OrganizationRecord, TeamRecord, UserRecord } from '../store/records.ts';
import { withBudgetTable } from './budget-tables.ts';

export interface KeyHolders {
  team?: TeamRecord;
  user?: UserRecord;
  /** The organization of the team, else the caller's own. */
  organization?: OrganizationRecord;
}

/** `own`: the caller's own record (a key's), read with its reusable budget alongside the others'. `name`: how messages name the caller. */
export async function keyHolders<Own extends Fields>(
  identities: Identities,
  ids: { teamId: string | null; userId: string | null; organizationId?: string | null },
  name: string,
  own: Own,
): Promise<KeyHolders & { own: Own }> {
  const team = ids.teamId ? await identities.teams.cached(ids.teamId) : undefined;
  if (ids.teamId && !team) {
    throw new GatewayError('invalid_key', `Authentication Error - ${name} belongs to team ${ids.teamId}, which does not exist. An admin creates it with POST /team/new.`);
  }
  if (team?.blocked) {
    throw new GatewayError('blocked', `Authentication Error - team ${team.team_id} is blocked. An admin can unblock it with POST /team/unblock.`);
  }
  const user = ids.userId ? await identities.users.cached(ids.userId) : undefined;
  if (user?.blocked) {
    throw new GatewayError('blocked', `Authentication Error - user ${user.user_id} is blocked. An admin can unblock them with POST /user/update {"blocked": false}.`);
  }
  const organizationId = (team?.['organization_id'] ?? ids.organizationId) as string | null | undefined;
  const organization = organizationId ? await identities.organizations.cached(organizationId) : undefined;
  if (organizationId && !organization) {
    throw new GatewayError('invalid_key', `Authentication Error - ${name} belongs to organization ${organizationId}, which does not exist.`);
  }
  // Each record's reusable budget, where its limits come from unless set on it.
  const budgets = identities.budgets;
  const [withOwn, withTeam, withUser, withOrganization] = await Promise.all([
    withBudgetTable(own, budgets),
    team && withBudgetTable(team, budgets),
    user && withBudgetTable(user, budgets),
    organization && withBudgetTable(organization, budgets),
  ]);
  return { own: withOwn, team: withTeam, user: withUser, organization: withOrganization };
}
