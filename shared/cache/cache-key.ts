// Cache keys: the SHA-256 of what an answer depends on (written with its object keys sorted, so the
// order a client wrote them in does not matter) and of the scope that may read it; shown to clients as
// LiteLLM does, `<namespace>:<hash>` (or the hash alone without a namespace).
import { createHash } from 'node:crypto';
import type { CacheScope } from '../config/cache-settings.ts';
import type { Identity } from '../core/types.ts';
import { virtualKeyOf } from '../keys/identity.ts';
import { GATEWAY_FIELDS } from '../providers/params.ts';
import type { CacheAddress } from '../store/cache-entries.ts';

/**
 * Who may read the entries a caller writes: its team (keys without one: the key alone), its key, or
 * everyone (`shared`, LiteLLM's own behaviour). The master key and an open gateway are scopes of their own.
 */
export function cacheScope(identity: Identity | undefined, scope: CacheScope): string {
  if (scope === 'shared') return 'shared';
  const key = virtualKeyOf(identity);
  if (!key) return identity?.kind ?? 'open';
  return scope === 'team' && key.teamId ? `team:${key.teamId}` : `key:${key.token}`;
}

/** Fields that change nothing in the answer: who asks, how it is delivered, the gateway's own (a mock answer does change it). */
const NOT_IN_KEY = new Set<string>(['stream', 'stream_options', 'user', ...GATEWAY_FIELDS.filter((field) => field !== 'mock_response')]);

/** The request without the fields that do not change its answer. */
export function answerDependencies<T extends Record<string, unknown>>(body: T): Partial<T> {
  return Object.fromEntries(Object.entries(body).filter(([field]) => !NOT_IN_KEY.has(field))) as Partial<T>;
}

export function hashOf(scope: string, material: unknown): string {
  return createHash('sha256')
    .update(stableJson([scope, material]))
    .digest('hex');
}

/** The key clients see in `x-litellm-cache-key` and send to `/cache/delete`. */
export function cacheKeyOf({ namespace, hash }: CacheAddress): string {
  return namespace ? `${namespace}:${hash}` : hash;
}

/** The entry a client-given key names; undefined when it is no key of this cache. */
export function addressOf(key: string): CacheAddress | undefined {
  const at = key.lastIndexOf(':');
  const address = at < 0 ? { namespace: '', hash: key } : { namespace: key.slice(0, at), hash: key.slice(at + 1) };
  return /^[0-9a-f]{64}$/.test(address.hash) ? address : undefined;
}

/** JSON with every object's keys in order; undefined members left out, as JSON.stringify does. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? 'null' : stableJson(item))).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([name, item]) => `${JSON.stringify(name)}:${stableJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
