// Who a virtual key is, as the authenticator finds it: what the model-access check, budgets and rate
// limits read from the request context.
import type { AuthenticatedIdentity, Identity } from '../core/types.ts';
import type { KeyRecord, OrganizationRecord, TeamRecord, UserRecord } from '../store/records.ts';

export interface VirtualKeyIdentity extends AuthenticatedIdentity {
  kind: 'virtual_key';
  /** SHA-256 hex of the presented key. */
  token: string;
  keyAlias: string | null;
  keyName: string;
  /** Empty: every model (within the team's). */
  models: string[];
  teamId: string | null;
  userId: string | null;
  /** The records as read (cached), limits and counters included. */
  key: KeyRecord;
  team?: TeamRecord;
  user?: UserRecord;
  /** The organization of its team (else its own `organization_id`): its models and budget hold the key too. */
  organization?: OrganizationRecord;
  /**
   * Set for a caller a JWT names (./jwt-authenticator.ts): a virtual key of the team and user the token
   * names, with no key item of its own, so nothing is reserved or counted on one; `token` is a hash of
   * the token's issuer and subject, never of the token.
   */
  jwt?: JwtCaller;
}

/** What a verified JWT says of its caller beside its team and user. */
export interface JwtCaller {
  issuer: string;
  subject: string;
  /** The token has the admin scope (`admin_jwt_scope`): it is the proxy admin. */
  admin: boolean;
  /** The end user (`end_user_id_jwt_field`) its model requests are for, unless they name one. */
  endUser?: string;
}

/** How audit records and messages name a key without revealing it. */
export function describeKey(identity: VirtualKeyIdentity): string {
  return identity.keyAlias ?? identity.keyName;
}

export function isVirtualKey(identity: Identity | undefined): identity is VirtualKeyIdentity {
  return identity?.kind === 'virtual_key';
}

/** The virtual key calling, if the caller is one. */
export function virtualKeyOf(identity: Identity | undefined): VirtualKeyIdentity | undefined {
  return isVirtualKey(identity) ? identity : undefined;
}
