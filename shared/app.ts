// Assembles the gateway both adapters run: config → services → routes → one request handler.
import type { GatewayConfig } from './config/types.ts';
import { loadConfigFile, type EnvLookup } from './config/load.ts';
import { createGateway, type Gateway } from './core/gateway.ts';
import type { Log } from './core/log.ts';
import { RouteTable } from './core/route-table.ts';
import type { AfterResponseHook, Authenticator, Route } from './core/types.ts';
import { defaultProviders, type ProviderRegistry } from './providers/registry.ts';
import { chatCompletionsRoutes } from './endpoints/chat-completions.ts';
import { embeddingsRoutes } from './endpoints/embeddings.ts';
import { healthRoutes } from './endpoints/health.ts';
import { messagesRoutes } from './endpoints/messages.ts';
import { modelInfoRoutes } from './endpoints/model-info.ts';
import { modelsRoutes } from './endpoints/models.ts';
import { spendRoutes } from './endpoints/spend.ts';
import type { RouterRuntime } from './router/runtime.ts';
import { createServices, type Services } from './services.ts';
import { spendTracker, type SpendOverrides } from './spend/from-config.ts';
import type { Store } from './store/store.ts';

export interface AppOptions {
  config: GatewayConfig;
  log: Log;
  providers?: ProviderRegistry;
  /** Route modules beyond the built-in ones (admin API, spend, ...). */
  extraRoutes?: Array<(services: Services) => Route[]>;
  authenticators?: Authenticator[];
  afterResponse?: AfterResponseHook[];
  /** The identity table; with it, model routes check end users (`user`) for blocks. */
  store?: Store;
  /** The router's clock, randomness and waits; tests pass a deterministic one. */
  routerRuntime?: RouterRuntime;
  /** The spend tracker's clock and alert channels (tests). */
  spend?: SpendOverrides;
}

/** The route modules every gateway serves; `extraRoutes` adds to them. */
export const BUILT_IN_ROUTES: Array<(services: Services) => Route[]> = [healthRoutes, modelsRoutes, modelInfoRoutes, chatCompletionsRoutes, embeddingsRoutes, messagesRoutes, spendRoutes];

export function buildGateway(options: AppOptions): Gateway {
  const services: Services = { ...createServices(options.config, options.providers ?? defaultProviders(), options.log, options.routerRuntime), store: options.store };
  if (options.store) services.spend = spendTracker(options.store, options.config, options.log, options.spend);
  const routes = new RouteTable();
  for (const module of [...BUILT_IN_ROUTES, ...(options.extraRoutes ?? [])]) {
    routes.add(...module(services));
  }
  return createGateway({
    routes,
    log: options.log,
    masterKey: options.config.masterKey,
    maxRequestBytes: options.config.maxRequestBytes,
    // With a store, a request that needs it is shed while its calls are backed up (store-load.ts).
    admit: options.store && (() => options.store!.load.check()),
    authenticators: options.authenticators ?? [],
    afterResponse: options.afterResponse,
  });
}

/** Loads a config file with the providers the gateway knows. */
export function loadGatewayConfig(path: string, env: EnvLookup, providers: ProviderRegistry = defaultProviders()): GatewayConfig {
  return loadConfigFile(path, env, (prefix) => providers.get(prefix));
}
