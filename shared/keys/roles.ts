// LiteLLM's roles, and which of them may call which admin route: the one table of who may do what
// (after LiteLLM's LitellmUserRoles and route lists, litellm/proxy/_types.py, and
// auth/route_checks.py). The master key, and the key of a user whose `user_role` is `proxy_admin`, may
// call every route. A `proxy_admin_viewer` reads everything (every GET, and the POST reads such as
// /key/info) and is refused every change with LiteLLM's 403. A row lets other callers in; the route
// then narrows what they read or change to their own (shared/keys/caller-scope.ts). Any other caller of
// an admin route gets LiteLLM's 401. test/keys/roles-per-route.test.ts calls every admin route as each role.
import { GatewayError } from '../core/errors.ts';
import type { Identity, Route } from '../core/types.ts';
import { virtualKeyOf } from './identity.ts';
import { sessionOf } from './session-identity.ts';

export const USER_ROLES = ['proxy_admin', 'proxy_admin_viewer', 'internal_user', 'internal_user_viewer', 'customer'] as const;
export type UserRole = (typeof USER_ROLES)[number];

/**
 * Who besides a proxy admin may call a route: a user role, or `any_key` (any key, about what it owns:
 * its own info, its user's, its teams'; a team's members for that team's admins).
 */
export type Grant = Exclude<UserRole, 'proxy_admin' | 'customer'> | 'any_key';

/** Admin routes absent here are the proxy admin's alone. */
export const ROUTE_GRANTS: Readonly<Record<string, readonly Grant[]>> = {
  // An internal user manages their own keys (LiteLLM's key_management_routes in internal_user_routes).
  'POST /key/generate': ['internal_user'],
  'POST /key/update': ['internal_user'],
  'POST /key/delete': ['internal_user'],
  'POST /key/regenerate': ['internal_user'],
  'POST /key/{key}/regenerate': ['internal_user'],
  'POST /key/block': ['internal_user'],
  'POST /key/unblock': ['internal_user'],
  // LiteLLM's info routes: any key reads what it owns, a proxy_admin_viewer reads everything.
  'GET /key/info': ['any_key'],
  'POST /key/info': ['any_key'],
  'GET /key/list': ['any_key'],
  'GET /team/info': ['any_key'],
  'GET /team/list': ['any_key'],
  'GET /user/info': ['any_key'],
  // The models the caller may call (the admins: every deployment); shared/endpoints/model-info-v2.ts narrows them.
  'GET /v2/model/info': ['any_key'],
  // Daily activity: a user's own, a team admin's teams' (shared/endpoints/daily-activity.ts narrows them).
  'GET /user/daily/activity': ['any_key'],
  'GET /team/daily/activity': ['any_key'],
  'GET /tag/daily/activity': ['proxy_admin_viewer'],
  // LiteLLM's self-managed routes: a team's admins manage its members; the route refuses anyone else
  // (/user/list: everyone below the admins) with a 403.
  'POST /team/member_add': ['any_key'],
  'POST /team/member_update': ['any_key'],
  'POST /team/member_delete': ['any_key'],
  'GET /user/list': ['any_key'],
  // A team's admins change what is theirs to change of their team (not its own budget, limits or models).
  'POST /team/update': ['any_key'],
  // LiteLLM's spend-tracking and tag reads of internal users, narrowed to their own user's spend.
  'GET /spend/tags': ['internal_user', 'internal_user_viewer'],
  'GET /tag/list': ['internal_user', 'internal_user_viewer'],
  // Real calls to every deployment (GET /health) are the admins' only, though LiteLLM lets any key make them.
};

/** Admin routes that only read: the read-only admin's, as LiteLLM lets it call every safe method and these POST reads. */
function onlyReads(route: Pick<Route, 'method' | 'group'>): boolean {
  return route.method === 'GET' || route.group === 'info';
}

/** The caller's LiteLLM role: the master key (and a JWT with the admin scope) is the proxy admin; a virtual key has its user's role, if it has a user; a UI session its own. */
export function roleOf(identity: Identity | undefined): UserRole | undefined {
  if (identity?.kind === 'master' || identity?.kind === 'open' || virtualKeyOf(identity)?.jwt?.admin) return 'proxy_admin';
  const session = sessionOf(identity);
  if (session) return session.role;
  const role = virtualKeyOf(identity)?.user?.user_role;
  return USER_ROLES.find((known) => known === role);
}

/** Throws LiteLLM's refusal unless the caller's role may call `route` (one of its paths has a row granting it). */
export function authorizeAdminRoute(identity: Identity, route: Pick<Route, 'method' | 'paths' | 'group'>): void {
  const role = roleOf(identity);
  if (role === 'proxy_admin') return;
  const grants = route.paths.flatMap((path) => ROUTE_GRANTS[`${route.method} ${path}`] ?? []);
  if (grants.includes('any_key') || grants.some((grant) => grant === role)) return;
  if (role === 'proxy_admin_viewer') {
    if (onlyReads(route)) return;
    throw new GatewayError(
      'permission_denied',
      `user not allowed to access this route, role= proxy_admin_viewer. Trying to access: ${route.paths[0]}. A proxy_admin_viewer only reads; use the master key, or the key of a user whose user_role is proxy_admin.`,
    );
  }
  throw new GatewayError(
    'admin_only',
    `Authentication Error, Only proxy admin can be used to generate, delete, update info for new keys/users/teams. Route=${route.paths[0]}. Your role=${role ?? 'unknown'}. Use the master key, or the key of a user whose user_role is proxy_admin.`,
  );
}
