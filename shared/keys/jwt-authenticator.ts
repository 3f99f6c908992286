// Callers who present a JWT from the organisation's identity provider instead of a virtual key
// (LiteLLM's `enable_jwt_auth` with `litellm_jwtauth`, shared/config/jwt-auth.ts). The token is verified
// with jose against the provider's keys (./jwks.ts): signature, expiry, audience, issuer. Its claims name
// a team, a user, an end user and an organization; the caller then is a virtual key of that team and
// user with no key item of its own (./identity.ts, `jwt`), so that the team's, user's and organization's
// budgets, limits and models hold it exactly as they hold their keys. A token with the admin scope is the
// proxy admin; any other may call only `team_allowed_routes` (checked as a key's `allowed_routes`).
// Refusals say what to fix and never quote the token.
import { createHash } from 'node:crypto';
import { decodeProtectedHeader, errors, type JWTPayload, jwtVerify } from 'jose';
import type { JwtAuthSettings } from '../config/jwt-auth.ts';
import { GatewayError } from '../core/errors.ts';
import type { Authenticator } from '../core/types.ts';
import type { Identities } from '../store/identities.ts';
import type { KeyRecord } from '../store/records.ts';
import type { VirtualKeyIdentity } from './identity.ts';
import { JwksCache } from './jwks.ts';
import { keyHolders } from './key-holders.ts';
import { NO_LIMITS } from './no-limits.ts';
import { checkRoute } from './route-access.ts';

/** LiteLLM's: signatures by the provider's public keys only, never a shared secret. */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

/** `now`: the clock tokens expire by and fetched keys age by (tests move it). */
export function jwtAuthenticator(settings: JwtAuthSettings, identities: Identities, now: () => number = Date.now): Authenticator {
  const jwks = new JwksCache(settings.jwksUrls, settings.publicKeyTtlMs, now);
  return async (presented, _ctx, route) => {
    // Not a JWT (a virtual key): another authenticator's to judge.
    if (!looksLikeJwt(presented)) return undefined;
    if (!settings.jwksUrls.length) {
      throw new GatewayError(
        'invalid_key',
        "Authentication Error - this gateway takes JWTs (enable_jwt_auth) but has no keys to verify them with: set JWT_PUBLIC_KEY_URL to the identity provider's JWKS URL.",
      );
    }
    const claims = await verified(presented, settings, jwks, now);
    const issuer = claims.iss ?? '';
    const admin = scopesOf(claims).includes(settings.adminScope);
    const teamId = claim(claims, settings.fields.team);
    const userId = claim(claims, settings.fields.user);
    const subject = claims.sub ?? userId ?? teamId ?? 'unknown';
    const name = `jwt:${subject}`;
    if (!admin) checkRoles(claims, settings);
    if (!admin && !teamId && !userId) {
      throw new GatewayError(
        'permission_denied',
        `The JWT names no team (litellm_jwtauth.team_id_jwt_field: ${settings.fields.team ?? 'not set'}) and no user (user_id_jwt_field: ${settings.fields.user ?? 'not set'}), and lacks the admin scope "${settings.adminScope}": it may call nothing. Set those fields to the claims your identity provider puts them in.`,
      );
    }
    const token = createHash('sha256').update(`jwt\n${issuer}\n${subject}`).digest('hex');
    const key = keyOf(token, name, teamId ?? null, userId ?? null, admin ? [] : settings.allowedRoutes);
    checkRoute(key, name, route);
    const holders = await keyHolders(identities, { teamId: key.team_id, userId: key.user_id, organizationId: claim(claims, settings.fields.organization) }, `the JWT of ${subject}`, key);
    const identity: VirtualKeyIdentity = {
      kind: 'virtual_key',
      token,
      keyAlias: null,
      keyName: name,
      models: [],
      teamId: key.team_id,
      userId: key.user_id,
      key: holders.own,
      team: holders.team,
      user: holders.user,
      organization: holders.organization,
      jwt: { issuer, subject, admin, endUser: claim(claims, settings.fields.endUser) },
    };
    return identity;
  };
}

/** Three dot-separated parts, the first a JWS header naming an algorithm. */
function looksLikeJwt(presented: string): boolean {
  if (presented.split('.').length !== 3) return false;
  try {
    return typeof decodeProtectedHeader(presented).alg === 'string';
  } catch {
    return false;
  }
}

async function verified(token: string, settings: JwtAuthSettings, jwks: JwksCache, now: () => number): Promise<JWTPayload> {
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, jwks.keyFor, {
      algorithms: ALGORITHMS,
      audience: settings.audiences.length ? settings.audiences : undefined,
      issuer: settings.issuers.length ? settings.issuers.map((entry) => entry.issuer) : undefined,
      currentDate: new Date(now()),
    }));
  } catch (error) {
    throw refusal(error, token, settings);
  }
  // An issuer of its own audience: the token must be for one of them.
  const audiences = settings.issuers.find((entry) => entry.issuer === payload.iss)?.audiences ?? [];
  const named = typeof payload.aud === 'string' ? [payload.aud] : (payload.aud ?? []);
  if (audiences.length && !named.some((aud) => audiences.includes(aud))) throw wrongAudience(audiences);
  return payload;
}

