// Assembles the gateway both adapters run: config → the parts built from it once at start (model
// groups, prices, router, model access, spend tracking, the model-call pipeline) → the endpoints →
// one request handler. Each part is given what it needs here, and nothing else.
import type { GatewayConfig } from './config/types.ts';
import { loadConfigDocument, type EnvLookup } from './config/load.ts';
import { createGateway, type Gateway } from './core/gateway.ts';
import type { Log } from './core/log.ts';
import { RouteTable } from './core/route-table.ts';
import type { AfterResponseHook, Authenticator, Route } from './core/types.ts';
import { adminRoutes } from './endpoints/admin/index.ts';
import { keysService } from './keys/service.ts';
import { Identities } from './store/identities.ts';
import { audioEndpoints } from './endpoints/audio.ts';
import { chatCompletionsEndpoint } from './endpoints/chat-completions.ts';
import { countTokensEndpoint } from './endpoints/count-tokens.ts';
import { embeddingsEndpoint } from './endpoints/embeddings.ts';
import { healthEndpoint } from './endpoints/health.ts';
import { imagesEndpoint } from './endpoints/images.ts';
import { messagesEndpoint } from './endpoints/messages.ts';
import { modelInfoEndpoint } from './endpoints/model-info.ts';
import { modelsEndpoint } from './endpoints/models.ts';
import { moderationsEndpoint } from './endpoints/moderations.ts';
import { rerankEndpoint } from './endpoints/rerank.ts';
import { spendEndpoint } from './endpoints/spend.ts';
import { ModelAccess } from './keys/model-access.ts';
import { ModelModes } from './pipeline/model-modes.ts';
import { ModelCallPipeline } from './pipeline/pipeline.ts';
import { Pricer } from './pricing/pricer.ts';
import { defaultProviders, type ProviderRegistry } from './providers/registry.ts';
import { ModelGroups } from './router/model-groups.ts';
import { Router } from './router/router.ts';
import type { RouterRuntime } from './router/runtime.ts';
import { spendTracker, type SpendOverrides } from './spend/from-config.ts';
import { worstCaseCost } from './spend/worst-case.ts';
import type { Store } from './store/store.ts';

export interface AppOptions {
  config: GatewayConfig;
  log: Log;
  providers?: ProviderRegistry;
  authenticators?: Authenticator[];
  afterResponse?: AfterResponseHook[];
  /** The identity table: virtual keys, end users, budgets, rate limits and the spend ledger live there. */
  store?: Store;
  /** Serve LiteLLM's admin API (/key, /team, /user, /customer, /audit) from the store: the local server and the admin Lambda do. */
  adminApi?: boolean;
  /** Routes beyond the gateway's own (tests). */
  extraRoutes?: Route[];
  /** The router's clock, randomness and waits; tests pass a deterministic one. */
  routerRuntime?: RouterRuntime;
  /** The spend tracker's clock and alert channels (tests). */
  spend?: SpendOverrides;
}

export function buildGateway(options: AppOptions): Gateway {
  return createGateway({
    routes: new RouteTable().add(...gatewayRoutes(options)),
    log: options.log,
    masterKey: options.config.masterKey,
    maxRequestBytes: options.config.maxRequestBytes,
    // With a store, a request that needs it is shed while its calls are backed up (store-load.ts).
    admit: options.store && (() => options.store!.load.check()),
    authenticators: options.authenticators ?? [],
    afterResponse: options.afterResponse,
  });
}

/** Every route the gateway serves, its parts built from the config. */
export function gatewayRoutes(options: AppOptions): Route[] {
  const { config, log, store } = options;
  const providers = options.providers ?? defaultProviders();
  const groups = new ModelGroups(config.deployments);
  const pricer = new Pricer(log, providers, config.costMargins);
  const router = new Router(groups, config.router, (deployment) => pricer.priceOf(deployment), options.routerRuntime);
  const access = new ModelAccess(groups, store && new Identities(store).customers);
  const spend = store && spendTracker(store, config, log, worstCaseCost(groups, config.router, pricer), options.spend);
  const modes = new ModelModes(groups, pricer);
  const pipeline = new ModelCallPipeline({ access, router, pricer, spend, modes });
  const chat = { providers, pricer, dropParams: config.dropParams };
  return [
    ...healthEndpoint(config),
    ...modelsEndpoint(access, modes),
    ...modelInfoEndpoint(config.deployments, access, pricer),
    ...chatCompletionsEndpoint(pipeline, chat),
    ...embeddingsEndpoint(pipeline, providers),
    ...imagesEndpoint(pipeline, providers),
    ...audioEndpoints(pipeline, providers),
    ...rerankEndpoint(pipeline, providers),
    ...moderationsEndpoint(pipeline, providers),
    ...messagesEndpoint(pipeline, chat),
    ...countTokensEndpoint(pipeline),
    ...spendEndpoint(spend),
    ...(options.adminApi && store ? adminRoutes(keysService(store, log)) : []),
    ...(options.extraRoutes ?? []),
  ];
}

/** A parsed config (YAML read by `npm start`, or the JSON bundled with the Lambdas) with the providers the gateway knows. */
export function gatewayConfig(document: unknown, source: string, env: EnvLookup, providers: ProviderRegistry = defaultProviders()): GatewayConfig {
  return loadConfigDocument(document, source, env, (prefix) => providers.get(prefix));
}
