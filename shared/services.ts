// What route modules are built from: the loaded config and the things derived from it once at start.
import type { GatewayConfig } from './config/types.ts';
import type { Log } from './core/log.ts';
import type { ProviderRegistry } from './providers/registry.ts';
import { Pricer } from './pricing/pricer.ts';
import { ModelGroups } from './router/model-groups.ts';
import { Router } from './router/router.ts';
import type { RouterRuntime } from './router/runtime.ts';
import type { SpendTracker } from './spend/tracker.ts';
import type { Store } from './store/store.ts';

export interface Services {
  config: GatewayConfig;
  groups: ModelGroups;
  router: Router;
  providers: ProviderRegistry;
  log: Log;
  pricer: Pricer;
  /** The identity table (virtual keys, teams, users, end users); absent when the gateway runs without one. */
  store?: Store;
  /** Budgets, rate limits and the spend ledger; present with a store. */
  spend?: SpendTracker;
}

/** `routerRuntime` replaces the clock, randomness and waits of the router (tests). */
export function createServices(config: GatewayConfig, providers: ProviderRegistry, log: Log, routerRuntime?: RouterRuntime): Services {
  const groups = new ModelGroups(config.deployments);
  const pricer = new Pricer(log, providers, config.costMargins);
  const router = new Router(groups, config.router, (deployment) => pricer.priceOf(deployment), routerRuntime);
  return { config, groups, router, providers, log, pricer };
}
