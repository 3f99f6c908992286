// The UI's playground chat alone, for the gateway Lambda: the stack sends POST /ui/api/playground/chat
// there so that the answer is streamed (infra/tollgate-stack.ts), while the pages, sign-in and the admin
// API are the admin Lambda's (shared/admin-api.ts). Only the session cookie's check and the playground's
// route: no pages, no single sign-on and no admin code in the gateway's bundle.
import type { AdminApi } from '../app.ts';
import { virtualKeyIdentity } from '../keys/authenticator.ts';
import { Identities } from '../store/identities.ts';
import { playgroundRoute } from './playground.ts';
import { uiAuthenticators } from './session-authenticator.ts';

export const PLAYGROUND_API: AdminApi = {
  routes({ store, chat, ui }) {
    if (!ui) return [];
    const identities = new Identities(store);
    return [playgroundRoute(chat, identities, virtualKeyIdentity(identities, ui.now))];
  },
  requestAuthenticators: uiAuthenticators,
};
