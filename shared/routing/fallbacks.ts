// Which model groups to try, in order, once a model group has failed: context-window errors go to
// `context_window_fallbacks`, content-policy refusals to `content_policy_fallbacks`, each else to
// `fallbacks`, as do all other failures that survive the retries. The request's own lists replace the
// config's for the model they name; `disable_fallbacks` turns them off. Fallback groups' own fallbacks
// are not followed, and at most `max_fallbacks` groups are tried.
import type { FallbackMap, RouterSettings } from '../config/types.ts';
import type { GatewayError } from '../core/errors.ts';
import type { RoutingOptions } from './request-options.ts';

export function fallbackChain(model: string, error: GatewayError, settings: RouterSettings, options: RoutingOptions): string[] {
  if (options.disableFallbacks) return [];
  const listFor = (request: FallbackMap | undefined, config: FallbackMap) => request?.get(model) ?? config.get(model) ?? [];
  const general = listFor(options.fallbacks, settings.fallbacks);
  const specific = error.kind === 'context_length_exceeded' ? listFor(options.contextWindowFallbacks, settings.contextWindowFallbacks)
    : error.kind === 'content_policy_violation' ? listFor(options.contentPolicyFallbacks, settings.contentPolicyFallbacks)
    : [];
  const chain = [...new Set(specific.length ? specific : general)].filter((name) => name !== model);
  return chain.slice(0, settings.maxFallbacks);
}
