// Virtual keys as an Authenticator: the presented key's hash → its record (cached), and the first
// enforcement steps of every request: unknown → not ours (401 upstream of here), blocked or expired
// → 401, a blocked or vanished team, a blocked user, a vanished organization → 401 (./key-holders.ts).
import { GatewayError } from '../core/errors.ts';
import type { Authenticator, CalledRoute } from '../core/types.ts';
import type { Identities } from '../store/identities.ts';
import { inGracePeriod, isMoved, MOVED_TO } from '../store/moved-key.ts';
import type { VirtualKeyIdentity } from './identity.ts';
import { hashKey } from './key-material.ts';
import { keyHolders } from './key-holders.ts';
import { checkRoute } from './route-access.ts';

/** Regenerations in a row a key in its grace period is followed through. */
const MAX_GRACE_MOVES = 4;

export function virtualKeyAuthenticator(identities: Identities, now: () => number = Date.now): Authenticator {
  const identityOf = virtualKeyIdentity(identities, now);
  return (key, _ctx, route) => identityOf(hashKey(key), route);
}

/** The identity of the key with hash `token`, checked as the authenticator checks a presented key (the UI's playground calls as a key it holds only the hash of). */
export function virtualKeyIdentity(identities: Identities, now: () => number = Date.now): (token: string, route: CalledRoute) => Promise<VirtualKeyIdentity | undefined> {
  return async (token, route) => {
    let record = await identities.keys.cached(token);
    // A key regenerated away is no key (its item only forwards the spend of requests in flight), except
    // during its grace period: then it is the new key, charged to the new key's budget and counters.
    for (let moves = 0; record && isMoved(record) && inGracePeriod(record, now()) && moves < MAX_GRACE_MOVES; moves++) {
      token = record[MOVED_TO] as string;
      record = await identities.keys.cached(token);
    }
    if (!record || isMoved(record)) return undefined;
    const name = record.key_alias ?? record.key_name;
    if (record.blocked) {
      throw new GatewayError('blocked', `Authentication Error - key ${name} is blocked. An admin can unblock it with POST /key/unblock.`);
    }
    checkRoute(record, name, route);
    if (record.expires && Date.parse(record.expires) <= now()) {
      throw new GatewayError('key_expired', `Authentication Error - key ${name} expired at ${record.expires}. Ask an admin for a new key, or to extend it with POST /key/update {"duration": ...}.`);
    }
    const { own, team, user, organization } = await keyHolders(
      identities,
      { teamId: record.team_id, userId: record.user_id, organizationId: record['organization_id'] as string | null | undefined },
      `key ${name}`,
      record,
    );
    const identity: VirtualKeyIdentity = {
      kind: 'virtual_key',
      token,
      keyAlias: record.key_alias,
      keyName: record.key_name,
      models: record.models,
      teamId: record.team_id,
      userId: record.user_id,
      key: own,
      team,
      user,
      organization,
    };
    return identity;
  };
}
