// Unauthenticated probes, with LiteLLM's paths and answers, and the root that clients probe before
// their first call (Claude Code sends HEAD /).
import type { GatewayConfig } from '../config/types.ts';
import type { Route } from '../core/types.ts';
import type { Store } from '../store/store.ts';
import { itemKeys } from '../store/table.ts';
import packageJson from '../../package.json' with { type: 'json' };

/** A key item no key has (keys are SHA-256 hex): reading it tells whether the table answers. */
const READINESS_PROBE = 'readiness-probe';

/** Tollgate's version, in the field LiteLLM's start-up checks read (`litellm_version`). */
const VERSION: string = packageJson.version;

export function healthEndpoint(config: Pick<GatewayConfig, 'deployments' | 'disabled'>, store?: Store): Route[] {
  const models = new Set(config.deployments.map((d) => d.modelName)).size;
  async function readiness() {
    const ready = {
      status: 'healthy',
      db: store ? await tableStatus(store) : 'Not connected',
      cache: null,
      litellm_version: VERSION,
      success_callbacks: [],
      models,
      disabled_models: config.disabled.length,
    };
    // As LiteLLM, an instance whose database does not answer is not ready.
    return ready.db === 'connected' || !store ? { body: JSON.stringify(ready) } : { status: 503, body: JSON.stringify({ ...ready, status: 'unhealthy' }) };
  }
  return [
    {
      method: 'GET',
      paths: ['/'],
      auth: 'public',
      async handle() {
        return { body: JSON.stringify({ name: 'Tollgate', status: 'ok', api: '/v1', health: '/health/liveliness' }) };
      },
    },
    {
      method: 'GET',
      paths: ['/health/liveliness', '/health/liveness'],
      auth: 'public',
      async handle() {
        return { body: JSON.stringify("I'm alive!") };
      },
    },
    {
      method: 'GET',
      paths: ['/health/readiness'],
      auth: 'public',
      handle: () => readiness(),
    },
    {
      // LiteLLM's authenticated diagnostics (its public probe may hide them); any valid key.
      method: 'GET',
      paths: ['/health/readiness/details'],
      auth: 'caller',
      handle: () => readiness(),
    },
  ];
}

/**
 * Whether the table answers: one read through the store's cache, so probes (public, and as frequent
 * as a load balancer likes) make at most one DynamoDB call per cache period.
 */
async function tableStatus(store: Store): Promise<'connected' | 'disconnected'> {
  try {
    await store.cachedGet(itemKeys.key(READINESS_PROBE));
    return 'connected';
  } catch {
    return 'disconnected';
  }
}
