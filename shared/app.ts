// Assembles the gateway both adapters run: config → the parts built from it once at start (model
// groups, prices, router, model access, spend tracking, the model-call pipeline) → the endpoints →
// one request handler. Each part is given what it needs here, and nothing else.
import type { GatewayConfig } from './config/types.ts';
import { loadConfigDocument, type EnvLookup } from './config/load.ts';
import { createGateway, type Gateway } from './core/gateway.ts';
import type { Log } from './core/log.ts';
import { RouteTable } from './core/route-table.ts';
import type { RequestAuthenticator } from './core/auth.ts';
import type { AfterResponseHook, Authenticator, Route } from './core/types.ts';
import { ResponseCache } from './cache/response-cache.ts';
import { cacheEndpoint } from './endpoints/cache.ts';
import { CacheEntries } from './store/cache-entries.ts';
import { SemanticEntries } from './store/semantic-entries.ts';
import { promptEmbedder } from './cache/prompt-embedder.ts';
import type { CacheSettings } from './config/cache-settings.ts';
import { authorizeAdminRoute } from './keys/roles.ts';
import { Identities } from './store/identities.ts';
import type { UiOptions } from './ui/ui-routes.ts';
import { audioEndpoints } from './endpoints/audio.ts';
import { chatCompletionsEndpoint } from './endpoints/chat-completions.ts';
import { completionsEndpoint } from './endpoints/completions.ts';
import { countTokensEndpoint } from './endpoints/count-tokens.ts';
import { embeddingsEndpoint } from './endpoints/embeddings.ts';
import { guardrailsEndpoint } from './endpoints/guardrails.ts';
import { healthEndpoint } from './endpoints/health.ts';
import { activeCallbacksEndpoint } from './endpoints/active-callbacks.ts';
import { configUpdateEndpoint } from './endpoints/config-update.ts';
import { configYamlEndpoint } from './endpoints/config-yaml.ts';
import { configCallbacksEndpoint } from './endpoints/config-callbacks.ts';
import { routerSettingsEndpoint } from './endpoints/router-settings.ts';
import { imagesEndpoint } from './endpoints/images.ts';
import { healthCheckEndpoint } from './endpoints/health-check.ts';
import { routeListEndpoint } from './endpoints/route-list.ts';
import { messagesEndpoint } from './endpoints/messages.ts';
import { bedrockInvokeEndpoint } from './endpoints/bedrock-invoke.ts';
import { vertexRawPredictEndpoint } from './endpoints/vertex-raw-predict.ts';
import { generateContentEndpoint } from './endpoints/generate-content.ts';
import { googleCountTokensEndpoint } from './endpoints/google-count-tokens.ts';
import { withBatchModels } from './endpoints/batch-completions.ts';
import { ResponseState } from './endpoints/response-state.ts';
import { responsesEndpoint } from './endpoints/responses.ts';
import { storedResponsesEndpoint } from './endpoints/stored-responses.ts';
import { modelInfoEndpoint } from './endpoints/model-info.ts';
import { modelInfoV2Endpoint } from './endpoints/model-info-v2.ts';
import { modelGroupInfoEndpoint } from './endpoints/model-group-info.ts';
import { deploymentOfEntry, type ModelEntry } from './config/model-entry.ts';
import { ModelService } from './keys/model-service.ts';
import { ModelCatalog } from './router/model-catalog.ts';
import { StoredModels } from './store/stored-models.ts';
import { modelsEndpoint } from './endpoints/models.ts';
import { mcpEndpoints, type McpDeps } from './endpoints/mcp.ts';
import { mcpSseEndpoints } from './endpoints/mcp-sse.ts';
import { McpAccess } from './keys/mcp-access.ts';
import { SessionIds } from './mcp/session-id.ts';
import { SseStreams } from './mcp/sse-streams.ts';
import { McpToolCalls } from './mcp/tool-calls.ts';
import { StdioUpstreams } from './mcp/upstream.ts';
import { Loopback } from './core/loopback.ts';
import { CHAT_TOOL_LOOP, RESPONSES_TOOL_LOOP, withMcpTools } from './mcp/chat-tools.ts';
import { moderationsEndpoint } from './endpoints/moderations.ts';
import { rerankEndpoint } from './endpoints/rerank.ts';
import { spendEndpoint } from './endpoints/spend.ts';
import { dailyActivityEndpoint } from './endpoints/daily-activity.ts';
import { GuardrailStep } from './guardrails/guardrail-step.ts';
import { ModelAccess } from './keys/model-access.ts';
import { observability } from './observability/observability.ts';
import { scheduledHealthCheck } from './pipeline/health-checks.ts';
import { ModelModes } from './pipeline/model-modes.ts';
import { ModelCallPipeline } from './pipeline/pipeline.ts';
import { listedModels, listingProvider } from './pricing/price-table.ts';
import { Pricer } from './pricing/pricer.ts';
import { defaultProviders, type ProviderRegistry } from './providers/registry.ts';
import { ModelGroups } from './router/model-groups.ts';
import { providerInference } from './router/provider-inference.ts';
import { Router } from './router/router.ts';
import type { RouterRuntime } from './router/runtime.ts';
import { spendTracker, type SpendOverrides } from './spend/from-config.ts';
import { worstCaseCost } from './spend/worst-case.ts';
import { DeploymentStates } from './store/deployment-states.ts';
import type { Store } from './store/store.ts';
import { StoredResponses } from './store/stored-responses.ts';
import { S3VectorEntries, type VectorIndex } from './store/s3-vector-entries.ts';

