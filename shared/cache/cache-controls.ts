// A request's own cache controls, as LiteLLM takes them: the body's `cache` object (`no-cache`,
// `no-store`, `ttl`, `s-maxage`, `namespace`, `use-cache`) and the `Cache-Control` request header
// (`no-cache`, `no-store`, `max-age`/`s-maxage`) mapped to the same. A virtual key with a non-empty
// `allowed_cache_controls` may use only those (403 otherwise, LiteLLM's message).
import * as z from 'zod';
import { GatewayError } from '../core/errors.ts';
import { invalidRequest } from '../core/invalid-request.ts';
import type { Identity } from '../core/types.ts';
import { virtualKeyOf } from '../keys/identity.ts';

export interface CacheControls {
  /** Do not answer from the cache (the answer is still stored). */
  noCache: boolean;
  /** Do not store the answer. */
  noStore: boolean;
  ttlSeconds?: number;
  /** Accept only entries at most this old. */
  maxAgeSeconds?: number;
  namespace?: string;
  /** Opt in where `cache_params.mode` is `default_off`. */
  useCache: boolean;
}

const seconds = z.number({ error: 'must be a number of seconds' }).min(0, 'must be a number of seconds');
const flag = z.boolean({ error: 'must be true or false' });

const bodySchema = z.looseObject({
  'no-cache': flag.nullish(),
  'no-store': flag.nullish(),
  ttl: seconds.positive('must be a positive number of seconds').nullish(),
  's-maxage': seconds.nullish(),
  's-max-age': seconds.nullish(),
  namespace: z.string({ error: 'must be a string' }).min(1, 'must not be empty').nullish(),
  'use-cache': flag.nullish(),
});

/** The controls a request sets; throws a 400 naming a control of the wrong type, a 403 for one its key may not use. */
export function cacheControls(cache: unknown, headers: Record<string, string>, identity: Identity | undefined): CacheControls {
  if (cache !== undefined && cache !== null && (typeof cache !== 'object' || Array.isArray(cache))) {
    throw new GatewayError('invalid_request', 'Invalid request: cache: must be an object such as {"no-cache": true, "ttl": 600}.', { param: 'cache' });
  }
  const parsed = bodySchema.safeParse(cache ?? {});
  if (!parsed.success) throw invalidRequest(new z.ZodError(parsed.error.issues.map((issue) => ({ ...issue, path: ['cache', ...issue.path] }))));
  const body = parsed.data;
  const header = headerDirectives(headers['cache-control']);
  const used = [
    ...Object.entries(body)
      .filter(([, value]) => value !== null && value !== undefined && value !== false)
      .map(([name]) => name),
    ...header.names,
  ];
  checkAllowed(used, identity);
  return {
    noCache: body['no-cache'] === true || header.names.includes('no-cache'),
    noStore: body['no-store'] === true || header.names.includes('no-store'),
    ttlSeconds: body.ttl ?? undefined,
    maxAgeSeconds: body['s-maxage'] ?? body['s-max-age'] ?? header.maxAge,
    namespace: body.namespace ?? undefined,
    useCache: body['use-cache'] === true,
  };
}

/** The request header's directives Tollgate acts on, by the body control each stands for. */
function headerDirectives(value: string | undefined): { names: string[]; maxAge?: number } {
  const names: string[] = [];
  let maxAge: number | undefined;
  for (const directive of (value ?? '').split(',')) {
    const [name = '', argument] = directive.trim().toLowerCase().split('=');
    if (name === 'no-cache' || name === 'no-store') names.push(name);
    if ((name === 'max-age' || name === 's-maxage') && argument !== undefined && /^\d+$/.test(argument)) {
      maxAge = Number(argument);
      names.push('s-maxage');
    }
  }
  return { names, maxAge };
}

function checkAllowed(used: string[], identity: Identity | undefined): void {
  const allowed = virtualKeyOf(identity)?.key.allowed_cache_controls;
  if (!Array.isArray(allowed) || allowed.length === 0) return;
  const refused = used.find((name) => !allowed.includes(name));
  if (refused) throw new GatewayError('permission_denied', `Not allowed to set ${refused} as a cache control. Contact admin to change permissions.`, { param: 'cache' });
}
