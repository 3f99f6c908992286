// `router_settings` → RouterSettings, with LiteLLM's defaults: 2 retries (the openai client's default,
// which LiteLLM's router inherits), 5 fallbacks at most, a deployment cooled down for 5 s once more
// than half of a minute's calls to it failed (after more than 3 failures in a minute when only
// `allowed_fails_policy` is set).
import { SUPPORTED_ROUTING_STRATEGIES, type RawConfig } from './schema.ts';
import { type CountsByErrorClass, type FallbackMap, LITELLM_ERROR_CLASSES, type ModelGroupAlias, type RouterSettings } from './types.ts';

export const ROUTER_DEFAULTS = {
  numRetries: 2,
  maxFallbacks: 5,
  allowedFails: 3,
  cooldownTimeSeconds: 5,
  latencyTtlSeconds: 3600,
} as const;

type RawRouterSettings = NonNullable<RawConfig['router_settings']>;

/** Problems (fallbacks naming models the file does not define) go to `problems`; an unknown strategy to `warnings`. */
/** `serves` says whether a name lands on a model of the file (a `model_name`, a wildcard's match, an alias). */
export function toRouterSettings(raw: RawRouterSettings = {}, serves: (name: string) => boolean, source: string, problems: string[], warnings: string[]): RouterSettings {
  const strategyName = raw.routing_strategy ?? 'simple-shuffle';
  // Own keys only: `constructor` is in every object, and not a strategy.
  const strategy = Object.hasOwn(SUPPORTED_ROUTING_STRATEGIES, strategyName) ? SUPPORTED_ROUTING_STRATEGIES[strategyName] : undefined;
  if (!strategy) warnings.push(`${source}: router_settings.routing_strategy "${strategyName}" is not supported yet; using simple-shuffle`);
  const fallbacks = (key: 'fallbacks' | 'context_window_fallbacks' | 'content_policy_fallbacks'): FallbackMap => {
    const map = new Map<string, string[]>();
    (raw[key] ?? []).forEach((entry, index) => {
      for (const [from, to] of Object.entries(entry)) {
        for (const name of [from, ...to]) {
          if (!serves(name)) problems.push(`router_settings.${key}[${index}]: "${name}" is not a model_name in model_list`);
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
    retryPolicy: countsByClass(raw.retry_policy, 'Retries'),
    modelGroupRetryPolicy: new Map(Object.entries(raw.model_group_retry_policy ?? {}).map(([group, policy]) => [group, countsByClass(policy, 'Retries')])),
    fallbacks: fallbacks('fallbacks'),
    defaultFallbacks: (raw.default_fallbacks ?? []).filter((name, index) => {
      if (!serves(name)) problems.push(`router_settings.default_fallbacks[${index}]: "${name}" is not a model_name in model_list`);
      return serves(name);
    }),
    contextWindowFallbacks: fallbacks('context_window_fallbacks'),
    contentPolicyFallbacks: fallbacks('content_policy_fallbacks'),
    maxFallbacks: raw.max_fallbacks ?? ROUTER_DEFAULTS.maxFallbacks,
    // LiteLLM counts failures against allowed_fails only when either is set; else it looks at the failure rate.
    allowedFails: raw.allowed_fails ?? (raw.allowed_fails_policy ? ROUTER_DEFAULTS.allowedFails : undefined),
    allowedFailsPolicy: countsByClass(raw.allowed_fails_policy, 'AllowedFails'),
    cooldownTimeMs: (raw.cooldown_time ?? ROUTER_DEFAULTS.cooldownTimeSeconds) * 1000,
    modelGroupAlias: modelGroupAliases(raw.model_group_alias, serves, problems),
    enableTagFiltering: raw.enable_tag_filtering ?? false,
    enablePreCallChecks: raw.enable_pre_call_checks ?? false,
  };
}

/** `{"RateLimitErrorRetries": 3}` → `{RateLimitError: 3}`. */
function countsByClass(raw: Record<string, unknown> | undefined, suffix: 'Retries' | 'AllowedFails'): CountsByErrorClass {
  const counts: CountsByErrorClass = {};
  for (const name of LITELLM_ERROR_CLASSES) {
    const value = raw?.[`${name}${suffix}`];
    if (typeof value === 'number') counts[name] = value;
  }
  return counts;
}

/** `model_group_alias` takes `{"gpt-4": "gpt-4o"}` and `{"gpt-4": {"model": "gpt-4o", "hidden": true}}`; an alias must name a model of the file. */
function modelGroupAliases(raw: RawRouterSettings['model_group_alias'], serves: (name: string) => boolean, problems: string[]): Map<string, ModelGroupAlias> {
  const aliases = new Map<string, ModelGroupAlias>();
  for (const [alias, target] of Object.entries(raw ?? {})) {
    const entry = typeof target === 'string' ? { model: target, hidden: false } : { model: target.model, hidden: target.hidden ?? false };
    if (serves(entry.model)) aliases.set(alias, entry);
    else problems.push(`router_settings.model_group_alias.${alias}: "${entry.model}" is not a model_name in model_list`);
  }
  return aliases;
}