export interface AppOptions {
  config: GatewayConfig;
  log: Log;
  providers?: ProviderRegistry;
  authenticators?: Authenticator[];
  afterResponse?: AfterResponseHook[];
  /** The identity table: virtual keys, end users, budgets, rate limits and the spend ledger live there. */
  store?: Store;
  /**
   * Serve LiteLLM's admin API (/key, /team, /user, /customer, /audit, /model/new) from the store, and the web UI
   * when `ui` is given: the local server and the admin Lambda pass `ADMIN_API` (shared/admin-api.ts); the
   * gateway Lambda leaves it out, and so its bundle holds none of that code.
   */
  adminApi?: AdminApi;
  /** Routes beyond the gateway's own (tests). */
  extraRoutes?: Route[];
  /** The router's clock, randomness and waits; tests pass a deterministic one. */
  routerRuntime?: RouterRuntime;
  /** The spend tracker's clock and alert channels (tests). */
  spend?: SpendOverrides;
  /** The response cache's clock (tests: expiry). */
  cacheClock?: () => number;
  /** The semantic cache's Amazon S3 Vectors index (the stack's); absent: its DynamoDB partition scan. */
  vectorIndex?: VectorIndex;
  /** GET /metrics (the `prometheus` callback) needs the master key whatever the config says: the Lambda is public. */
  metricsNeedMasterKey?: boolean;
  /** Serve the web UI at /ui (with the admin API): the local server and the admin Lambda do; without its files, only the playground's chat (the gateway Lambda). */
  ui?: UiOptions;
  /** The clock JWTs expire by and the identity provider's keys age by (tests). */
  jwtClock?: () => number;
  /** Serve MCP's older SSE transport (GET /mcp/sse): the local server does, which holds its streams (tests shorten the keep-alive). */
  mcpSse?: { keepAliveMs?: number };
}

/** The admin API's and the web UI's routes, built from the gateway's parts (shared/admin-api.ts). */
export interface AdminApi {
  routes(parts: { config: GatewayConfig; log: Log; store: Store; models: ModelService; chat: Route; ui?: UiOptions; now: () => number }): Route[];
  requestAuthenticators(ui: UiOptions | undefined, masterKey: string | undefined): RequestAuthenticator[];
}

export function buildGateway(options: AppOptions): Gateway {
  // LiteLLM's logging callbacks: nothing at all when none is configured.
  const exports = observability(options.config, options.log, { metricsNeedMasterKey: options.metricsNeedMasterKey });
  // MCP tools in chat requests are run through the gateway's own routes (shared/mcp/chat-tools.ts).
  const loopback = new Loopback();
  const gateway = createGateway({
    routes: new RouteTable().add(...gatewayRoutes(options, loopback), ...(exports?.routes ?? [])),
    log: options.log,
    masterKey: options.config.masterKey,
    maxRequestBytes: options.config.maxRequestBytes,
    // With a store, a request that needs it is shed while its calls are backed up (store-load.ts).
    admit: options.store && (() => options.store!.load.check()),
    // A caller's JWT is checked first: it is told from a virtual key without a store read.
    authenticators: [...jwtAuthentication(options), ...(options.authenticators ?? [])],
    authorizeAdminRoute,
    requestAuthenticators: options.adminApi?.requestAuthenticators(options.ui, options.config.masterKey) ?? [],
    afterResponse: [...(options.afterResponse ?? []), ...(exports ? [exports.afterResponse] : [])],
    flush: exports?.flush,
  });
  loopback.target = gateway;
  return gateway;
}

