// What every admin route shares: JSON in and out, who is making the change, pages.
import { GatewayError } from '../../core/errors.ts';
import type { Actor } from '../../keys/audit-trail.ts';
import { describeKey, virtualKeyOf } from '../../keys/identity.ts';
import { sessionOf } from '../../keys/session-identity.ts';
import type { GatewayRequest, RequestContext, Route, RouteAuth } from '../../core/types.ts';
import { isCounterAttribute } from '../../spend/meter-plan.ts';

export type AdminHandler = (request: GatewayRequest, ctx: RequestContext, params: Record<string, string>) => Promise<unknown>;

/** A route answering JSON; master key only unless `auth` says otherwise. */
export function adminRoute(method: Route['method'], paths: string[], handle: AdminHandler, auth: RouteAuth = 'admin'): Route {
  return {
    method,
    paths,
    auth,
    // LiteLLM's info_routes are the reads (GET, and the POST forms of /key/info and the like); the rest manage.
    group: method === 'GET' || paths.every((path) => path.endsWith('/info')) ? 'info' : 'management',
    async handle(request, ctx, params) {
      // Items carry the spend tracker's counters beside LiteLLM's fields; answers show LiteLLM's only.
      return { body: JSON.stringify(await handle(request, ctx, params), (name, value) => (isCounterAttribute(name) ? undefined : value)) };
    },
  };
}

/** Who makes a change, as audit records and `created_by` name them. */
export function actorOf(ctx: RequestContext): Actor {
  const key = virtualKeyOf(ctx.identity);
  if (key) return { name: describeKey(key), token: key.token, requestId: ctx.requestId };
  const session = sessionOf(ctx.identity);
  if (session) return { name: session.name, token: null, requestId: ctx.requestId };
  return { name: ctx.identity?.kind === 'open' ? 'open' : 'master', token: null, requestId: ctx.requestId };
}

/** LiteLLM's page / size query parameters, checked. */
export function pageParams(query: Record<string, string>, sizeName: 'size' | 'page_size', defaultSize: number, maxSize = 100): { page: number; size: number } {
  const page = wholeNumber(query['page'] ?? '1', 'page', 1, Number.MAX_SAFE_INTEGER);
  const size = wholeNumber(query[sizeName] ?? String(defaultSize), sizeName, 1, maxSize);
  return { page, size };
}

function wholeNumber(text: string, name: string, min: number, max: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new GatewayError('invalid_request', `\`${name}\` must be a whole number from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ' up'}, not "${text}".`, { param: name });
  }
  return value;
}

export function paginate<T>(items: T[], page: number, size: number): { slice: T[]; total: number; totalPages: number } {
  return { slice: items.slice((page - 1) * size, page * size), total: items.length, totalPages: Math.ceil(items.length / size) };
}
