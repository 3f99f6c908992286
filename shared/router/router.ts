// The router: runs one attempt function (a chat call, an embeddings call) against the deployments of a
// model group until one commits. Filters the group (context window, tags: ./deployment-filters.ts),
// picks with the configured strategy among the healthy deployments of the first priority tier, retries
// transient failures (on another deployment when there is one, else after a backoff), cools failing
// deployments down, and then walks the fallback groups. Cooldowns are shared with the other instances
// through the table when there is one (./shared-cooldowns.ts); with health check routing, deployments
// whose last health check failed are skipped (./deployment-health.ts); latencies and usage are each
// instance's own.
import type { Deployment, RouterSettings } from '../config/types.ts';
import { asGatewayError, GatewayError } from '../core/errors.ts';
import { nameList } from '../core/name-list.ts';
import type { RequestContext } from '../core/types.ts';
import { retryDelayMs } from './backoff.ts';
import { cooldownAfter, Cooldowns } from './cooldowns.ts';
import { countsAsUnhealthy, type HealthCheckResult, type HealthRouting } from './deployment-health.ts';
import { byTags, firstTier } from './deployment-filters.ts';
import { byRegion, regionOf, type AllowedRegion } from './model-region.ts';
import { DeploymentStats } from './deployment-stats.ts';
import { failureAction, isDeploymentFailure, retriesAllowed } from './failure-policy.ts';
import { fallbackChain } from './fallbacks.ts';
import type { SharedCooldowns } from './shared-cooldowns.ts';
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
  /** The request's tags, for tag routing (read by the pipeline: shared/keys/request-tags.ts). */
  tags?: readonly string[];
  /** The end user's `allowed_model_region`: only deployments there may serve it (./model-region.ts). */
  region?: AllowedRegion;
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
  /** The retries the last failure allowed (x-litellm-max-retries). */
  maxRetries?: number;
}

export class Router {
  readonly stats: DeploymentStats;
  readonly cooldowns: Cooldowns;
  private readonly strategy: RoutingStrategy;

