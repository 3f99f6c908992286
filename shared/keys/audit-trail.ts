// The audit trail: one record per admin change, written after the change, in LiteLLM's audit fields,
// and listed newest first. Records hold stored items only, never a raw key.
import { randomUUID } from 'node:crypto';
import type { Log } from '../core/log.ts';
import type { EntityItems } from '../store/entity-items.ts';
import { ItemTooLarge } from '../store/item-too-large.ts';
import type { AuditRecord, Fields } from '../store/records.ts';

/** Who makes a change, as audit records and `created_by` name them, and in which request. */
export interface Actor {
  /** `master`, `open`, the alias (else the key name) of the virtual key making the change, or `ui:` and who is signed in to the web UI. */
  name: string;
  /** The hash of that virtual key; null otherwise. */
  token: string | null;
  requestId: string;
}

export interface Change {
  action: AuditRecord['action'];
  table_name: AuditRecord['table_name'];
  object_id: string;
  before?: Fields | null;
  after?: Fields | null;
}

/** What GET /audit filters on; each must equal the record's field. */
export interface AuditFilter {
  object_id?: string;
  table_name?: string;
  action?: string;
  changed_by?: string;
}

export class AuditTrail {
  constructor(
    private readonly records: EntityItems<AuditRecord>,
    private readonly log: Log,
    private readonly now: () => number,
  ) {}

  /** Writes the record of a change that has happened. */
  async record(by: Actor, change: Change): Promise<void> {
    const at = new Date(this.now()).toISOString();
    const record: AuditRecord = {
      id: randomUUID(),
      created_at: at,
      updated_at: at,
      changed_by: by.name,
      changed_by_api_key: by.token,
      action: change.action,
      table_name: change.table_name,
      object_id: change.object_id,
      before_value: change.before ?? null,
      updated_values: change.after ?? null,
    };
    try {
      await this.records.create(record.id, record);
    } catch (error) {
      // Before and after of a large item (long metadata) may not fit one item. The change has been
      // made, so record it anyway: the object's previous audit record holds its before_value.
      if (!(error instanceof ItemTooLarge) || change.before == null) throw error;
      this.log.warn('audit record too large: before_value left out', { requestId: by.requestId, table_name: change.table_name, object_id: change.object_id });
      await this.records.create(record.id, { ...record, before_value: null });
    }
  }

  /** Every record matching the filter, newest first. */
  list(filter: AuditFilter): Promise<AuditRecord[]> {
    return this.records.list({ ...filter });
  }
}
