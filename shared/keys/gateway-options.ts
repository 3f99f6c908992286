// What turns virtual keys on in a gateway: the store and the authenticator over it. Spread into
// buildGateway's options by the local server and the Lambdas; those that serve the admin API also
// pass its routes over a keys service, `extraRoutes: [() => adminRoutes(keysService(store, log))]`
// (shared/routes/admin/, ./service.ts), which the gateway Lambda leaves out.
import type { AppOptions } from '../app.ts';
import { Identities } from '../store/identities.ts';
import type { Store } from '../store/store.ts';
import { virtualKeyAuthenticator } from './authenticator.ts';

export function virtualKeyOptions(store: Store): Required<Pick<AppOptions, 'store' | 'authenticators'>> {
  return { store, authenticators: [virtualKeyAuthenticator(new Identities(store))] };
}
