// The memory test's gateway, in a process of its own so that its RSS is its own (rss.test.ts sends
// the load, and runs the dynalite at DYNAMODB_ENDPOINT): the real gateway with virtual keys on the
// local node adapter. It tells its parent its URL, and answers each `measure` message with a
// MemoryReading.
import { getHeapSpaceStatistics } from 'node:v8';
import { listen } from '../../local/node-adapter.ts';
import { buildGateway } from '../../shared/app.ts';
import { loadConfig } from '../../shared/config/yaml.ts';
import { silentLog } from '../../shared/core/log.ts';
import { virtualKeyOptions } from '../../shared/keys/gateway-options.ts';
import { defaultProviders } from '../../shared/providers/registry.ts';
import { storeFromEnv } from '../../shared/store/open.ts';
import { ADMIN_API } from '../../shared/admin-api.ts';

export const MEMORY_MASTER_KEY = 'sk-memory-master';

/** In MB: RSS and the live heap after a full garbage collection, and the highest RSS sampled since the last reading. */
export interface MemoryReading {
  rss: number;
  heapUsed: number;
  peak: number;
  /** What V8's young generation holds (new space): capacity it sizes to the allocation rate, up to a fixed maximum. */
  young: number;
}

if (import.meta.main) {
  const providers = defaultProviders();
  const config = loadConfig(
    `
model_list:
  - model_name: mock
    litellm_params: { model: mock/echo }
general_settings: { master_key: ${MEMORY_MASTER_KEY} }
`,
    'memory.config.yaml',
    () => undefined,
    (prefix) => providers.get(prefix),
  );
  const store = storeFromEnv();
  await store.createTableIfMissing();
  const gateway = buildGateway({ config, log: silentLog, providers, ...virtualKeyOptions(store), adminApi: ADMIN_API });
  const server = await listen(gateway, '127.0.0.1', 0);

  const mb = (bytes: number) => Math.round(bytes / (1024 * 1024));
  let peak = 0;
  setInterval(() => (peak = Math.max(peak, mb(process.memoryUsage.rss()))), 10).unref();
  process.on('message', (message) => {
    if (message !== 'measure') return;
    const highest = Math.max(peak, mb(process.memoryUsage.rss()));
    globalThis.gc?.();
    globalThis.gc?.();
    peak = 0;
    const { rss, heapUsed } = process.memoryUsage();
    const young = getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.physical_space_size ?? 0;
    const reading: MemoryReading = { rss: mb(rss), heapUsed: mb(heapUsed), peak: highest, young: mb(young) };
    process.send!(reading);
  });
  process.on('disconnect', () => void server.close().then(() => process.exit(0)));
  process.send!({ url: server.url });
}
