// The router: runs one attempt function (a chat call, an embeddings call) against the deployments of a
// model group until one commits. Picks with the configured strategy among healthy deployments, retries
// transient failures (on another deployment when there is one, else after a backoff), cools failing
// deployments down, and then walks the fallback groups. Every piece of state here is this instance's
// own memory: on Lambda, each warm instance learns about cooldowns, latencies and usage by itself.
import type { Deployment, RouterSettings } from '../config/types.ts';
import { asGatewayError, GatewayError } from '../core/errors.ts';
import type { RequestContext } from '../core/types.ts';
import { retryDelayMs } from './backoff.ts';
import { cooldownAfter, Cooldowns } from './cooldowns.ts';
import { DeploymentStats } from './deployment-stats.ts';
import { failureAction, isDeploymentFailure, retriesAllowed } from './failure-policy.ts';
import { fallbackChain } from './fallbacks.ts';
import type { ModelGroups } from './model-groups.ts';
import { requestFallbackModels, type RoutingOptions } from './request-options.ts';
import { systemRuntime, type RouterRuntime } from './runtime.ts';
import { createStrategy, type PriceLookup, type RoutingStrategy } from './strategies/strategy.ts';

export interface RouteRequest {
  model: string;
  /** Estimated prompt tokens: checked against `max_input_tokens` and the deployments' tpm. */
  promptTokens: number;
  options: RoutingOptions;
  /**
   * False for requests that are no model call (count_tokens): the deployment stats the strategies
   * read (requests this minute, in flight, latency) leave them out. Default true.
   */
  measured?: boolean;
  /** The tokens the request used, asked once it is over (for usage-based routing's tpm). */
  usedTokens?: () => number | undefined;
}

export interface Routed<T> {
  value: T;
  deployment: Deployment;
  /** Retries made across all groups, and fallback groups tried. */
  retries: number;
  fallbacks: number;
}

/** Runs a request on one deployment up to its commit point; throws a GatewayError if it fails before it. */
export type Attempt<T> = (deployment: Deployment) => Promise<T>;

interface Tally {
  retries: number;
  fallbacks: number;
}

export class Router {
  readonly stats: DeploymentStats;
  readonly cooldowns: Cooldowns;
  private readonly strategy: RoutingStrategy;

  /** `priceOf` prices deployments for cost-based routing. */
  constructor(
    private readonly groups: ModelGroups,
    private readonly settings: RouterSettings,
    priceOf: PriceLookup,
    private readonly runtime: RouterRuntime = systemRuntime,
  ) {
    this.stats = new DeploymentStats(runtime.now);
    this.cooldowns = new Cooldowns(runtime.now);
    this.strategy = createStrategy({ stats: this.stats, random: runtime.random, settings, priceOf });
  }

  async route<T>(request: RouteRequest, ctx: RequestContext, attempt: Attempt<T>): Promise<Routed<T>> {
    this.groups.deploymentsOf(request.model); // an unknown model is the client's 400 before anything else
    this.checkFallbackNames(request.options);
    const tally: Tally = { retries: 0, fallbacks: 0 };
    try {
      let error: GatewayError;
      try {
        return await this.tryGroup(request.model, request, ctx, attempt, tally);
      } catch (thrown) {
        error = asGatewayError(thrown);
      }
      if (failureAction(error) === 'fail' || ctx.signal.aborted) throw error;
      for (const group of fallbackChain(request.model, error, this.settings, request.options)) {
        // A group whose deployments are all disabled (unset variables) is not there to fall back to.
        if (!this.groups.has(group)) continue;
        tally.fallbacks++;
        ctx.log.info('falling back', { requestId: ctx.requestId, from: request.model, to: group, kind: error.kind });
        try {
          return await this.tryGroup(group, request, ctx, attempt, tally);
        } catch (thrown) {
          error = asGatewayError(thrown);
          if (failureAction(error) === 'fail' || ctx.signal.aborted) throw error;
        }
      }
      throw error;
    } finally {
      ctx.responseHeaders['x-litellm-attempted-retries'] = String(tally.retries);
      ctx.responseHeaders['x-litellm-attempted-fallbacks'] = String(tally.fallbacks);
      ctx.responseHeaders['x-litellm-max-retries'] = String(request.options.numRetries ?? this.settings.numRetries);
    }
  }

