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