/**
 * LiteLLM's JWT auth (`enable_jwt_auth`), when on: the team and user a token names are read from the store.
 * Its module (and jose) is imported by the first request that presents a key, not at cold start.
 */
function jwtAuthentication(options: AppOptions): Authenticator[] {
  const settings = options.config.jwtAuth;
  if (!settings || !options.store) return [];
  const identities = new Identities(options.store);
  let authenticator: Promise<Authenticator> | undefined;
  const load = () => import('./keys/jwt-authenticator.ts').then(({ jwtAuthenticator }) => jwtAuthenticator(settings, identities, options.jwtClock));
  return [async (presented, ctx, route) => (await (authenticator ??= load()))(presented, ctx, route)];
}

/** Every route the gateway serves, its parts built from the config; `loopback` (the gateway itself) runs MCP tools in chat requests. */
export function gatewayRoutes(options: AppOptions, loopback?: Loopback): Route[] {
  const { config, log, store } = options;
  const providers = options.providers ?? defaultProviders();
  const pricer = new Pricer(log, providers, config.costMargins);
  const groups = new ModelGroups(
    config.deployments,
    config.router.modelGroupAlias,
    listedModels(providers),
    providerInference((prefix) => providers.has(prefix), listingProvider(providers)),
  );
  const models = store && storedModels(store, config, providers, groups, log);
  const states = store && new DeploymentStates(store);
  const healthRouting = states && config.healthChecks.routing ? { records: states, stalenessMs: config.healthChecks.stalenessMs } : undefined;
  const router = new Router(groups, config.router, (deployment) => pricer.priceOf(deployment), options.routerRuntime, states, healthRouting);
  const access = new ModelAccess(groups, store && new Identities(store));
  const spend = store && spendTracker(store, config, log, worstCaseCost(groups, config.router, pricer), options.spend);
  const cache = store && config.cache && responseCache(config.cache, store, router, providers, log, options.cacheClock, options.vectorIndex);
  const guardrails = config.guardrails.length ? new GuardrailStep(config.guardrails) : undefined;
  const modes = new ModelModes(groups, pricer);
  const pipeline = new ModelCallPipeline({ access, router, pricer, spend, cache, guardrails, modes });
  const chat = { providers, pricer, dropParams: config.dropParams };
  const responseState = new ResponseState(store && new StoredResponses(store), config.responsesRetentionMs);
  const mcp: McpDeps = { access: new McpAccess(config.mcpServers), sessions: new SessionIds(config.masterKey), toolCalls: new McpToolCalls(spend), stdio: new StdioUpstreams(), log };
  const chatRoutes = chatCompletionsEndpoint(pipeline, chat).map((route) => (loopback ? withBatchModels(withMcpTools(route, loopback, CHAT_TOOL_LOOP), loopback, access) : route));
  const routes = [
    ...healthEndpoint(config, store),
    ...healthCheckEndpoint(config.deployments, providers, states, config.healthChecks, log),
    ...modelsEndpoint(access, modes),
    ...modelInfoEndpoint(() => groups.listed(), access, pricer, { router, health: states }),
    ...modelInfoV2Endpoint(() => groups.listed(), access, pricer, { router, health: states }),
    ...modelGroupInfoEndpoint(() => groups.listed(), access, pricer),
    ...chatRoutes,
    ...embeddingsEndpoint(pipeline, providers),
    ...imagesEndpoint(pipeline, providers),
    ...audioEndpoints(pipeline, providers),
    ...rerankEndpoint(pipeline, providers),
    ...moderationsEndpoint(pipeline, providers),
    ...messagesEndpoint(pipeline, chat),
    ...bedrockInvokeEndpoint(pipeline, chat),
    ...vertexRawPredictEndpoint(pipeline, chat),
    ...generateContentEndpoint(pipeline, chat),
    ...googleCountTokensEndpoint(pipeline, chat),
    ...countTokensEndpoint(pipeline),
    ...responsesEndpoint(pipeline, chat, responseState).map((route) => (loopback ? withMcpTools(route, loopback, RESPONSES_TOOL_LOOP) : route)),
    ...storedResponsesEndpoint(responseState),
    ...completionsEndpoint(pipeline, chat),
    ...guardrailsEndpoint(config.guardrails),
    ...spendEndpoint(spend),
    ...dailyActivityEndpoint(spend, store && new Identities(store).teams),
    ...cacheEndpoint(cache),
    ...mcpEndpoints(mcp),
    ...mcpSseEndpoints(mcp, options.mcpSse && new SseStreams(options.mcpSse.keepAliveMs)),
    ...(options.adminApi && store && models ? options.adminApi.routes({ config, log, store, models: models.service, chat: chatRoutes[0]!, ui: options.ui, now: options.spend?.now ?? Date.now }) : []),
    ...activeCallbacksEndpoint(config, store !== undefined),
    ...configUpdateEndpoint(),
    ...configYamlEndpoint(config),
    ...configCallbacksEndpoint(config),
    ...routerSettingsEndpoint(config),
    ...(options.extraRoutes ?? []),
  ];
  const served = models ? routes.map((route) => models.catalog.serving(route)) : routes;
  return [...served, ...routeListEndpoint(served)];
}

