// The routing fields a client may put in the body, as LiteLLM takes them: `num_retries`,
// `disable_fallbacks`, and `fallbacks` / `context_window_fallbacks` / `content_policy_fallbacks`,
// each either a list of model names for the requested model (`["gpt-4o-mini"]`, or LiteLLM's SDK form
// `[{"model": "gpt-4o-mini"}]`) or the config's mapping form (`[{"gpt-4o": ["gpt-4o-mini"]}]`).
// They are stripped before the upstream by shared/providers/params.ts.
import * as z from 'zod';
import type { FallbackMap } from '../config/types.ts';
import { invalidRequest } from '../core/invalid-request.ts';

export interface RoutingOptions {
  numRetries?: number;
  disableFallbacks: boolean;
  fallbacks?: FallbackMap;
  contextWindowFallbacks?: FallbackMap;
  contentPolicyFallbacks?: FallbackMap;
}

const FALLBACK_ENTRY_HINT = 'each entry must be a model name, {"model": "<name>"}, or {"<model>": ["<name>", ...]}';
const fallbackEntry = z.union([z.string().min(1), z.object({ model: z.string().min(1) }).loose(), z.record(z.string(), z.array(z.string().min(1)))], { error: FALLBACK_ENTRY_HINT });

const fallbackList = z.array(fallbackEntry, { error: `must be a list; ${FALLBACK_ENTRY_HINT}` });

const optionsSchema = z.looseObject({
  num_retries: z.number({ error: 'num_retries must be a whole number from 0' }).int().min(0).optional(),
  disable_fallbacks: z.boolean({ error: 'disable_fallbacks must be true or false' }).optional(),
  fallbacks: fallbackList.optional(),
  context_window_fallbacks: fallbackList.optional(),
  content_policy_fallbacks: fallbackList.optional(),
});

/** Every model the request's own fallback lists name, with the field that names it. */
export function requestFallbackModels(options: RoutingOptions): Array<{ param: string; model: string }> {
  const lists = { fallbacks: options.fallbacks, context_window_fallbacks: options.contextWindowFallbacks, content_policy_fallbacks: options.contentPolicyFallbacks };
  return Object.entries(lists).flatMap(([param, map]) => [...(map ?? new Map<string, readonly string[]>())].flatMap(([from, to]) => [from, ...to]).map((model) => ({ param, model })));
}

export function routingOptions(body: Record<string, unknown>, requestedModel: string): RoutingOptions {
  const parsed = optionsSchema.safeParse(body);
  if (!parsed.success) throw invalidRequest(parsed.error);
  const options = parsed.data;
  const toMap = (entries: z.infer<typeof fallbackList> | undefined): FallbackMap | undefined => {
    if (!entries) return undefined;
    const map = new Map<string, string[]>();
    const add = (from: string, to: string[]) => map.set(from, [...(map.get(from) ?? []), ...to]);
    for (const entry of entries) {
      if (typeof entry === 'string') add(requestedModel, [entry]);
      else if (typeof entry['model'] === 'string') add(requestedModel, [entry['model']]);
      else for (const [from, to] of Object.entries(entry as Record<string, string[]>)) add(from, to);
    }
    return map;
  };
  return {
    numRetries: options.num_retries,
    disableFallbacks: options.disable_fallbacks === true,
    fallbacks: toMap(options.fallbacks),
    contextWindowFallbacks: toMap(options.context_window_fallbacks),
    contentPolicyFallbacks: toMap(options.content_policy_fallbacks),
  };
}
