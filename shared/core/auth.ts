// Who is calling: the gateway key from the request headers, checked against the master key and then
// against any authenticators later modules register (virtual keys).
import { createHash, timingSafeEqual } from 'node:crypto';
import { GatewayError } from './errors.ts';
import type { Authenticator, GatewayRequest, Identity, RequestContext, Route } from './types.ts';

/** Headers other SDKs put the key in (Azure's, Anthropic's, Google's), read after LiteLLM's own header and Authorization. */
const KEY_HEADERS = ['api-key', 'x-api-key', 'x-goog-api-key'];

/**
 * The gateway key a request presents, in the order LiteLLM reads it: `x-litellm-api-key` first (Google's
 * and AWS's SDKs send their own credentials as Authorization beside it), then `Authorization: Bearer`,
 * then other SDKs' key headers, then the route's query parameter (Gemini's `?key=`) if it has one.
 */
export function presentedKey(headers: Record<string, string>, fromQuery?: string): string | undefined {
  const own = headers['x-litellm-api-key']?.trim();
  if (own) return withoutBearer(own);
  const authorization = headers['authorization']?.trim();
  if (authorization) return withoutBearer(authorization);
  for (const name of KEY_HEADERS) {
    const value = headers[name]?.trim();
    if (value) return value;
  }
  return fromQuery?.trim() || undefined;
}

function withoutBearer(value: string): string {
  const match = /^Bearer\s+(.+)$/i.exec(value);
  return match ? match[1]!.trim() : value;
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** Compares candidates with `secret` in constant time (equal-length digests); the secret is hashed once, not per request. */
function secretMatcher(secret: string): (candidate: string) => boolean {
  const digest = createHash('sha256').update(secret).digest();
  return (candidate) => timingSafeEqual(createHash('sha256').update(candidate).digest(), digest);
}

export interface AuthOptions {
  /** Undefined means the gateway is open (allowed on loopback only; the server enforces that). */
  masterKey?: string;
  authenticators: Authenticator[];
  /**
   * Whether a caller an authenticator vouches for may call an `admin` route; throws when not (LiteLLM's
   * roles: shared/keys/roles.ts). Without it only the master key may.
   */
  authorizeAdminRoute?: (identity: Identity, route: Pick<Route, 'method' | 'paths' | 'group'>) => void;
  /** Asked, in order, when a request presents no key (the web UI's session cookie). */
  requestAuthenticators?: RequestAuthenticator[];
}

/** Finds the caller from the request itself rather than a presented key; undefined when it is not theirs to judge; throws when refused. */
export type RequestAuthenticator = (request: Pick<GatewayRequest, 'headers' | 'method' | 'path'>, route: Pick<Route, 'auth' | 'method' | 'paths' | 'group'>) => Promise<Identity | undefined>;

export type Authenticate = (
  request: Pick<GatewayRequest, 'headers' | 'method' | 'path'> & Partial<Pick<GatewayRequest, 'query'>>,
  ctx: RequestContext,
  route: Pick<Route, 'auth' | 'method' | 'paths' | 'group' | 'keyInQuery'>,
) => Promise<Identity | undefined>;

/** The gateway's key check, built once per gateway. */
export function createAuthenticate(options: AuthOptions): Authenticate {
  const isMasterKey = options.masterKey === undefined ? undefined : secretMatcher(options.masterKey);
  return async (request, ctx, route) => {
    const level = route.auth;
    if (level === 'public') return undefined;
    if (!isMasterKey) return { kind: 'open' };
    const key = presentedKey(request.headers, route.keyInQuery ? request.query?.[route.keyInQuery] : undefined);
    for (const authenticator of key ? [] : (options.requestAuthenticators ?? [])) {
      const identity = await authenticator(request, route);
      if (!identity) continue;
      if (level === 'admin') {
        if (!options.authorizeAdminRoute) throw new GatewayError('permission_denied', 'This route needs the master key (general_settings.master_key).');
        options.authorizeAdminRoute(identity, route);
      }
      return identity;
    }
    if (!key) {
      throw new GatewayError('missing_key', 'No API key. Send your gateway key as `Authorization: Bearer sk-...`.');
    }
    if (isMasterKey(key)) return { kind: 'master' };
    for (const authenticator of options.authenticators) {
      const identity = await authenticator(key, ctx, { path: request.path, group: route.group ?? (level === 'admin' ? 'management' : 'info') });
      if (!identity) continue;
      if (level === 'admin') {
        // A valid key that is not the master key is known, and allowed here only as its role says.
        if (!options.authorizeAdminRoute) throw new GatewayError('permission_denied', 'This route needs the master key (general_settings.master_key); a virtual key may not call it.');
        options.authorizeAdminRoute(identity, route);
      }
      return identity;
    }
    if (level === 'admin') throw new GatewayError('invalid_key', 'This route needs the master key (general_settings.master_key).');
    throw new GatewayError('invalid_key', 'Invalid API key. Check the key you send in the Authorization header.');
  };
}