/** Why a token is refused, in words that say what to fix; the token itself is never quoted. */
function refusal(error: unknown, token: string, settings: JwtAuthSettings): GatewayError {
  if (error instanceof GatewayError) return error;
  const reason = (text: string) => new GatewayError('invalid_key', `Authentication Error - ${text}`, { cause: error });
  if (error instanceof errors.JWTExpired) return reason('the JWT has expired (its exp is past). Get a new token from your identity provider.');
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'aud') return wrongAudience(settings.audiences);
    if (error.claim === 'iss') return reason(`the JWT's issuer (iss) is not one this gateway trusts (litellm_jwtauth.issuers: ${settings.issuers.map((entry) => entry.issuer).join(', ')}).`);
    if (error.claim === 'nbf') return reason('the JWT is not valid yet (its nbf is in the future). Check the clocks, or wait.');
    return reason(`the JWT's ${error.claim} claim is not valid: ${error.reason}.`);
  }
  if (error instanceof errors.JWKSNoMatchingKey) {
    return reason(
      `the JWT is signed with a key (kid ${JSON.stringify(headerOf(token).kid ?? null)}) that the identity provider's JWKS (JWT_PUBLIC_KEY_URL) does not hold; it may have been rotated out. Get a new token.`,
    );
  }
  if (error instanceof errors.JOSEAlgNotAllowed)
    return reason(`the JWT is signed with ${headerOf(token).alg}; this gateway accepts ${ALGORITHMS.join(', ')} signatures by the identity provider's keys.`);
  if (error instanceof errors.JWSSignatureVerificationFailed) return reason("the JWT's signature does not verify against the identity provider's keys (JWT_PUBLIC_KEY_URL).");
  return reason('the token looks like a JWT but is not a valid one. Send the access token your identity provider issued, whole.');
}

function wrongAudience(audiences: string[]): GatewayError {
  return new GatewayError(
    'invalid_key',
    `Authentication Error - the JWT is not for this gateway: its audience (aud) names none of ${audiences.join(', ')} (JWT_AUDIENCE). Ask your identity provider for a token for that audience.`,
  );
}

function headerOf(token: string): { kid?: string; alg?: string } {
  try {
    return decodeProtectedHeader(token);
  } catch {
    return {};
  }
}

/** OAuth's `scope` (space-separated) or `scp` (a list). */
function scopesOf(claims: JWTPayload): string[] {
  const scope = claims['scope'] ?? claims['scp'];
  if (typeof scope === 'string') return scope.split(' ').filter(Boolean);
  return Array.isArray(scope) ? scope.filter((entry): entry is string => typeof entry === 'string') : [];
}

/** The claim at a dotted path (`realm_access.team`). */
function claimAt(claims: JWTPayload, path: string): unknown {
  let value: unknown = claims;
  for (const part of path.split('.')) value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
  return value;
}

/** The claim at `path` as an id; the first of a list. */
function claim(claims: JWTPayload, path: string | undefined): string | undefined {
  if (!path) return undefined;
  let value = claimAt(claims, path);
  if (Array.isArray(value)) value = value[0];
  return typeof value === 'string' && value ? value : typeof value === 'number' ? String(value) : undefined;
}

/** LiteLLM's `user_roles_jwt_field` with `user_allowed_roles`: the token must carry one of the allowed roles. */
function checkRoles(claims: JWTPayload, settings: JwtAuthSettings): void {
  const allowed = settings.userAllowedRoles;
  if (!settings.fields.userRoles || !allowed?.length) return;
  const value = claimAt(claims, settings.fields.userRoles);
  const roles = typeof value === 'string' ? [value] : Array.isArray(value) ? value : [];
  if (!roles.some((role) => allowed.includes(role))) {
    throw new GatewayError(
      'permission_denied',
      `The JWT's roles (${settings.fields.userRoles}) include none of litellm_jwtauth.user_allowed_roles (${allowed.join(', ')}). Ask for one of those roles in your identity provider.`,
    );
  }
}

/** The caller as a key of its team and user: no models or limits of its own, `allowedRoutes` only. */
function keyOf(token: string, name: string, teamId: string | null, userId: string | null, allowedRoutes: string[]): KeyRecord {
  return {
    token,
    key_name: name,
    key_alias: null,
    models: [],
    expires: null,
    blocked: null,
    team_id: teamId,
    user_id: userId,
    ...NO_LIMITS,
    model_max_budget: {},
    model_rpm_limit: {},
    model_tpm_limit: {},
    metadata: {},
    tags: [],
    allowed_routes: allowedRoutes,
    spend: 0,
    created_at: '',
    created_by: name,
    updated_at: '',
    updated_by: name,
  };
}
