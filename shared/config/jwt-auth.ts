// LiteLLM's JWT auth for API callers: `general_settings.enable_jwt_auth: true` with its
// `litellm_jwtauth:` block, and the environment variables LiteLLM reads for it: JWT_PUBLIC_KEY_URL
// (the identity provider's JWKS URLs, comma-separated) and JWT_AUDIENCE. → JwtAuthSettings, which
// shared/keys/jwt-authenticator.ts verifies tokens by.
import * as z from 'zod';

/** LiteLLM's defaults: the scope that makes a token the proxy admin, and what a team's token may call. */
const DEFAULT_ADMIN_SCOPE = 'litellm_proxy_admin';
const DEFAULT_TEAM_ROUTES = ['openai_routes', 'info_routes'];
const DEFAULT_PUBLIC_KEY_TTL_SECONDS = 600;

const claimPath = z.string().min(1);
const names = z.union([z.string().min(1), z.array(z.string().min(1))]);

export const jwtAuthSchema = z.looseObject({
  public_key_ttl: z.number().positive().optional(),
  admin_jwt_scope: z.string().min(1).optional(),
  team_id_jwt_field: claimPath.optional(),
  user_id_jwt_field: claimPath.optional(),
  end_user_id_jwt_field: claimPath.optional(),
  org_id_jwt_field: claimPath.optional(),
  user_roles_jwt_field: claimPath.optional(),
  user_allowed_roles: z.array(z.string().min(1)).optional(),
  team_allowed_routes: z.array(z.string().min(1)).optional(),
  issuers: z.array(z.looseObject({ issuer: z.string().min(1), audience: names.optional() })).optional(),
});

/** The `litellm_jwtauth` keys Tollgate acts on; others are listed as not acted on. */
export const JWT_AUTH_KEYS = Object.keys(jwtAuthSchema.shape);

export interface JwtAuthSettings {
  /** JWT_PUBLIC_KEY_URL: where the signing keys are; empty refuses every token, saying so. */
  jwksUrls: string[];
  /** JWT_AUDIENCE: a token's `aud` must name one; empty: not checked, as LiteLLM. */
  audiences: string[];
  /** `issuers`: a token's `iss` must be one (with that entry's audience, when it names one); empty: any. */
  issuers: Array<{ issuer: string; audiences: string[] }>;
  /** How long fetched keys are used before they are fetched again (`public_key_ttl`, seconds in the file). */
  publicKeyTtlMs: number;
  adminScope: string;
  /** Claim paths (dotted: `realm_access.team`) of who the token names. */
  fields: { team?: string; user?: string; endUser?: string; organization?: string; userRoles?: string };
  /** With `user_roles_jwt_field`: a token must carry one of these roles. */
  userAllowedRoles?: string[];
  /** Routes a token that is not the admin's may call: LiteLLM's group names (`openai_routes`, ...) or paths. */
  allowedRoutes: string[];
}

/** Undefined when `enable_jwt_auth` is not on. */
export function toJwtAuthSettings(
  enabled: boolean | undefined,
  raw: z.output<typeof jwtAuthSchema> | undefined,
  env: (name: string) => string | undefined,
  warnings: string[],
): JwtAuthSettings | undefined {
  if (!enabled) return undefined;
  const jwksUrls = list(env('JWT_PUBLIC_KEY_URL'));
  if (!jwksUrls.length) warnings.push("general_settings.enable_jwt_auth is on but JWT_PUBLIC_KEY_URL is not set: every JWT is refused until it names the identity provider's JWKS URL.");
  return {
    jwksUrls,
    audiences: list(env('JWT_AUDIENCE')),
    issuers: (raw?.issuers ?? []).map((entry) => ({ issuer: entry.issuer, audiences: typeof entry.audience === 'string' ? [entry.audience] : (entry.audience ?? []) })),
    publicKeyTtlMs: (raw?.public_key_ttl ?? DEFAULT_PUBLIC_KEY_TTL_SECONDS) * 1000,
    adminScope: raw?.admin_jwt_scope ?? DEFAULT_ADMIN_SCOPE,
    fields: { team: raw?.team_id_jwt_field, user: raw?.user_id_jwt_field, endUser: raw?.end_user_id_jwt_field, organization: raw?.org_id_jwt_field, userRoles: raw?.user_roles_jwt_field },
    userAllowedRoles: raw?.user_allowed_roles,
    allowedRoutes: raw?.team_allowed_routes ?? DEFAULT_TEAM_ROUTES,
  };
}

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
}
