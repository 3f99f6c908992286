// Single sign-on over OpenID Connect (authorization code flow with PKCE, state and nonce), as
// LiteLLM's generic SSO: GET /ui/api/sso/start sends the browser to the provider, which sends it back
// to GET /ui/api/sso/callback with a code. The gateway trades the code for tokens, verifies the ID
// token (signature from the provider's JWKS when it publishes one, issuer, audience, nonce), reads the
// user's claims (userinfo when the provider has it), makes the user on first sign-in (LiteLLM's
// internal_user, or what `default_internal_user_params` says: ./new-user-defaults.ts) and starts a session with their role: proxy_admin for PROXY_ADMIN_ID's users and
// for a role claim holding it, else the role the claim names, else the user's stored role.
import { createHash, randomUUID } from 'node:crypto';
import { createRemoteJWKSet, decodeJwt, type JWTPayload, jwtVerify } from 'jose';
import { GatewayError } from '../core/errors.ts';
import type { GatewayRequest, Reply, Route } from '../core/types.ts';
import { USER_ROLES, type UserRole } from '../keys/roles.ts';
import type { TeamService } from '../keys/team-service.ts';
import type { UserService } from '../keys/user-service.ts';
import type { Identities } from '../store/identities.ts';
import type { NewUserDefaults } from './new-user-defaults.ts';
import type { SessionCookies } from './session-cookies.ts';
import { providerEndpoints, type ProviderEndpoints, type SsoSettings } from './sso-settings.ts';

export const SSO_CALLBACK_PATH = '/ui/api/sso/callback';
/** The role of a user made on first sign-in, as LiteLLM's default for SSO users. */
const DEFAULT_ROLE: UserRole = 'internal_user';

export interface SsoDeps {
  settings: SsoSettings;
  cookies: SessionCookies;
  identities: Identities;
  users: UserService;
  teams: TeamService;
  /** What a user made on first sign-in gets (`default_internal_user_params`). */
  newUser: NewUserDefaults;
  /** Whether the browser reached us other than on loopback (the cookies are then Secure). */
  isSecure: (request: GatewayRequest) => boolean;
}

export function ssoRoutes(deps: SsoDeps): Route[] {
  const { settings, cookies } = deps;
  let endpoints: Promise<ProviderEndpoints> | undefined;
  // Discovered once; a failed discovery is tried again on the next sign-in.
  const known = () =>
    (endpoints ??= providerEndpoints(settings).catch((error) => {
      // A failed discovery is asked again next time.
      endpoints = undefined;
      throw error;
    }));
  let jwks: ReturnType<typeof createRemoteJWKSet> | undefined;
  return [
    {
      method: 'GET',
      paths: ['/ui/api/sso/start'],
      auth: 'public',
      async handle(request) {
        const provider = await known();
        const redirectUri = `${settings.baseUrl ?? origin(request, deps.isSecure(request))}${SSO_CALLBACK_PATH}`;
        const { flow, setCookie } = cookies.startSignIn(redirectUri, deps.isSecure(request));
        const url = new URL(provider.authorization);
        url.search = new URLSearchParams({
          response_type: 'code',
          client_id: settings.clientId,
          redirect_uri: redirectUri,
          scope: settings.scope,
          state: flow.state,
          nonce: flow.nonce,
          code_challenge: createHash('sha256').update(flow.verifier).digest('base64url'),
          code_challenge_method: 'S256',
        }).toString();
        return redirect(url.toString(), setCookie);
      },
    },
    {
      method: 'GET',
      paths: [SSO_CALLBACK_PATH],
      auth: 'public',
      async handle(request) {
        const secure = deps.isSecure(request);
        const flow = cookies.readSignIn(request.headers);
        const { code, state, error } = request.query;
        if (error) throw new GatewayError('permission_denied', `Single sign-on: the identity provider refused: ${error}.`);
        if (!flow || !state || state !== flow.state)
          throw new GatewayError('permission_denied', 'Single sign-on: this answer is not for a sign-in started here (its state does not match). Start again from /ui.');
        if (!code) throw new GatewayError('invalid_request', 'Single sign-on: the identity provider sent no code.', { param: 'code' });
        const provider = await known();
        const tokens = await exchangeCode(provider, settings, code, flow.verifier, flow.redirectUri);
        if (provider.jwks) jwks ??= createRemoteJWKSet(new URL(provider.jwks));
        const idClaims = await verifyIdToken(tokens.id_token, settings, provider, jwks, flow.nonce);
        const claims = provider.userinfo ? { ...idClaims, ...(await userinfo(provider.userinfo, tokens.access_token)) } : idClaims;
        const userId = stringClaim(claims, settings.userIdClaim) ?? stringClaim(claims, 'sub');
        if (!userId) throw new GatewayError('permission_denied', `Single sign-on: the identity provider named no user (claim ${settings.userIdClaim}).`);
        const role = await signedInRole(deps, userId, claims, request);
        const { setCookie } = cookies.issue({ userId, role }, secure);
        return redirect('/ui', setCookie);
      },
    },
  ];
}

