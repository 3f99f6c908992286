// The user item behind a member an admin adds to a team or an organization: created when the user is
// new, as LiteLLM does (an internal user with no key), else left as it is.
import type { Identities } from '../store/identities.ts';
import type { UserRecord } from '../store/records.ts';
import { ConditionFailed } from '../store/store.ts';
import type { Actor, AuditTrail } from './audit-trail.ts';

/** The member's user, made with `teams` when new; `created` says whether it was. */
export async function memberUser(
  identities: Identities,
  audit: AuditTrail,
  by: Actor,
  member: { userId: string; email: string | null; teams: string[] },
  now: number,
): Promise<{ user: UserRecord; created: boolean }> {
  const existing = await identities.users.get(member.userId);
  if (existing) return { user: existing, created: false };
  const at = new Date(now).toISOString();
  const user: UserRecord = {
    user_id: member.userId,
    user_email: member.email,
    user_role: 'internal_user',
    teams: member.teams,
    models: [],
    blocked: false,
    metadata: {},
    spend: 0,
    created_at: at,
    updated_at: at,
  };
  try {
    await identities.users.create(member.userId, user);
  } catch (error) {
    // Created meanwhile by another request: that one is the member's.
    if (error instanceof ConditionFailed) return memberUser(identities, audit, by, member, now);
    throw error;
  }
  await audit.record(by, { action: 'created', table_name: 'user', object_id: member.userId, after: user });
  return { user, created: true };
}
