// The Store the environment describes: the table name, the endpoint, the cache time.
import { createDocumentClient } from './client.ts';
import { DEFAULT_MAX_CALLS_IN_FLIGHT, DEFAULT_MAX_WAIT_MS } from './store-load.ts';
import { Store } from './store.ts';
import { tableNameFromEnv } from './table.ts';

/** Default for TOLLGATE_KEY_CACHE_SECONDS: how long an instance reuses a key record (docs/DATA-MODEL.md). */
export const DEFAULT_CACHE_SECONDS = 5;

export interface StoreFromEnvOptions {
  env?: (name: string) => string | undefined;
  /** Overrides DYNAMODB_ENDPOINT (the embedded server's address). */
  endpoint?: string;
  now?: () => number;
}

export function storeFromEnv(options: StoreFromEnvOptions = {}): Store {
  const env = options.env ?? ((name: string) => process.env[name]);
  // TOLLGATE_TABLE_REGION: a multi-region deployment sends every instance's reads and writes to the home
  // region's replica, so each conditional write (budgets, limits) is decided in one place (README, "Multi-region").
  const region = env('TOLLGATE_TABLE_REGION') || env('AWS_REGION');
  const client = createDocumentClient({ endpoint: options.endpoint ?? (env('DYNAMODB_ENDPOINT') || undefined), region });
  return new Store(client, tableNameFromEnv(env), {
    cacheTtlMs: cacheSeconds(env) * 1000,
    load: {
      maxInFlight: whole(env, 'TOLLGATE_MAX_DB_CALLS_IN_FLIGHT', DEFAULT_MAX_CALLS_IN_FLIGHT),
      maxWaitMs: whole(env, 'TOLLGATE_MAX_DB_WAIT_MS', DEFAULT_MAX_WAIT_MS),
    },
    now: options.now,
  });
}

function cacheSeconds(env: (name: string) => string | undefined): number {
  const raw = env('TOLLGATE_KEY_CACHE_SECONDS');
  if (raw === undefined || raw === '') return DEFAULT_CACHE_SECONDS;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds < 0) throw new Error(`TOLLGATE_KEY_CACHE_SECONDS must be a number of seconds ≥ 0, not "${raw}"`);
  return seconds;
}

function whole(env: (name: string) => string | undefined, name: string, fallback: number): number {
  const raw = env(name);
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a whole number ≥ 1, not "${raw}"`);
  return value;
}