/** The user's role, made on first sign-in; an admin by PROXY_ADMIN_ID or by the role claim is stored as one. */
async function signedInRole(deps: SsoDeps, userId: string, claims: JWTPayload, request: GatewayRequest): Promise<UserRole> {
  const claimed = roleFromClaim(claims, deps.settings.roleClaim);
  const asserted = deps.settings.adminIds.includes(userId) ? 'proxy_admin' : claimed;
  const by = { name: 'sso', token: null, requestId: request.headers['x-request-id'] ?? randomUUID() };
  const stored = await deps.identities.users.get(userId);
  if (!stored) {
    const { user: defaults, teams } = deps.newUser;
    const role = asserted ?? USER_ROLES.find((known) => known === defaults['user_role']) ?? DEFAULT_ROLE;
    // The teams first: a sign-in that cannot join them makes no user, so the next one tries again.
    for (const team of teams) {
      if (!(await deps.identities.teams.get(team.team_id))) {
        throw new GatewayError('invalid_request', `Single sign-on: default_internal_user_params names team "${team.team_id}", which does not exist. An admin creates it with POST /team/new.`);
      }
    }
    await deps.users.create({ ...defaults, user_id: userId, user_email: stringClaim(claims, deps.settings.emailClaim) ?? null, user_role: role, auto_create_key: false }, by);
    for (const team of teams) await deps.teams.addMembers(team.team_id, [{ user_id: userId, role: team.role }], team.maxBudgetInTeam, by);
    return role;
  }
  if (asserted && asserted !== stored.user_role) await deps.users.update(userId, { user_role: asserted }, by);
  return asserted ?? USER_ROLES.find((known) => known === stored.user_role) ?? DEFAULT_ROLE;
}

/** The LiteLLM role a claim names: the claim itself, or the most powerful role in a list of them (groups). */
function roleFromClaim(claims: JWTPayload, claim: string | undefined): UserRole | undefined {
  const value = claim ? claims[claim] : undefined;
  const names = Array.isArray(value) ? value : [value];
  return USER_ROLES.find((role) => role !== 'customer' && names.includes(role));
}

async function exchangeCode(provider: ProviderEndpoints, settings: SsoSettings, code: string, verifier: string, redirectUri: string): Promise<{ id_token?: string; access_token?: string }> {
  const body = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier, client_id: settings.clientId });
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  if (settings.clientSecret) headers['authorization'] = `Basic ${Buffer.from(`${encodeURIComponent(settings.clientId)}:${encodeURIComponent(settings.clientSecret)}`).toString('base64')}`;
  const answer = await fetch(provider.token, { method: 'POST', headers, body }).catch(() => undefined);
  const tokens = (await answer?.json().catch(() => undefined)) as { id_token?: string; access_token?: string; error?: string } | undefined;
  if (!answer?.ok || !tokens || (!tokens.id_token && !tokens.access_token)) {
    throw new GatewayError('permission_denied', `Single sign-on: the identity provider would not trade the code for tokens${tokens?.error ? ` (${tokens.error})` : ''}.`);
  }
  return tokens;
}

/** The ID token's claims once checked: signed by the provider's keys (when it publishes them), for this client, from this sign-in. */
async function verifyIdToken(
  token: string | undefined,
  settings: SsoSettings,
  provider: ProviderEndpoints,
  jwks: ReturnType<typeof createRemoteJWKSet> | undefined,
  nonce: string,
): Promise<JWTPayload> {
  if (!token) return {};
  let claims: JWTPayload;
  try {
    // Without a JWKS (endpoints configured one by one), the token came straight from the token endpoint over TLS, which OpenID Connect allows trusting.
    claims = jwks ? (await jwtVerify(token, jwks, { audience: settings.clientId, issuer: provider.issuer })).payload : decodeJwt(token);
  } catch (error) {
    throw new GatewayError('permission_denied', `Single sign-on: the ID token is not valid (${(error as Error).message}).`);
  }
  if (claims['nonce'] !== nonce) throw new GatewayError('permission_denied', 'Single sign-on: the ID token is not from this sign-in (its nonce does not match).');
  return claims;
}

async function userinfo(url: string, accessToken: string | undefined): Promise<JWTPayload> {
  if (!accessToken) return {};
  const answer = await fetch(url, { headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' } }).catch(() => undefined);
  if (!answer?.ok) throw new GatewayError('permission_denied', 'Single sign-on: the identity provider would not say who signed in (userinfo).');
  return (await answer.json()) as JWTPayload;
}

function stringClaim(claims: JWTPayload, name: string): string | undefined {
  const value = claims[name];
  return typeof value === 'string' && value ? value : undefined;
}

function origin(request: GatewayRequest, secure: boolean): string {
  return `${request.headers['x-forwarded-proto'] ?? (secure ? 'https' : 'http')}://${request.headers['host']}`;
}

/** A redirect setting one cookie (a reply has one Set-Cookie header: the sign-in's cookie is left to expire, its code spent). */
function redirect(location: string, setCookie: string): Reply {
  return { status: 302, headers: { location, 'set-cookie': setCookie, 'cache-control': 'no-store' }, body: '' };
}
