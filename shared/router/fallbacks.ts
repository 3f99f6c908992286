// Which model groups to try, in order, once a model group has failed: context-window errors go to
// `context_window_fallbacks`, content-policy refusals to `content_policy_fallbacks`, each else to
// `fallbacks`, as do all other failures that survive the retries; a group with no `fallbacks` of its
// own uses `default_fallbacks`. The request's own lists replace the config's for the model they name;
// `disable_fallbacks` turns them off. A fallback group's own fallbacks are followed in turn (LiteLLM
// falls back from a fallback too); the router tries each group once per request, so a cycle in the
// lists ends, and at most `max_fallbacks` groups in all.
import type { FallbackMap, RouterSettings } from '../config/types.ts';
import type { GatewayError } from '../core/errors.ts';
import type { RoutingOptions } from './request-options.ts';

export function fallbackChain(model: string, error: GatewayError, settings: RouterSettings, options: RoutingOptions): string[] {
  if (options.disableFallbacks) return [];
  const lists = listsFor(model, settings, options);
  const specific = error.kind === 'context_length_exceeded' ? lists.contextWindow : error.kind === 'content_policy_violation' ? lists.contentPolicy : [];
  return tried(model, specific.length ? specific : lists.general, settings);
}

/** Every group a request for `model` may end up on after some failure, fallbacks of fallbacks included (what worst-case pricing covers). */
export function fallbackCandidates(model: string, settings: RouterSettings, options: RoutingOptions): string[] {
  if (options.disableFallbacks) return [];
  const reached = new Set<string>([model]);
  const queue = [model];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    for (const list of Object.values(listsFor(next, settings, options))) {
      for (const group of tried(next, list, settings)) {
        if (reached.has(group)) continue;
        reached.add(group);
        queue.push(group);
      }
    }
  }
  reached.delete(model);
  return [...reached];
}

function listsFor(model: string, settings: RouterSettings, options: RoutingOptions): Record<'general' | 'contextWindow' | 'contentPolicy', readonly string[]> {
  const listFor = (request: FallbackMap | undefined, config: FallbackMap) => request?.get(model) ?? config.get(model);
  return {
    general: listFor(options.fallbacks, settings.fallbacks) ?? settings.defaultFallbacks,
    contextWindow: listFor(options.contextWindowFallbacks, settings.contextWindowFallbacks) ?? [],
    contentPolicy: listFor(options.contentPolicyFallbacks, settings.contentPolicyFallbacks) ?? [],
  };
}

function tried(model: string, list: readonly string[], settings: RouterSettings): string[] {
  return [...new Set(list)].filter((name) => name !== model).slice(0, settings.maxFallbacks);
}
