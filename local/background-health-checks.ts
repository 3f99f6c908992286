// `background_health_checks` under `npm start`: the scheduled health check at start and then every
// `health_check_interval`, as LiteLLM's proxy runs it; in AWS an EventBridge rule invokes the admin
// function instead (infra/tollgate-stack.ts). A run still going when the next is due is not doubled.
import { scheduledHealthChecks } from '../shared/app.ts';
import type { GatewayConfig } from '../shared/config/types.ts';
import type { Log } from '../shared/core/log.ts';
import type { Store } from '../shared/store/store.ts';

/** Starts the checks when the config asks for them; returns what stops them. */
export function startBackgroundHealthChecks(config: GatewayConfig, store: Store, log: Log): () => void {
  if (!config.healthChecks.background) return () => {};
  const run = scheduledHealthChecks(config, store, log);
  const stopped = new AbortController();
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      const result = await run(AbortSignal.any([stopped.signal, AbortSignal.timeout(config.healthChecks.intervalMs)]));
      log.info('background health check', { ...result });
    } catch (error) {
      log.warn('background health check failed', { error: String(error) });
    } finally {
      running = false;
    }
  };
  void tick();
  const timer = setInterval(() => void tick(), config.healthChecks.intervalMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    stopped.abort();
  };
}
