// Which models a caller may use: the one check every model route makes before any upstream call,
// and the filter the model lists apply. Order (after the key, team and user checks of authentication):
// blocked end user → 401; unknown model → 400 naming only the models the caller may use; a model
// outside the key's, its team's or its user's `models` → 401.
import { GatewayError } from '../core/errors.ts';
import type { Identity, RequestContext } from '../core/types.ts';
import type { Services } from '../services.ts';
import type { CustomerRecord } from '../store/records.ts';
import { itemKeys } from '../store/table.ts';

/** LiteLLM's names for "no restriction" in a `models` list. */
const ALL_MODELS = new Set(['all-proxy-models', '*']);

/** Whether a `models` list (a key's, a team's or a user's) lets its holder call `model`. */
export function permits(models: readonly string[] | undefined, model: string): boolean {
  return !models || models.length === 0 || models.includes(model) || models.some((m) => ALL_MODELS.has(m));
}

/** The model names (from `names`) this caller may call. */
export function allowedModels(identity: Identity | undefined, names: string[]): string[] {
  if (identity?.kind !== 'virtual_key') return names;
  return names.filter((name) => permits(identity.models, name) && permits(identity.team?.models, name) && permits(identity.user?.models, name));
}

/**
 * Throws unless the caller may call `model` now. `endUser` is the request's `user` field: a blocked
 * end user (POST /customer/block) is refused whichever key they come with.
 */
export async function authorizeModel(ctx: RequestContext, services: Services, model: string, endUser?: string): Promise<void> {
  if (endUser && services.store) {
    const customer = await services.store.cachedGet<CustomerRecord>(itemKeys.customer(endUser));
    if (customer?.blocked) {
      throw new GatewayError('blocked', `End user "${endUser}" is blocked. An admin can unblock them with POST /customer/unblock.`, { param: 'user' });
    }
  }
  const identity = ctx.identity;
  // The master key (or an open gateway) may call anything; an unknown model gets the router's error.
  if (identity?.kind !== 'virtual_key') return;
  if (!services.groups.has(model)) {
    const allowed = allowedModels(identity, services.groups.names());
    throw new GatewayError('unknown_model', `Unknown model "${model}". This key may call: ${allowed.length ? allowed.join(', ') : '(no models)'}.`, { param: 'model' });
  }
  if (!permits(identity.models, model)) {
    throw new GatewayError('key_model_access_denied', `key not allowed to access model. This key can only access models=${JSON.stringify(identity.models)}. Tried to access ${model}.`, { param: 'model' });
  }
  if (!permits(identity.team?.models, model)) {
    throw new GatewayError('team_model_access_denied', `team not allowed to access model. This team can only access models=${JSON.stringify(identity.team!.models)}. Tried to access ${model}.`, { param: 'model' });
  }
  if (!permits(identity.user?.models, model)) {
    throw new GatewayError('user_model_access_denied', `user not allowed to access model. User ${identity.user!.user_id} can only access models=${JSON.stringify(identity.user!.models)}. Tried to access ${model}.`, { param: 'model' });
  }
}