  /** `priceOf` prices deployments for cost-based routing. */
  constructor(
    private readonly groups: ModelGroups,
    private readonly settings: RouterSettings,
    private readonly priceOf: PriceLookup,
    private readonly runtime: RouterRuntime = systemRuntime,
    /** Cooldowns shared with the other instances (the table); without it, each instance knows its own. */
    private readonly shared?: SharedCooldowns,
    /** `enable_health_check_routing`: where the health checks' results are, and how long one counts. */
    private readonly health?: HealthRouting,
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
      return await this.withFallbacks(request.model, request, ctx, attempt, tally, new Set([request.model]));
    } finally {
      ctx.responseHeaders['x-litellm-attempted-retries'] = String(tally.retries);
      ctx.responseHeaders['x-litellm-attempted-fallbacks'] = String(tally.fallbacks);
      // The count the last retried failure allowed, as LiteLLM reports it; the request's or router's when none failed.
      ctx.responseHeaders['x-litellm-max-retries'] = String(tally.maxRetries ?? request.options.numRetries ?? this.settings.numRetries);
    }
  }

  /** One model group, then its fallback groups in order, each with its own fallbacks; `tried` holds the groups this request has been on. */
  private async withFallbacks<T>(model: string, request: RouteRequest, ctx: RequestContext, attempt: Attempt<T>, tally: Tally, tried: Set<string>): Promise<Routed<T>> {
    let error: GatewayError;
    try {
      return await this.tryGroup(model, request, ctx, attempt, tally);
    } catch (thrown) {
      error = asGatewayError(thrown);
    }
    for (const group of fallbackChain(model, error, this.settings, request.options)) {
      if (failureAction(error) === 'fail' || ctx.signal.aborted) throw error;
      // A group whose deployments are all disabled (unset variables) is not there to fall back to.
      if (tried.has(group) || !this.groups.has(group)) continue;
      if (tally.fallbacks >= this.settings.maxFallbacks) break;
      tried.add(group);
      tally.fallbacks++;
      ctx.log.info('falling back', { requestId: ctx.requestId, from: model, to: group, kind: error.kind });
      try {
        return await this.withFallbacks(group, request, ctx, attempt, tally, tried);
      } catch (thrown) {
        error = asGatewayError(thrown);
      }
    }
    throw error;
  }

  /** One model group: pick, attempt, and retry until it commits or the failure is for the fallbacks. */
  private async tryGroup<T>(model: string, request: RouteRequest, ctx: RequestContext, attempt: Attempt<T>, tally: Tally): Promise<Routed<T>> {
    const group = this.groups.deploymentsOf(model);
    const fitting = group.filter((d) => request.promptTokens <= (this.maxInputTokens(d) ?? Infinity));
    if (!fitting.length) {
      const largest = Math.max(...group.map((d) => this.maxInputTokens(d) ?? 0));
      throw new GatewayError(
        'context_length_exceeded',
        `The prompt is about ${request.promptTokens} tokens, more than "${model}" takes (max_input_tokens ${largest}). Shorten the messages, or configure context_window_fallbacks.`,
        { param: 'messages' },
      );
    }
    const tagged = this.settings.enableTagFiltering ? byTags(fitting, request.tags ?? [], model) : fitting;
    const candidates = await this.withoutUnhealthy(request.region ? byRegion(tagged, request.region, model) : tagged, ctx);
    await this.learnCooldowns(candidates, ctx);
    const attemptsOn = new Map<string, number>();
    const failedHere = new Set<string>();
    const unusable = new Set<string>();
    let retriesUsed = 0;
    let lastError: GatewayError | undefined;
    for (;;) {
      const healthy = candidates.filter((d) => !unusable.has(d.id) && !this.cooldowns.isCoolingDown(d.id) && (attemptsOn.get(d.id) ?? 0) <= (d.maxRetries ?? Infinity));
      if (!healthy.length) throw lastError ?? this.noDeployments(model, candidates);
      // The next priority tier only once the whole first one is cooling down or unusable.
      const tier = firstTier(healthy);
      // A retry goes to a deployment that has not failed this request when there is one.
      const fresh = tier.filter((d) => !failedHere.has(d.id));
      const deployment = this.strategy.pick(fresh.length ? fresh : tier, request);
      if (!deployment) throw this.overRateHints(model);
      if (lastError && failedHere.has(deployment.id)) await this.backOff(retriesUsed - 1, lastError, ctx);
      attemptsOn.set(deployment.id, (attemptsOn.get(deployment.id) ?? 0) + 1);
      try {
        const value = request.measured === false ? await attempt(deployment) : await this.attemptOn(deployment, request, ctx, attempt);
        const region = regionOf(deployment);
        if (region) ctx.responseHeaders['x-litellm-model-region'] = region;
        return { value, deployment, retries: tally.retries, fallbacks: tally.fallbacks };
      } catch (thrown) {
        const error = asGatewayError(thrown);
        if (ctx.signal.aborted) throw error;
        await this.recordFailure(deployment, error, group.length, ctx);
        const allowed = retriesAllowed(error, model, this.settings, request.options.numRetries, deployment.numRetries);
        if (allowed !== undefined) tally.maxRetries = allowed;
        if (allowed !== undefined && retriesUsed < allowed) retriesUsed++;
        else if (allowed === undefined && failureAction(error) === 'next_deployment') unusable.add(deployment.id);
        else throw error;
        failedHere.add(deployment.id);
        lastError = error;
        tally.retries++;
      }
    }
  }

  /** `model_info.max_input_tokens`; with `enable_pre_call_checks`, else the price table's. */
  private maxInputTokens(deployment: Deployment): number | undefined {
    return deployment.maxInputTokens ?? (this.settings.enablePreCallChecks ? this.priceOf(deployment)?.max_input_tokens : undefined);
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
    this.stats.recordSuccess(deployment.id);
    // A stream is in flight until its last chunk; tokens are known only then.
    ctx.onFinish(() => {
      this.stats.finished(deployment.id);
      const tokens = request.usedTokens?.();
      if (tokens !== undefined) this.stats.recordTokens(deployment.id, tokens);
    });
    return value;
  }

  private async recordFailure(deployment: Deployment, error: GatewayError, groupSize: number, ctx: RequestContext): Promise<void> {
    if (!isDeploymentFailure(error)) return;
    const minute = this.stats.recordFailure(deployment.id);
    const ms = cooldownAfter(error, deployment, groupSize, minute, this.settings);
    if (!ms) return;
    const until = this.cooldowns.coolDown(deployment.id, ms);
    ctx.log.warn('deployment cooling down', { requestId: ctx.requestId, model: deployment.modelName, deployment: deployment.id, kind: error.kind, seconds: ms / 1000 });
    try {
      await this.shared?.coolDown(deployment.id, until, error.kind);
    } catch (failure) {
      ctx.log.warn('could not share a cooldown; other instances learn of it from their own failures', { requestId: ctx.requestId, deployment: deployment.id, error: String(failure) });
    }
  }

  /** Until when each of these deployments cools down (epoch ms, 0 when it does not), as this instance and the others know it. */
  async cooldownEnds(deployments: Deployment[], ctx: RequestContext): Promise<Map<string, number>> {
    await this.learnCooldowns(deployments, ctx);
    return new Map(deployments.map((d) => [d.id, this.cooldowns.endOf(d.id)]));
  }

  /** With health check routing, the deployments whose last check did not fail; all of them when every one failed (LiteLLM's safety net). */
  private async withoutUnhealthy(deployments: Deployment[], ctx: RequestContext): Promise<Deployment[]> {
    if (!this.health) return deployments;
    let results: Map<string, HealthCheckResult>;
    try {
      results = await this.health.records.healthOf([...new Set(deployments.map((d) => d.id))]);
    } catch (failure) {
      ctx.log.warn('could not read health check results; routing without them', { requestId: ctx.requestId, error: String(failure) });
      return deployments;
    }
    const now = this.runtime.now();
    const healthy = deployments.filter((d) => !countsAsUnhealthy(results.get(d.id), now, this.health!.stalenessMs));
    return healthy.length ? healthy : deployments;
  }

  /** What the other instances found: their cooldowns of these deployments. */
  private async learnCooldowns(deployments: Deployment[], ctx: RequestContext): Promise<void> {
    if (!this.shared) return;
    try {
      for (const [id, until] of await this.shared.cooldownEnds([...new Set(deployments.map((d) => d.id))])) this.cooldowns.coolDownUntil(id, until);
    } catch (failure) {
      ctx.log.warn('could not read shared cooldowns; routing on what this instance knows', { requestId: ctx.requestId, error: String(failure) });
    }
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
        throw new GatewayError('invalid_request', `${param} names "${model}", which is not a model this gateway serves. Use one of: ${nameList(this.groups.names(), '(none)')}.`, { param });
      }
    }
  }
}
