// Single sign-on's settings, from the environment under LiteLLM's names: the OpenID Connect client
// (GENERIC_CLIENT_ID, GENERIC_CLIENT_SECRET), the provider's endpoints (GENERIC_AUTHORIZATION_ENDPOINT,
// GENERIC_TOKEN_ENDPOINT, GENERIC_USERINFO_ENDPOINT) or its issuer to discover them from
// (GENERIC_ISSUER), which claims name the user (GENERIC_USER_ID_ATTRIBUTE, GENERIC_USER_EMAIL_ATTRIBUTE)
// and their role (GENERIC_USER_ROLE_ATTRIBUTE), and who is a proxy admin (PROXY_ADMIN_ID).
import * as z from 'zod';
import { GatewayError } from '../core/errors.ts';

export interface SsoSettings {
  clientId: string;
  clientSecret: string | undefined;
  issuer: string | undefined;
  authorizationEndpoint: string | undefined;
  tokenEndpoint: string | undefined;
  userinfoEndpoint: string | undefined;
  scope: string;
  userIdClaim: string;
  emailClaim: string;
  /** A claim holding a LiteLLM role name, or a list (groups) that may hold one. */
  roleClaim: string | undefined;
  /** User ids that are proxy admins. */
  adminIds: string[];
  /** Where the provider sends the browser back to: PROXY_BASE_URL, else the address the browser used. */
  baseUrl: string | undefined;
}

/** The settings, or undefined when SSO is not configured (no GENERIC_CLIENT_ID). */
export function ssoSettings(env: (name: string) => string | undefined): SsoSettings | undefined {
  const clientId = env('GENERIC_CLIENT_ID');
  if (!clientId) return undefined;
  const settings: SsoSettings = {
    clientId,
    clientSecret: env('GENERIC_CLIENT_SECRET') || undefined,
    issuer: env('GENERIC_ISSUER') || undefined,
    authorizationEndpoint: env('GENERIC_AUTHORIZATION_ENDPOINT') || undefined,
    tokenEndpoint: env('GENERIC_TOKEN_ENDPOINT') || undefined,
    userinfoEndpoint: env('GENERIC_USERINFO_ENDPOINT') || undefined,
    scope: env('GENERIC_SCOPE') || 'openid email profile',
    userIdClaim: env('GENERIC_USER_ID_ATTRIBUTE') || 'preferred_username',
    emailClaim: env('GENERIC_USER_EMAIL_ATTRIBUTE') || 'email',
    roleClaim: env('GENERIC_USER_ROLE_ATTRIBUTE') || undefined,
    adminIds: (env('PROXY_ADMIN_ID') ?? '')
      .split(',')
      .map((id) => id.trim())
      .filter(Boolean),
    baseUrl: env('PROXY_BASE_URL')?.replace(/\/+$/, '') || undefined,
  };
  if (!settings.issuer && !(settings.authorizationEndpoint && settings.tokenEndpoint)) {
    throw new Error('GENERIC_CLIENT_ID is set, but neither GENERIC_ISSUER nor both GENERIC_AUTHORIZATION_ENDPOINT and GENERIC_TOKEN_ENDPOINT are');
  }
  return settings;
}

const discoverySchema = z.object({
  issuer: z.string(),
  authorization_endpoint: z.string(),
  token_endpoint: z.string(),
  userinfo_endpoint: z.string().optional(),
  jwks_uri: z.string().optional(),
});

export interface ProviderEndpoints {
  issuer: string | undefined;
  authorization: string;
  token: string;
  userinfo: string | undefined;
  jwks: string | undefined;
}

/** The provider's endpoints: those configured, the rest from its discovery document when an issuer is given. */
export async function providerEndpoints(settings: SsoSettings): Promise<ProviderEndpoints> {
  let discovered: z.infer<typeof discoverySchema> | undefined;
  if (settings.issuer) {
    const url = `${settings.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
    const answer = await fetch(url).catch(() => undefined);
    const parsed = answer?.ok ? discoverySchema.safeParse(await answer.json().catch(() => undefined)) : undefined;
    if (!parsed?.success) throw new GatewayError('upstream_error', `Single sign-on: the identity provider's discovery document (${url}) could not be read.`);
    discovered = parsed.data;
  }
  return {
    issuer: discovered?.issuer,
    authorization: settings.authorizationEndpoint ?? discovered!.authorization_endpoint,
    token: settings.tokenEndpoint ?? discovered!.token_endpoint,
    userinfo: settings.userinfoEndpoint ?? discovered?.userinfo_endpoint,
    jwks: discovered?.jwks_uri,
  };
}
