// LiteLLM's cache settings as Tollgate reads them: every LiteLLM type served by its own cache with one
// line at start, the semantic types' needs checked, `mode: default_off` (opt in with `use-cache`),
// `supported_call_types`, and the /cache admin routes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedDynamo } from '../../local/embedded-dynamodb.ts';
import { ConfigError } from '../../shared/config/types.ts';
import { testConfig } from '../helpers/gateway.ts';
import { COST, cacheConfig, MASTER, startCacheGateway, startDynamo, startFakeUpstream, type CacheGateway, type FakeUpstream } from './support.ts';

const UPSTREAM = 'http://127.0.0.1:9';

describe('litellm_settings.cache', () => {
  it('serves every LiteLLM exact type with its own cache, saying so once at start', () => {
    for (const type of ['local', 'redis', 'disk', 's3', 'gcs']) {
      const config = testConfig(cacheConfig(UPSTREAM, `{ type: ${type}, ttl: 60, namespace: ns, s3_bucket_name: b, host: h }`));
      expect(config.cache).toMatchObject({ type, ttlSeconds: 60, namespace: 'ns', defaultOff: false, scope: 'team' });
      expect(config.cache?.semantic).toBeUndefined();
      const lines = config.warnings.filter((line) => line.includes('cache'));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`cache_params.type "${type}" is served by Tollgate's exact cache`);
    }
    expect(testConfig(cacheConfig(UPSTREAM, '{}')).cache).toMatchObject({ type: 'local', ttlSeconds: 86_400 });
  });

  it('serves the semantic types with its semantic cache, which needs a threshold and an embedding model of the config', () => {
    const config = testConfig(cacheConfig(UPSTREAM, '{ type: redis-semantic, similarity_threshold: 0.8, redis_semantic_cache_embedding_model: embedder }'));
    expect(config.cache?.semantic).toEqual({ threshold: 0.8, embeddingModel: 'embedder' });
    expect(config.warnings.join('\n')).toContain(`"redis-semantic" is served by Tollgate's semantic cache`);
    expect(() => testConfig(cacheConfig(UPSTREAM, '{ type: qdrant-semantic, similarity_threshold: 0.8 }'))).toThrow(/needs an embedding model/);
    expect(() => testConfig(cacheConfig(UPSTREAM, '{ type: qdrant-semantic, qdrant_semantic_cache_embedding_model: nowhere }'))).toThrow(ConfigError);
  });

  it('takes supported_call_types by either name, and warns about the ones it does not cache', () => {
    const config = testConfig(cacheConfig(UPSTREAM, '{ supported_call_types: [completion, aembedding, atranscription] }'));
    expect([...config.cache!.callTypes].sort()).toEqual(['acompletion', 'aembedding']);
    expect(config.warnings.join('\n')).toContain('supported_call_types: atranscription are not cached');
  });

  it('is off without cache: true, warning about cache_params set anyway', () => {
    const config = testConfig(`model_list: []\nlitellm_settings:\n  cache_params: { type: redis }\n`);
    expect(config.cache).toBeUndefined();
    expect(config.warnings.join('\n')).toContain('litellm_settings.cache is not true');
  });
});

