// A gateway with virtual keys for tests: the real store over an in-process dynalite (in memory, or on
// disk under `dataDir`), and a small client for the admin API.
import { startEmbeddedDynamo, type EmbeddedDynamo } from '../../local/embedded-dynamodb.ts';
import type { AppOptions } from '../../shared/app.ts';
import { virtualKeyOptions } from '../../shared/keys/gateway-options.ts';
import { storeFromEnv } from '../../shared/store/open.ts';
import type { Store } from '../../shared/store/store.ts';
import { startGateway, type TestGateway } from './gateway.ts';
import { ADMIN_API } from '../../shared/admin-api.ts';

export const MASTER = 'sk-test-master-key';

export const CONFIG = `
model_list:
  - model_name: mock
    litellm_params: { model: mock/echo }
  - model_name: mock-b
    litellm_params: { model: mock/echo }
  - model_name: mock-c
    litellm_params: { model: mock/echo }
general_settings: { master_key: ${MASTER} }
`;

export async function startDynamo(dataDir?: string): Promise<EmbeddedDynamo> {
  return startEmbeddedDynamo({ path: dataDir });
}

/** A store on `endpoint` (its table created), caching request-path reads for `cacheSeconds`. */
export async function openTestStore(endpoint: string, cacheSeconds = 5): Promise<Store> {
  // Load shedding has its own test (test/keys/load-shedding.test.ts); elsewhere a busy machine's slow
  // store would shed the bursts the concurrency tests send on purpose.
  const env: Record<string, string> = { TOLLGATE_KEY_CACHE_SECONDS: String(cacheSeconds), TOLLGATE_MAX_DB_WAIT_MS: '60000' };
  const store = storeFromEnv({ env: (name) => env[name], endpoint });
  await store.createTableIfMissing();
  return store;
}

export interface KeysGateway extends TestGateway {
  store: Store;
  /** JSON request to the gateway with `key` (default the master key): status and parsed body. */
  call(method: string, path: string, body?: unknown, key?: string): Promise<{ status: number; body: any }>;
}

/** `now`: the clock keys expire by, so a test can let one expire without waiting; `app`: further gateway options. */
export async function startKeysGateway(
  endpoint: string,
  options: { cacheSeconds?: number; config?: string; env?: Record<string, string>; now?: () => number; app?: Partial<AppOptions> } = {},
): Promise<KeysGateway> {
  const store = await openTestStore(endpoint, options.cacheSeconds);
  const gateway = await startGateway(options.config ?? CONFIG, options.env, { ...virtualKeyOptions(store, options.now), adminApi: ADMIN_API, ...options.app });
  const call = async (method: string, path: string, body?: unknown, key = MASTER) => {
    const response = await fetch(`${gateway.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
  return { ...gateway, store, call };
}

export const chat = (model: string, extra: Record<string, unknown> = {}) => ({ model, messages: [{ role: 'user', content: 'hi' }], ...extra });
