// Fallbacks a client names in its request are models it asks for, just like `model`: its key must be
// allowed each of them. Fallbacks from the config are the operator's choice and need no such check,
// as in LiteLLM.
import type { RequestContext } from '../core/types.ts';
import { authorizeModel } from '../keys/model-access.ts';
import type { Services } from '../services.ts';
import { requestFallbackModels, type RoutingOptions } from './request-options.ts';

export async function authorizeRequestFallbacks(options: RoutingOptions, ctx: RequestContext, services: Services): Promise<void> {
  for (const { model } of requestFallbackModels(options)) await authorizeModel(ctx, services, model);
}