describe('mode, call types and the admin routes', () => {
  let dynamo: EmbeddedDynamo;
  let upstream: FakeUpstream;
  let gateway: CacheGateway;

  beforeAll(async () => {
    dynamo = await startDynamo();
    upstream = await startFakeUpstream();
    gateway = await startCacheGateway(dynamo.endpoint, cacheConfig(upstream.url, '{ mode: default_off, supported_call_types: [acompletion], namespace: team-ns, cache_hit_cost: 0.25 }'));
  });
  afterAll(async () => {
    await gateway.close();
    await upstream.close();
    await dynamo.close();
  });

  const ask = async (content: string, cache?: object) => {
    const { response } = await gateway
      .client()
      .chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content }], ...(cache && { cache }) } as any)
      .withResponse();
    return { cache: response.headers.get('x-tollgate-cache'), key: response.headers.get('x-litellm-cache-key'), cost: Number(response.headers.get('x-litellm-response-cost')) };
  };
  const stored = () => new Promise((resolve) => setTimeout(resolve, 300));

  it('caches only requests that opt in when mode is default_off', async () => {
    expect(await ask('opt in?')).toMatchObject({ cache: null, key: null });
    await stored();
    expect((await ask('opt in?')).cache).toBeNull();
    expect((await ask('opt in?', { 'use-cache': true })).cache).toBe('miss');
    await stored();
    const hit = await ask('opt in?', { 'use-cache': true });
    expect(hit.cache).toBe('hit');
    expect(hit.key).toMatch(/^team-ns:[0-9a-f]{64}$/);
  });

  it('charges a hit the configured cache_hit_cost fraction of what the miss cost', async () => {
    const miss = await ask('what does a hit cost?', { 'use-cache': true });
    expect(miss.cost).toBeCloseTo(COST, 12);
    await stored();
    const hit = await ask('what does a hit cost?', { 'use-cache': true });
    expect(hit.cache).toBe('hit');
    expect(hit.cost).toBeCloseTo(COST / 4, 12);
  });

  it('leaves call types out of supported_call_types uncached', async () => {
    const before = upstream.embedded().length;
    for (let i = 0; i < 2; i++) {
      const { response } = await gateway
        .client()
        .embeddings.create({ model: 'embedder', input: 'same text', cache: { 'use-cache': true } } as any)
        .withResponse();
      expect(response.headers.get('x-tollgate-cache')).toBeNull();
      await stored();
    }
    expect(upstream.embedded().length - before).toBe(2);
  });

  it('pings, deletes by key and flushes a namespace, for the master key only', async () => {
    const ping = await gateway.admin('GET', '/cache/ping');
    expect(ping).toMatchObject({ status: 200, body: { status: 'healthy', cache_type: 'local', ping_response: true, litellm_cache_params: { mode: 'default_off', namespace: 'team-ns' } } });
    const key = (await gateway.admin('POST', '/key/generate', {})).body.key as string;
    // A key whose user is no proxy admin gets LiteLLM's 401 on an admin route.
    const denied = await fetch(`${gateway.url}/cache/ping`, { headers: { authorization: `Bearer ${key}` } });
    expect(denied.status).toBe(401);

    const first = await ask('delete me', { 'use-cache': true });
    await ask('flush me', { 'use-cache': true });
    await ask('other namespace', { 'use-cache': true, namespace: 'kept' });
    await stored();
    expect(await gateway.admin('POST', '/cache/delete', { keys: [first.key, 'not-a-key'] })).toEqual({ status: 200, body: { status: 'success' } });
    expect((await ask('delete me', { 'use-cache': true })).cache).toBe('miss');
    expect((await ask('flush me', { 'use-cache': true })).cache).toBe('hit');
    await stored();

    const flushed = await gateway.admin('POST', '/cache/flushall', {});
    expect(flushed.status).toBe(200);
    expect(flushed.body.deleted).toBeGreaterThanOrEqual(3);
    expect((await ask('flush me', { 'use-cache': true })).cache).toBe('miss');
    expect((await ask('other namespace', { 'use-cache': true, namespace: 'kept' })).cache).toBe('hit');
    expect((await gateway.admin('POST', '/cache/delete', { keys: 'all' })).status).toBe(400);
  });
});

describe('without a cache', () => {
  it('answers the /cache routes with 503, as LiteLLM', async () => {
    const dynamo = await startDynamo();
    const gateway = await startCacheGateway(dynamo.endpoint, `model_list: []\ngeneral_settings: { master_key: ${MASTER} }\n`);
    try {
      const ping = await gateway.admin('GET', '/cache/ping');
      expect(ping.status).toBe(503);
      expect(ping.body.error.message).toContain('litellm_settings.cache: true');
    } finally {
      await gateway.close();
      await dynamo.close();
    }
  });
});
