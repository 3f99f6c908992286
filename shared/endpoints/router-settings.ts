// GET /router/settings, in LiteLLM's shape: `current_values` (the file's `router_settings`, secrets
// masked, with the values the router runs with beside them: the strategy in use, retries, fallbacks
// limit, cooldowns), `fields` (one per current value, with its type, default and, for the strategy, the
// ones Tollgate has) and `routing_strategy_descriptions`. The UI's Models page shows the strategy from it.
// GET, so both admins read it (shared/keys/roles.ts).
import { maskedConfig } from '../config/masked-config.ts';
import { ROUTER_DEFAULTS } from '../config/router-settings.ts';
import { SUPPORTED_ROUTING_STRATEGIES } from '../config/schema.ts';
import type { GatewayConfig, RoutingStrategyName } from '../config/types.ts';
import type { Route } from '../core/types.ts';

const DESCRIPTIONS: Record<RoutingStrategyName, string> = {
  'simple-shuffle': 'Picks a deployment at random, weighted by its weight, rpm or tpm when set.',
  'least-busy': 'Picks the deployment with the fewest requests in flight.',
  'latency-based-routing': 'Picks the deployment with the lowest recent latency (within routing_strategy_args.lowest_latency_buffer).',
  'usage-based-routing': 'Picks the deployment with the most of its tpm/rpm left this minute.',
  'cost-based-routing': 'Picks the cheapest deployment by its price per token.',
};

/** The values the router runs with: their types, defaults and what they do, for `fields`. */
const KNOWN: Record<string, { type: string; default: unknown; description: string }> = {
  routing_strategy: { type: 'String', default: 'simple-shuffle', description: 'How a deployment of a model group is picked for each request.' },
  num_retries: { type: 'Integer', default: ROUTER_DEFAULTS.numRetries, description: 'Retries of a failed request, on the same or another deployment.' },
  max_fallbacks: { type: 'Integer', default: ROUTER_DEFAULTS.maxFallbacks, description: 'The most fallback model groups one request is tried on.' },
  allowed_fails: { type: 'Integer', default: null, description: 'Failures in a minute after which a deployment cools down; unset: more than half of its calls failing.' },
  cooldown_time: { type: 'Float', default: ROUTER_DEFAULTS.cooldownTimeSeconds, description: 'Seconds a failing deployment is left out of routing.' },
  enable_tag_filtering: { type: 'Boolean', default: false, description: "Requests' tags choose among a group's deployments by their tags." },
  enable_pre_call_checks: { type: 'Boolean', default: false, description: 'Deployments whose context window is too small for the prompt are skipped.' },
};

export function routerSettingsEndpoint(config: GatewayConfig): Route[] {
  const currentValues = routerCurrentValues(config);
  const fields = Object.entries(currentValues).map(([name, value]) => ({
    field_name: name,
    field_type: KNOWN[name]?.type ?? fieldType(value),
    field_value: value,
    field_description: KNOWN[name]?.description ?? '',
    field_default: KNOWN[name]?.default ?? null,
    ui_field_name: name.replaceAll('_', ' ').replace(/^./, (first) => first.toUpperCase()),
    ...(name === 'routing_strategy' ? { options: Object.keys(SUPPORTED_ROUTING_STRATEGIES) } : {}),
  }));
  const body = JSON.stringify({ fields, current_values: currentValues, routing_strategy_descriptions: DESCRIPTIONS });
  return [{ method: 'GET', paths: ['/router/settings'], auth: 'admin', group: 'info', handle: async () => ({ body }) }];
}

/** The file's `router_settings`, secrets masked, with the values the router runs with (GET /get/config/callbacks shows them too). */
export function routerCurrentValues(config: GatewayConfig): Record<string, unknown> {
  const router = config.router;
  const written = (maskedConfig(config.document)['router_settings'] ?? {}) as Record<string, unknown>;
  // What runs wins over what is written: an unknown strategy runs as simple-shuffle.
  return {
    ...written,
    routing_strategy: router.strategy,
    num_retries: router.numRetries,
    max_fallbacks: router.maxFallbacks,
    allowed_fails: router.allowedFails ?? null,
    cooldown_time: router.cooldownTimeMs / 1000,
    enable_tag_filtering: router.enableTagFiltering,
    enable_pre_call_checks: router.enablePreCallChecks,
  };
}

/** The type of a value the file sets that the router does not run with (shown as written). */
function fieldType(value: unknown): string {
  if (Array.isArray(value)) return 'List';
  if (typeof value === 'number') return Number.isInteger(value) ? 'Integer' : 'Float';
  if (typeof value === 'boolean') return 'Boolean';
  if (value && typeof value === 'object') return 'Dictionary';
  return 'String';
}
