// The web UI's session cookie as a caller: on admin routes the admin API then judges the signed-in
// person by their role (shared/keys/roles.ts), as it judges a user's key. A session never calls a
// model itself (the playground calls as a key: ./playground.ts), and reads only the caller routes the
// UI needs. Every change must carry the session's CSRF token and, when the browser sends one, an
// Origin of this host.
import { timingSafeEqual } from 'node:crypto';
import type { RequestAuthenticator } from '../core/auth.ts';
import { GatewayError } from '../core/errors.ts';
import type { SessionIdentity } from '../keys/session-identity.ts';
import type { UserRole } from '../keys/roles.ts';
import { checkSameOrigin } from './same-origin.ts';
import { type Session, SessionCookies, sessionSecret } from './session-cookies.ts';
import type { UiOptions } from './ui-routes.ts';

export const CSRF_HEADER = 'x-csrf-token';
const READS = new Set(['GET', 'HEAD']);
/** Caller routes a session may read, and which roles may: the rest are for keys. */
const CALLER_ROUTES: Record<string, readonly UserRole[] | 'any'> = {
  '/model/info': 'any',
  '/ui/api/playground/chat': 'any',
  '/spend/logs': ['proxy_admin', 'proxy_admin_viewer'],
  '/spend/logs/v2': ['proxy_admin', 'proxy_admin_viewer'],
};

export function sessionAuthenticator(cookies: SessionCookies): RequestAuthenticator {
  return async (request, route) => {
    const session = cookies.read(request.headers);
    if (!session) return undefined;
    if (route.auth !== 'admin') {
      const allowed = route.paths.map((path) => CALLER_ROUTES[path]).find((roles) => roles !== undefined);
      if (!allowed || (allowed !== 'any' && !allowed.includes(session.role))) return undefined;
    }
    if (!READS.has(request.method)) checkCsrf(request.headers, session);
    return sessionIdentity(session);
  };
}

export function sessionIdentity(session: Session): SessionIdentity {
  return { kind: 'ui_session', userId: session.userId, role: session.role, name: `ui:${session.userId ?? 'master_key'}` };
}

function checkCsrf(headers: Record<string, string>, session: Session): void {
  const given = Buffer.from(headers[CSRF_HEADER] ?? '');
  const expected = Buffer.from(session.csrf);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new GatewayError('permission_denied', `A change from a UI session needs its CSRF token in the ${CSRF_HEADER} header (GET /ui/api/session gives it).`);
  }
  checkSameOrigin(headers, 'A change from a UI session');
}

/** The session's signer: none without a master key (an open gateway lets everyone in without signing in). */
export function sessionCookies(ui: UiOptions | undefined, masterKey: string | undefined): SessionCookies | undefined {
  return ui && masterKey !== undefined ? new SessionCookies(sessionSecret(ui.env, masterKey), ui.now) : undefined;
}

/** The session cookie as a caller, for the gateway's authenticate step. */
export function uiAuthenticators(ui: UiOptions | undefined, masterKey: string | undefined): RequestAuthenticator[] {
  const cookies = sessionCookies(ui, masterKey);
  return cookies ? [sessionAuthenticator(cookies)] : [];
}
