// LiteLLM's cache admin routes, master key only: GET /cache/ping (can the cache's table be read),
// POST /cache/delete {"keys": [...]} (the keys answers carried in `x-litellm-cache-key`), and
// POST /cache/flushall {"namespace"?} (every entry of one namespace: the config's when none is named).
import * as z from 'zod';
import type { ResponseCache } from '../cache/response-cache.ts';
import { GatewayError } from '../core/errors.ts';
import { invalidRequest } from '../core/invalid-request.ts';
import { parseJsonObject } from '../core/json-body.ts';
import type { Route } from '../core/types.ts';
import { storeUnavailable } from '../store/unavailable.ts';
import { adminRoute } from './admin/admin-route.ts';

const deleteSchema = z.looseObject({ keys: z.array(z.string(), { error: 'keys must be a list of cache keys (x-litellm-cache-key)' }) });
const flushSchema = z.looseObject({ namespace: z.string().nullish() });

export function cacheEndpoint(cache: ResponseCache | undefined): Route[] {
  return [
    adminRoute('GET', ['/cache/ping'], async () => {
      const responses = configured(cache);
      try {
        await responses.ping();
      } catch (error) {
        throw storeUnavailable(error);
      }
      return { status: 'healthy', cache_type: responses.settings.type, ping_response: true, litellm_cache_params: cacheParams(responses) };
    }),
    adminRoute('POST', ['/cache/delete'], async (request) => {
      const responses = configured(cache);
      const body = deleteSchema.safeParse(parseJsonObject(request.body));
      if (!body.success) throw invalidRequest(body.error);
      await responses.delete(body.data.keys);
      return { status: 'success' };
    }),
    adminRoute('POST', ['/cache/flushall'], async (request) => {
      const responses = configured(cache);
      const body = flushSchema.safeParse(request.body.trim() ? parseJsonObject(request.body) : {});
      if (!body.success) throw invalidRequest(body.error);
      const deleted = await responses.flush(body.data.namespace ?? undefined);
      return { status: 'success', deleted };
    }),
  ];
}

function configured(cache: ResponseCache | undefined): ResponseCache {
  if (!cache)
    throw new GatewayError('cache_not_configured', 'The response cache is off: set litellm_settings.cache: true in the config (and run the gateway with its DynamoDB table) to use /cache routes.');
  return cache;
}

/** The settings in effect, with LiteLLM's names; nothing secret is in them. */
function cacheParams({ settings }: ResponseCache): Record<string, unknown> {
  return {
    type: settings.type,
    mode: settings.defaultOff ? 'default_off' : 'default_on',
    ttl: settings.ttlSeconds,
    namespace: settings.namespace ?? null,
    supported_call_types: [...settings.callTypes],
    similarity_threshold: settings.semantic?.threshold ?? null,
    scope: settings.scope,
  };
}
