// `litellm_settings.cache` and `cache_params` → CacheSettings. Every LiteLLM exact-cache type (local,
// redis, disk, s3, gcs, ...) is served by Tollgate's exact cache on DynamoDB, and the semantic types
// (redis-semantic, qdrant-semantic, ...) by its semantic cache, so a LiteLLM file works unchanged: one
// line at start says which served it and that the backend's own settings (host, bucket, ...) are unused.
import * as z from 'zod';

/** LiteLLM's call types Tollgate caches (`supported_call_types`), by the names LiteLLM writes them. */
export const CACHEABLE_CALL_TYPES = ['acompletion', 'aembedding', 'anthropic_messages', 'aresponses', 'atext_completion'] as const;

/** What an entry lives for when neither the config nor the request says (LiteLLM's Redis keeps entries forever; a table should not). */
export const DEFAULT_CACHE_TTL_SECONDS = 24 * 3600;

const SEMANTIC_TYPES = new Set(['redis-semantic', 'qdrant-semantic', 'valkey-semantic', 'semantic']);
const EMBEDDING_MODEL_KEYS = ['semantic_cache_embedding_model', 'redis_semantic_cache_embedding_model', 'qdrant_semantic_cache_embedding_model', 'valkey_semantic_cache_embedding_model'] as const;

export const cacheParamsSchema = z.looseObject({
  type: z.string().min(1).optional(),
  mode: z.enum(['default_on', 'default_off']).optional(),
  ttl: z.number().positive().optional(),
  default_in_memory_ttl: z.number().positive().optional(),
  default_in_redis_ttl: z.number().positive().optional(),
  namespace: z.string().min(1).optional(),
  supported_call_types: z.array(z.string()).optional(),
  similarity_threshold: z.number().min(0).max(1).optional(),
  semantic_cache_embedding_model: z.string().min(1).optional(),
  redis_semantic_cache_embedding_model: z.string().min(1).optional(),
  qdrant_semantic_cache_embedding_model: z.string().min(1).optional(),
  valkey_semantic_cache_embedding_model: z.string().min(1).optional(),
  /** Tollgate's: who may read an entry (README "Caching"). */
  scope: z.enum(['team', 'key', 'shared']).optional(),
  /** Tollgate's: the fraction of a miss's cost a hit is charged (0, LiteLLM's, unless set). */
  cache_hit_cost: z.number().min(0).max(1).optional(),
});

export type CacheScope = 'team' | 'key' | 'shared';

export interface CacheSettings {
  /** `cache_params.type` as written (`local` when unset), for messages. */
  type: string;
  semantic?: { threshold: number; embeddingModel: string };
  /** `default_off`: only requests that send `cache: {"use-cache": true}` use it. */
  defaultOff: boolean;
  ttlSeconds: number;
  namespace?: string;
  /** LiteLLM call types cached (`acompletion`, ...). */
  callTypes: ReadonlySet<string>;
  scope: CacheScope;
  hitCostFraction: number;
}

/** The settings, or undefined when `cache` is not on; problems (a semantic type without an embedding model) go to `problems`. */
export function toCacheSettings(
  cache: boolean | undefined,
  raw: z.infer<typeof cacheParamsSchema> | undefined,
  modelNames: ReadonlySet<string>,
  source: string,
  problems: string[],
  warnings: string[],
): CacheSettings | undefined {
  if (!cache) {
    if (raw) warnings.push(`${source}: litellm_settings.cache_params is set but litellm_settings.cache is not true; responses are not cached`);
    return undefined;
  }
  const params = raw ?? {};
  const type = params.type ?? 'local';
  let semantic: CacheSettings['semantic'];
  if (SEMANTIC_TYPES.has(type)) {
    const embeddingModel = EMBEDDING_MODEL_KEYS.map((key) => params[key]).find((model) => model !== undefined);
    if (params.similarity_threshold === undefined) problems.push(`litellm_settings.cache_params.similarity_threshold: a ${type} cache needs one (0 to 1, e.g. 0.8)`);
    if (!embeddingModel) problems.push(`litellm_settings.cache_params: a ${type} cache needs an embedding model (${EMBEDDING_MODEL_KEYS[1]}: <a model_name of model_list>)`);
    else if (!modelNames.has(embeddingModel)) problems.push(`litellm_settings.cache_params: embedding model "${embeddingModel}" is not a model_name in model_list`);
    semantic = { threshold: params.similarity_threshold ?? 1, embeddingModel: embeddingModel ?? '' };
  }
  const cacheable = (name: string) => (CACHEABLE_CALL_TYPES as readonly string[]).includes(name);
  const unknownCallTypes = (params.supported_call_types ?? []).filter((name) => !callTypeNames(name).some(cacheable));
  if (unknownCallTypes.length) warnings.push(`${source}: litellm_settings.cache_params.supported_call_types: ${unknownCallTypes.join(', ')} are not cached by Tollgate`);
  const scope = params.scope ?? 'team';
  warnings.push(
    `${source}: litellm_settings.cache_params.type "${type}" is served by Tollgate's ${semantic ? 'semantic' : 'exact'} cache in its DynamoDB table (hot entries in memory), scope "${scope}"; the ${type} backend's own settings are not used`,
  );
  return {
    type,
    semantic,
    defaultOff: params.mode === 'default_off',
    ttlSeconds: params.ttl ?? params.default_in_redis_ttl ?? params.default_in_memory_ttl ?? DEFAULT_CACHE_TTL_SECONDS,
    namespace: params.namespace,
    callTypes: new Set(params.supported_call_types ? params.supported_call_types.flatMap(callTypeNames).filter(cacheable) : CACHEABLE_CALL_TYPES),
    scope,
    hitCostFraction: params.cache_hit_cost ?? 0,
  };
}

/** LiteLLM accepts each call type by its sync and async name (`completion` and `acompletion`). */
function callTypeNames(name: string): string[] {
  return name.startsWith('a') && name !== 'anthropic_messages' ? [name] : [name, `a${name}`];
}
