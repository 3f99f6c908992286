// Who is signed in to the web UI (shared/ui/): a person, not a key. The admin API judges them by their
// LiteLLM role (./roles.ts) and narrows what they see to their own by their user id (./caller-scope.ts),
// as it does a user's key.
import type { AuthenticatedIdentity, Identity } from '../core/types.ts';
import type { UserRole } from './roles.ts';

export interface SessionIdentity extends AuthenticatedIdentity {
  kind: 'ui_session';
  /** The user's id; null for whoever signed in with the master key. */
  userId: string | null;
  role: UserRole;
  /** How audit records name them: `ui:` and the user id, or `ui:master_key`. */
  name: string;
}

export function sessionOf(identity: Identity | undefined): SessionIdentity | undefined {
  return identity?.kind === 'ui_session' ? (identity as SessionIdentity) : undefined;
}
