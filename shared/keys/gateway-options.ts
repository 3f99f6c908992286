// What turns virtual keys on in a gateway: the store and the authenticator over it. Spread into
// buildGateway's options by the local server and the Lambdas; those that serve the admin API also
// pass `adminApi: ADMIN_API` (shared/admin-api.ts), which the gateway Lambda leaves out.
import type { Authenticator } from '../core/types.ts';
import { Identities } from '../store/identities.ts';
import type { Store } from '../store/store.ts';
import { virtualKeyAuthenticator } from './authenticator.ts';

/** `now` is the clock keys expire by (tests move it). */
export function virtualKeyOptions(store: Store, now?: () => number): { store: Store; authenticators: Authenticator[] } {
  return { store, authenticators: [virtualKeyAuthenticator(new Identities(store), now)] };
}
