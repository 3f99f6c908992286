// The web UI's cookies, signed with HMAC-SHA256: the session (who signed in, their role, the session's
// CSRF token, when it ends), and while a single sign-on is under way its state, nonce and PKCE
// verifier. Nothing is stored: any instance (both Lambdas, every local process) with the same secret
// reads them, and a session ends when its time is up or the secret changes.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { USER_ROLES, type UserRole } from '../keys/roles.ts';

export const SESSION_COOKIE = 'tollgate_session';
/** How long a sign-in lasts. */
export const SESSION_LIFETIME_MS = 8 * 60 * 60 * 1000;
const SIGN_IN_COOKIE = 'tollgate_sso';
/** How long a single sign-on may take at the identity provider. */
const SIGN_IN_LIFETIME_MS = 10 * 60 * 1000;

export interface Session {
  /** The user's id; null for whoever signed in with the master key. */
  userId: string | null;
  role: UserRole;
  /** Sent back by the UI in `x-csrf-token` on every change (shared/ui/session-authenticator.ts). */
  csrf: string;
  /** Epoch ms after which the cookie is refused. */
  expires: number;
}

/** A single sign-on under way: what the provider's answer must match. */
export interface SignInFlow {
  state: string;
  nonce: string;
  verifier: string;
  redirectUri: string;
  expires: number;
}

export class SessionCookies {
  constructor(
    private readonly secret: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** A new session for `who`, and the Set-Cookie header that starts it. */
  issue(who: Pick<Session, 'userId' | 'role'>, secure: boolean): { session: Session; setCookie: string } {
    const session: Session = { ...who, csrf: randomToken(), expires: this.now() + SESSION_LIFETIME_MS };
    return { session, setCookie: this.seal(SESSION_COOKIE, session, SESSION_LIFETIME_MS, secure) };
  }

  /** The Set-Cookie header that ends a session in the browser. */
  clear(secure: boolean): string {
    return cookie(SESSION_COOKIE, '', 0, secure);
  }

  /** The session the request's cookie holds, if it is signed by us and not over. */
  read(headers: Record<string, string>): Session | undefined {
    const session = this.open<Session>(SESSION_COOKIE, headers);
    return session && USER_ROLES.includes(session.role) ? session : undefined;
  }

  /** A new single sign-on's state, nonce and PKCE verifier, and the cookie that keeps them until the provider sends the browser back. */
  startSignIn(redirectUri: string, secure: boolean): { flow: SignInFlow; setCookie: string } {
    const flow: SignInFlow = { state: randomToken(), nonce: randomToken(), verifier: randomToken(48), redirectUri, expires: this.now() + SIGN_IN_LIFETIME_MS };
    return { flow, setCookie: this.seal(SIGN_IN_COOKIE, flow, SIGN_IN_LIFETIME_MS, secure) };
  }

  readSignIn(headers: Record<string, string>): SignInFlow | undefined {
    return this.open<SignInFlow>(SIGN_IN_COOKIE, headers);
  }

  private seal(name: string, data: { expires: number }, lifetimeMs: number, secure: boolean): string {
    const payload = Buffer.from(JSON.stringify(data)).toString('base64url');
    return cookie(name, `${payload}.${this.sign(payload)}`, Math.floor(lifetimeMs / 1000), secure);
  }

  private open<T extends { expires: number }>(name: string, headers: Record<string, string>): T | undefined {
    const value = cookieValue(headers['cookie'], name);
    const dot = value?.indexOf('.') ?? -1;
    if (!value || dot < 0) return undefined;
    const payload = value.slice(0, dot);
    const given = Buffer.from(value.slice(dot + 1));
    const expected = Buffer.from(this.sign(payload));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    const data = JSON.parse(Buffer.from(payload, 'base64url').toString()) as T;
    return data.expires > this.now() ? data : undefined;
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.secret).update(payload).digest('base64url');
  }
}

/** `UI_SESSION_SECRET` when set, else one derived from the master key (so every instance agrees without another setting). */
export function sessionSecret(env: (name: string) => string | undefined, masterKey: string): string {
  return env('UI_SESSION_SECRET') || createHmac('sha256', masterKey).update('tollgate ui session').digest('base64url');
}

function randomToken(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}

function cookie(name: string, value: string, maxAgeSeconds: number, secure: boolean): string {
  return `${name}=${value}; Path=/; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of header?.split(';') ?? []) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
