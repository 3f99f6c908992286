// `router_settings` → RouterSettings, with LiteLLM's defaults: 2 retries (the openai client's default,
// which LiteLLM's router inherits), 5 fallbacks at most, a deployment cooled down for 5 s after more
// than 3 failures in a minute.
import { SUPPORTED_ROUTING_STRATEGIES, type RawConfig } from './schema.ts';
import type { FallbackMap, RouterSettings } from './types.ts';

export const ROUTER_DEFAULTS = {
  numRetries: 2,
  maxFallbacks: 5,
  allowedFails: 3,
  cooldownTimeSeconds: 5,
  latencyTtlSeconds: 3600,
} as const;

type RawRouterSettings = NonNullable<RawConfig['router_settings']>;

/** Problems (fallbacks naming models the file does not define) go to `problems`; an unknown strategy to `warnings`. */
export function toRouterSettings(raw: RawRouterSettings = {}, modelNames: ReadonlySet<string>, source: string, problems: string[], warnings: string[]): RouterSettings {
  const strategyName = raw.routing_strategy ?? 'simple-shuffle';
  // Own keys only: `constructor` is in every object, and not a strategy.
  const strategy = Object.hasOwn(SUPPORTED_ROUTING_STRATEGIES, strategyName) ? SUPPORTED_ROUTING_STRATEGIES[strategyName] : undefined;
  if (!strategy) warnings.push(`${source}: router_settings.routing_strategy "${strategyName}" is not supported yet; using simple-shuffle`);
  const fallbacks = (key: 'fallbacks' | 'context_window_fallbacks' | 'content_policy_fallbacks'): FallbackMap => {
    const map = new Map<string, string[]>();
    (raw[key] ?? []).forEach((entry, index) => {
      for (const [from, to] of Object.entries(entry)) {
        for (const name of [from, ...to]) {
          if (!modelNames.has(name)) problems.push(`router_settings.${key}[${index}]: "${name}" is not a model_name in model_list`);
        }
        map.set(from, [...(map.get(from) ?? []), ...to.filter((name) => name !== from)]);
      }
    });
    return map;
  };
  return {
    strategy: strategy ?? 'simple-shuffle',
    latencyTtlMs: (raw.routing_strategy_args?.ttl ?? ROUTER_DEFAULTS.latencyTtlSeconds) * 1000,
    latencyBuffer: raw.routing_strategy_args?.lowest_latency_buffer ?? 0,
    numRetries: raw.num_retries ?? ROUTER_DEFAULTS.numRetries,
    retryPolicy: {
      rateLimit: raw.retry_policy?.RateLimitErrorRetries,
      timeout: raw.retry_policy?.TimeoutErrorRetries,
      serverError: raw.retry_policy?.InternalServerErrorRetries,
    },
    fallbacks: fallbacks('fallbacks'),
    contextWindowFallbacks: fallbacks('context_window_fallbacks'),
    contentPolicyFallbacks: fallbacks('content_policy_fallbacks'),
    maxFallbacks: raw.max_fallbacks ?? ROUTER_DEFAULTS.maxFallbacks,
    allowedFails: raw.allowed_fails ?? ROUTER_DEFAULTS.allowedFails,
    cooldownTimeMs: (raw.cooldown_time ?? ROUTER_DEFAULTS.cooldownTimeSeconds) * 1000,
  };
}
