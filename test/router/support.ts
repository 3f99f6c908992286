// Builds a Router from config text, with a deterministic runtime, and runs it against scripted
// deployments: each attempt takes the next outcome scripted for that deployment.
import { loadConfig } from '../../shared/config/yaml.ts';
import type { Deployment, GatewayConfig } from '../../shared/config/types.ts';
import { GatewayError, type ErrorKind } from '../../shared/core/errors.ts';
import type { AfterResponseHook, RequestContext } from '../../shared/core/types.ts';
import { priceLookup } from '../../shared/pricing/price-table.ts';
import { defaultProviders } from '../../shared/providers/registry.ts';
import { ModelGroups } from '../../shared/router/model-groups.ts';
import { routingOptions } from '../../shared/router/request-options.ts';
import { Router, type Routed } from '../../shared/router/router.ts';
import { recordingLog } from '../helpers/gateway.ts';
import { testRuntime, type TestRuntime } from '../helpers/router-runtime.ts';

const providers = defaultProviders();

export function configOf(yaml: string): GatewayConfig {
  return loadConfig(
    yaml,
    'router.yaml',
    () => undefined,
    (prefix) => providers.get(prefix),
  );
}

/** `deployments` is "group: id, id; group2: id" → deployments (never called: attempts are scripted) with those model_info ids. */
export function yamlFor(deployments: string, routerSettings = '{}', extra: Record<string, string> = {}): string {
  const entries = deployments.split(';').flatMap((part) => {
    const [group, ids] = part.split(':').map((s) => s.trim());
    return ids!
      .split(',')
      .map((id) => id.trim())
      .map(
        (id) =>
          `  - model_name: ${group}\n    litellm_params: { model: lm_studio/${id}${extra[id] ? `, ${extra[id]}` : ''} }\n    model_info: { id: ${id}${extra[`${id}.info`] ? `, ${extra[`${id}.info`]}` : ''} }`,
      );
  });
  return `model_list:\n${entries.join('\n')}\nrouter_settings: ${routerSettings}\n`;
}

export type Outcome = 'ok' | ErrorKind | GatewayError;

export interface Harness {
  router: Router;
  runtime: TestRuntime;
  /** Deployment ids in the order they were attempted. */
  calls: string[];
  /** Scripts outcomes per deployment id; when a script runs out, the deployment answers 'ok'. */
  script(outcomes: Record<string, Outcome[]>): void;
  route(model: string, body?: Record<string, unknown>, promptTokens?: number): Promise<Routed<string>>;
  /** Like route, resolving to the GatewayError it throws. */
  fail(model: string, body?: Record<string, unknown>, promptTokens?: number): Promise<GatewayError>;
  lastCtx: () => TestContext;
}

export interface TestContext extends RequestContext {
  /** The tokens the request used, as the pipeline reports them to the router once it is over. */
  usedTokens?: number;
  finish(): Promise<void>;
  abort(): void;
}

export function fakeContext(): TestContext {
  const hooks: AfterResponseHook[] = [];
  const controller = new AbortController();
  const ctx: TestContext = {
    requestId: 'req-1',
    signal: controller.signal,
    timings: { start: 0 },
    log: recordingLog(),
    responseHeaders: {},
    logFields: {},
    onFinish: (hook) => void hooks.push(hook),
    beforeAnswer: () => {},
    answerReady: async () => {},
    finish: async () => {
      for (const hook of hooks) await hook(ctx);
    },
    abort: () => controller.abort(),
  };
  return ctx;
}

export function harness(yaml: string, seed = 7): Harness {
  const config = configOf(yaml);
  const runtime = testRuntime(seed);
  const router = new Router(new ModelGroups(config.deployments, config.router.modelGroupAlias), config.router, priceLookup(providers), runtime);
  const calls: string[] = [];
  let scripts: Record<string, Outcome[]> = {};
  let lastCtx: TestContext | undefined;
  const attempt = async (deployment: Deployment) => {
    calls.push(deployment.id);
    const outcome = scripts[deployment.id]?.shift() ?? 'ok';
    if (outcome === 'ok') return deployment.id;
    throw outcome instanceof GatewayError ? outcome : new GatewayError(outcome, `scripted ${outcome}`);
  };
  const route = async (model: string, body: Record<string, unknown> = {}, promptTokens = 10) => {
    const ctx = (lastCtx = fakeContext());
    return router.route({ model, promptTokens, options: routingOptions(body, model), usedTokens: () => ctx.usedTokens }, ctx, attempt);
  };
  return {
    router,
    runtime,
    calls,
    script: (outcomes) => void (scripts = Object.fromEntries(Object.entries(outcomes).map(([id, list]) => [id, [...list]]))),
    route,
    fail: (model, body, tokens) =>
      route(model, body, tokens).then(
        (routed) => {
          throw new Error(`expected a failure, got an answer from ${routed.deployment.id}`);
        },
        (error: unknown) => error as GatewayError,
      ),
    lastCtx: () => lastCtx!,
  };
}
