// Tags as the admin API manages them (LiteLLM's /tag/* paths): a tag with an item is an account of
// every request that carries it (shared/keys/request-tags.ts says which do), charged its spend and
// held to its limits (LiteLLM's budget fields, or a reusable budget's) like a key or a team.
import { GatewayError } from '../core/errors.ts';
import type { Identities } from '../store/identities.ts';
import type { Fields, TagRecord } from '../store/records.ts';
import { ConditionFailed } from '../store/store.ts';
import type { Actor, AuditTrail } from './audit-trail.ts';
import { NO_LIMITS } from './no-limits.ts';
import { checkBudget } from './budget-service.ts';

/** What an admin sets on a tag: LiteLLM's TagNewRequest fields, checked by the admin API. */
export interface TagSettings {
  name: string;
  [field: string]: unknown;
}

export class TagService {
  constructor(
    private readonly identities: Identities,
    private readonly audit: AuditTrail,
    private readonly now: () => number,
  ) {}

  async create(input: TagSettings, by: Actor): Promise<TagRecord> {
    await checkBudget(this.identities, input['budget_id']);
    const at = this.iso();
    const tag: TagRecord = {
      description: null,
      models: null,
      model_info: null,
      budget_id: null,
      spend: 0,
      ...NO_LIMITS,
      ...input,
      created_at: at,
      created_by: by.name,
      updated_at: at,
      updated_by: by.name,
    };
    try {
      await this.identities.tags.create(tag.name, tag);
    } catch (error) {
      if (error instanceof ConditionFailed) throw new GatewayError('invalid_request', `Tag "${tag.name}" already exists. Change it with POST /tag/update.`, { param: 'name' });
      throw error;
    }
    await this.audit.record(by, { action: 'created', table_name: 'tag', object_id: tag.name, after: tag });
    return tag;
  }

  async update(name: string, changes: Fields, by: Actor): Promise<TagRecord> {
    await checkBudget(this.identities, changes['budget_id']);
    const result = await this.identities.tags.update(name, { ...changes, updated_at: this.iso(), updated_by: by.name });
    if (!result) throw notFound(name);
    await this.audit.record(by, { action: 'updated', table_name: 'tag', object_id: name, before: result.before, after: result.after });
    return result.after;
  }

  async delete(name: string, by: Actor): Promise<TagRecord> {
    const removed = await this.identities.tags.delete(name);
    if (!removed) throw notFound(name);
    await this.audit.record(by, { action: 'deleted', table_name: 'tag', object_id: name, before: removed });
    return removed;
  }

  /** The tag; a 404 when there is none. */
  async get(name: string): Promise<TagRecord> {
    const tag = await this.identities.tags.get(name);
    if (!tag) throw notFound(name);
    return tag;
  }

  list(): Promise<TagRecord[]> {
    return this.identities.tags.list();
  }

  private iso(): string {
    return new Date(this.now()).toISOString();
  }
}

function notFound(name: string): GatewayError {
  return new GatewayError('not_found', `No tag "${name}". GET /tag/list shows the tags there are.`);
}
