// LiteLLM's model management (/model/new, /model/update, /model/delete) over the stored models
// (shared/store/stored-models.ts): what a change writes, checked as the config file's entries are
// checked, and LiteLLM's refusals. Models from the config file are read-only, as in LiteLLM.
import { randomUUID } from 'node:crypto';
import type { ModelEntry } from '../config/model-entry.ts';
import { ConfigError, type Deployment } from '../config/types.ts';
import { GatewayError } from '../core/errors.ts';
import { withoutNulls } from '../core/json-body.ts';
import type { Log } from '../core/log.ts';
import { ConditionFailed } from '../store/store.ts';
import type { StoredModelRow, StoredModels } from '../store/stored-models.ts';
import type { Actor } from './audit-trail.ts';

/** A model_list entry's deployment, checked as the config file's are; throws ConfigError. */
export type EntryDeployment = (entry: ModelEntry) => Deployment;

export interface ModelChange {
  model_name?: string;
  litellm_params?: Record<string, unknown>;
  model_info?: Record<string, unknown>;
}

export class ModelService {
  private readonly configuredIds: ReadonlySet<string>;

  constructor(
    private readonly rows: StoredModels,
    configured: readonly Deployment[],
    private readonly deploymentOf: EntryDeployment,
    private readonly log: Log,
    /** Called after each change, so that this instance serves it at once. */
    private readonly changed: () => Promise<void>,
    private readonly now: () => number = Date.now,
  ) {
    this.configuredIds = new Set(configured.map((deployment) => deployment.id));
  }

  /** LiteLLM's /model/new; a null in `litellm_params` or `model_info` is absent (LiteLLM's tests send `api_key: None`). */
  async create(entry: ModelEntry, by: Actor): Promise<StoredModelRow> {
    const id = typeof entry.model_info['id'] === 'string' && entry.model_info['id'] ? entry.model_info['id'] : randomUUID();
    if (this.configuredIds.has(id)) throw new GatewayError('invalid_request', `Model with id=${id} is in the config file. Pick another model_info.id.`, { param: 'model_info.id' });
    const litellm_params = withoutNulls(entry.litellm_params);
    const model_info = { ...withoutNulls(entry.model_info), id };
    this.check({ ...entry, litellm_params, model_info });
    const at = new Date(this.now()).toISOString();
    const row: StoredModelRow = {
      model_id: id,
      model_name: entry.model_name,
      litellm_params,
      model_info,
      created_at: at,
      created_by: by.name,
      updated_at: at,
      updated_by: by.name,
    };
    try {
      await this.rows.create(id, row);
    } catch (error) {
      if (error instanceof ConditionFailed)
        throw new GatewayError('invalid_request', `Model with id=${id} already exists. Change it with /model/update, or pick another model_info.id.`, { param: 'model_info.id' });
      throw error;
    }
    await this.changed();
    return row;
  }

  /** LiteLLM's /model/update: `litellm_params` merged into the stored ones (a null leaves a value as it was), `model_name` renames. */
  async update(id: string, change: ModelChange, by: Actor): Promise<StoredModelRow> {
    const before = await this.rows.get(id);
    if (!before) {
      if (this.configuredIds.has(id)) throw new GatewayError('invalid_request', "Can't edit model. Model in config. Store model in db via `/model/new`. to edit.", { param: 'model_info.id' });
      throw new GatewayError('invalid_request', `Model with id=${id} not found in db.`, { param: 'model_info.id' });
    }
    const litellm_params = { ...before.litellm_params, ...withoutNulls(change.litellm_params ?? {}) };
    const model_info = { ...before.model_info, ...withoutNulls(change.model_info ?? {}), id };
    const model_name = change.model_name ?? before.model_name;
    this.check({ model_name, litellm_params, model_info });
    const set = { model_name, litellm_params, model_info, updated_at: new Date(this.now()).toISOString(), updated_by: by.name };
    const updated = await this.rows.update(id, set);
    if (!updated) throw new GatewayError('invalid_request', `Model with id=${id} not found in db.`, { param: 'model_info.id' });
    await this.changed();
    return updated.after;
  }

  async delete(id: string): Promise<StoredModelRow> {
    const deleted = await this.rows.delete(id);
    if (!deleted)
      throw new GatewayError('invalid_request', `Model with id=${id} not found in db${this.configuredIds.has(id) ? ': it is in the config file, which is read-only' : ''}.`, { param: 'id' });
    await this.changed();
    return deleted;
  }

  /** Every stored model that can be served, as a deployment (ModelCatalog's source). */
  async deployments(): Promise<Deployment[]> {
    const deployments: Deployment[] = [];
    for (const row of await this.rows.list()) {
      try {
        const deployment = this.deploymentOf(row);
        deployments.push({ ...deployment, modelInfo: { ...deployment.modelInfo, db_model: true } });
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        // Checked when stored; an environment variable since unset, say. Never the params themselves: they hold the credential.
        this.log.warn('A model stored with /model/new cannot be served', { model_id: row.model_id, problems: error.problems });
      }
    }
    return deployments;
  }

  /** Refuses what the config file would refuse or disable, in the same words. */
  private check(entry: ModelEntry): void {
    if (entry.model_info['team_id'] != null) {
      throw new GatewayError('invalid_request', "Team models (model_info.team_id) are not supported: add the model without team_id and list it in the team's `models`.", {
        param: 'model_info.team_id',
      });
    }
    try {
      this.deploymentOf(entry);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      const problems = error.problems.map((problem) => problem.replace(/^model_list\[0\]\./, ''));
      throw new GatewayError('invalid_request', `Model "${entry.model_name}" cannot be stored: ${problems.join('; ')}.`, { param: 'litellm_params' });
    }
  }
}