  /** One model group: pick, attempt, and retry until it commits or the failure is for the fallbacks. */
  private async tryGroup<T>(model: string, request: RouteRequest, ctx: RequestContext, attempt: Attempt<T>, tally: Tally): Promise<Routed<T>> {
    const group = this.groups.deploymentsOf(model);
    const fitting = group.filter((d) => d.maxInputTokens === undefined || request.promptTokens <= d.maxInputTokens);
    if (!fitting.length) {
      const largest = Math.max(...group.map((d) => d.maxInputTokens ?? 0));
      throw new GatewayError(
        'context_length_exceeded',
        `The prompt is about ${request.promptTokens} tokens, more than "${model}" takes (max_input_tokens ${largest}). Shorten the messages, or configure context_window_fallbacks.`,
        { param: 'messages' },
      );
    }
    const attemptsOn = new Map<string, number>();
    const failedHere = new Set<string>();
    const unusable = new Set<string>();
    let retriesUsed = 0;
    let lastError: GatewayError | undefined;
    for (;;) {
      const healthy = fitting.filter((d) => !unusable.has(d.id) && !this.cooldowns.isCoolingDown(d.id) && (attemptsOn.get(d.id) ?? 0) <= (d.maxRetries ?? Infinity));
      if (!healthy.length) throw lastError ?? this.noDeployments(model, fitting);
      // A retry goes to a deployment that has not failed this request when there is one.
      const fresh = healthy.filter((d) => !failedHere.has(d.id));
      const deployment = this.strategy.pick(fresh.length ? fresh : healthy, request);
      if (!deployment) throw this.overRateHints(model);
      if (lastError && failedHere.has(deployment.id)) await this.backOff(retriesUsed - 1, lastError, ctx);
      attemptsOn.set(deployment.id, (attemptsOn.get(deployment.id) ?? 0) + 1);
      try {
        const value = request.measured === false ? await attempt(deployment) : await this.attemptOn(deployment, request, ctx, attempt);
        return { value, deployment, retries: tally.retries, fallbacks: tally.fallbacks };
      } catch (thrown) {
        const error = asGatewayError(thrown);
        if (ctx.signal.aborted) throw error;
        this.recordFailure(deployment, error, group.length, ctx);
        const action = failureAction(error);
        if (action === 'next_deployment') unusable.add(deployment.id);
        else if (action !== 'retry' || retriesUsed >= retriesAllowed(error, this.settings, request.options.numRetries)) throw error;
        else retriesUsed++;
        failedHere.add(deployment.id);
        lastError = error;
        tally.retries++;
      }
    }
  }

  /** Waits before retrying a deployment that failed; a client that leaves meanwhile ends the request. */
  private async backOff(retry: number, lastError: GatewayError, ctx: RequestContext): Promise<void> {
    try {
      await this.runtime.sleep(retryDelayMs(retry, lastError.retryAfter, this.runtime.random), ctx.signal);
    } catch {
      throw lastError;
    }
  }

  private async attemptOn<T>(deployment: Deployment, request: RouteRequest, ctx: RequestContext, attempt: Attempt<T>): Promise<T> {
    const started = this.runtime.now();
    this.stats.started(deployment.id);
    let value: T;
    try {
      value = await attempt(deployment);
    } catch (error) {
      this.stats.finished(deployment.id);
      // A timeout is a latency measurement too: latency-based routing should learn of it.
      if (error instanceof GatewayError && error.kind === 'timeout') this.stats.recordLatency(deployment.id, this.runtime.now() - started);
      throw error;
    }
    this.stats.recordLatency(deployment.id, this.runtime.now() - started);
    // A stream is in flight until its last chunk; tokens are known only then.
    ctx.onFinish(() => {
      this.stats.finished(deployment.id);
      const tokens = request.usedTokens?.();
      if (tokens !== undefined) this.stats.recordTokens(deployment.id, tokens);
    });
    return value;
  }

  private recordFailure(deployment: Deployment, error: GatewayError, groupSize: number, ctx: RequestContext): void {
    if (!isDeploymentFailure(error)) return;
    const failures = this.stats.recordFailure(deployment.id);
    const ms = cooldownAfter(error, deployment, groupSize, failures, this.settings);
    if (!ms) return;
    this.cooldowns.coolDown(deployment.id, ms);
    ctx.log.warn('deployment cooling down', { requestId: ctx.requestId, model: deployment.modelName, deployment: deployment.id, kind: error.kind, seconds: ms / 1000 });
  }

  private noDeployments(model: string, deployments: Deployment[]): GatewayError {
    const seconds = Math.ceil(this.cooldowns.msUntilFirstBack(deployments.map((d) => d.id)) / 1000);
    return new GatewayError('rate_limited', `No deployments available for selected model, Try again in ${seconds} seconds. Passed model=${model}. Every deployment is cooling down after failures.`, {
      retryAfter: seconds,
    });
  }

  private overRateHints(model: string): GatewayError {
    const seconds = Math.ceil(this.stats.msUntilNextMinute() / 1000);
    return new GatewayError(
      'rate_limited',
      `No deployments available for selected model, Try again in ${seconds} seconds. Passed model=${model}. Every deployment has reached its rpm/tpm for this minute.`,
      { retryAfter: seconds },
    );
  }

  /** Per-request fallbacks must name models this gateway serves: a typo is the client's to fix. */
  private checkFallbackNames(options: RoutingOptions): void {
    for (const { param, model } of requestFallbackModels(options)) {
      if (!this.groups.has(model)) {
        throw new GatewayError('invalid_request', `${param} names "${model}", which is not a model this gateway serves. Use one of: ${this.groups.names().join(', ')}.`, { param });
      }
    }
  }
}
