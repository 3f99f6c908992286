// Models added through LiteLLM's model management API (/model/new), one item each, as LiteLLM's
// LiteLLM_ProxyModelTable rows: `model_id`, `model_name`, `litellm_params`, `model_info`. Every
// instance lists them (shared/router/model-catalog.ts), so no redeploy is needed to serve one.
import { EntityItems } from './entity-items.ts';
import type { Store } from './store.ts';
import { itemKeys } from './table.ts';

/** A stored model: its `litellm_params` hold its credential as sent (the table is encrypted at rest); never log or answer them whole. */
export interface StoredModelRow {
  model_id: string;
  model_name: string;
  litellm_params: Record<string, unknown>;
  model_info: Record<string, unknown>;
  created_at: string;
  created_by: string;
  updated_at: string;
  updated_by: string;
}

export class StoredModels extends EntityItems<StoredModelRow> {
  constructor(store: Store) {
    super(store, 'model', itemKeys.model);
  }
}