/** The scheduled health check (`background_health_checks`) of the config's deployments, its results kept in the table for every instance's router. */
export function scheduledHealthChecks(
  config: GatewayConfig,
  store: Store,
  log: Log,
  providers: ProviderRegistry = defaultProviders(),
): (signal: AbortSignal) => Promise<{ healthy: number; unhealthy: number }> {
  return scheduledHealthCheck(config.deployments, providers, new DeploymentStates(store), config.healthChecks, log);
}

/**
 * The response cache on the table; a semantic one embeds prompts with the config's embedding model,
 * through the router, and keeps them in the S3 Vectors index when there is one, else in the table.
 */
function responseCache(settings: CacheSettings, store: Store, router: Router, providers: ProviderRegistry, log: Log, now?: () => number, vectorIndex?: VectorIndex): ResponseCache {
  const entries = new CacheEntries(store);
  const vectors = vectorIndex ? new S3VectorEntries(vectorIndex, entries, () => store.client.config.credentials()) : new SemanticEntries(store, entries);
  const semantic = settings.semantic && { entries: vectors, embedder: promptEmbedder(router, providers, settings.semantic.embeddingModel) };
  return new ResponseCache(settings, entries, log, now, semantic);
}

/** The shortest time an instance serves its list of stored models before listing them again. */
const MIN_MODEL_LISTING_MS = 1000;

/** Models added with /model/new: kept in the table, listed again by every instance after the store's cache time. */
function storedModels(store: Store, config: GatewayConfig, providers: ProviderRegistry, groups: ModelGroups, log: Log): { service: ModelService; catalog: ModelCatalog } {
  const entryDeployment = (entry: ModelEntry) =>
    deploymentOfEntry(
      entry,
      `model "${entry.model_name}"`,
      (name) => process.env[name],
      (prefix) => providers.get(prefix),
      listingProvider(providers),
    );
  const service: ModelService = new ModelService(new StoredModels(store), config.deployments, entryDeployment, log, () => catalog.reload());
  // At least a second: with the key cache off (TOLLGATE_KEY_CACHE_SECONDS=0) a listing per request would double the table's reads.
  const catalog = new ModelCatalog(groups, () => service.deployments(), log, Math.max(store.cacheTtlMs, MIN_MODEL_LISTING_MS));
  return { service, catalog };
}

/** A parsed config (YAML read by `npm start`, or the JSON bundled with the Lambdas) with the providers the gateway knows. */
export function gatewayConfig(document: unknown, source: string, env: EnvLookup, providers: ProviderRegistry = defaultProviders()): GatewayConfig {
  return loadConfigDocument(document, source, env, (prefix) => providers.get(prefix), listingProvider(providers));
}
