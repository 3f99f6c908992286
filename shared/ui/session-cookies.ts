// The web UI's session: a cookie holding who signed in, their role, the session's CSRF token and when
// it ends, signed with HMAC-SHA256. Nothing is stored: any instance (both Lambdas, every local
// process) with the same secret reads it, and a session ends when its time is up or the secret changes.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { USER_ROLES, type UserRole } from '../keys/roles.ts';

export const SESSION_COOKIE = 'tollgate_session';
/** How long a sign-in lasts. */
export const SESSION_LIFETIME_MS = 8 * 60 * 60 * 1000;

export interface Session {
  /** The user's id; null for whoever signed in with the master key. */
  userId: string | null;
  role: UserRole;
  /** Sent back by the UI in `x-csrf-token` on every change (shared/ui/session-authenticator.ts). */
  csrf: string;
  /** Epoch ms after which the cookie is refused. */
  expires: number;
}

export class SessionCookies {
  constructor(
    private readonly secret: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** A new session for `who`, and the Set-Cookie header that starts it. */
  issue(who: Pick<Session, 'userId' | 'role'>, secure: boolean): { session: Session; setCookie: string } {
    const session: Session = { ...who, csrf: randomBytes(24).toString('base64url'), expires: this.now() + SESSION_LIFETIME_MS };
    const payload = Buffer.from(JSON.stringify(session)).toString('base64url');
    const value = `${payload}.${this.sign(payload)}`;
    return { session, setCookie: cookie(value, Math.floor(SESSION_LIFETIME_MS / 1000), secure) };
  }

  /** The Set-Cookie header that ends a session in the browser. */
  clear(secure: boolean): string {
    return cookie('', 0, secure);
  }

  /** The session the request's cookie holds, if it is signed by us and not over. */
  read(headers: Record<string, string>): Session | undefined {
    const value = cookieValue(headers['cookie'], SESSION_COOKIE);
    const dot = value?.indexOf('.') ?? -1;
    if (!value || dot < 0) return undefined;
    const payload = value.slice(0, dot);
    const given = Buffer.from(value.slice(dot + 1));
    const expected = Buffer.from(this.sign(payload));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    const session = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Session;
    if (!(session.expires > this.now()) || !USER_ROLES.includes(session.role)) return undefined;
    return session;
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.secret).update(payload).digest('base64url');
  }
}

/** `UI_SESSION_SECRET` when set, else one derived from the master key (so every instance agrees without another setting). */
export function sessionSecret(env: (name: string) => string | undefined, masterKey: string): string {
  return env('UI_SESSION_SECRET') || createHmac('sha256', masterKey).update('tollgate ui session').digest('base64url');
}

function cookie(value: string, maxAgeSeconds: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${value}; Path=/; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of header?.split(';') ?? []) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
