// Audit records: one per admin change, written after the change, and read with GET /audit (also
// LiteLLM's /audit/logs), newest first (master key).
import { randomUUID } from 'node:crypto';
import type { RequestContext, Route } from '../../core/types.ts';
import type { Services } from '../../services.ts';
import { ItemTooLarge } from '../../store/item-too-large.ts';
import type { AuditRecord, Fields } from '../../store/records.ts';
import type { Store } from '../../store/store.ts';
import { itemKeys } from '../../store/table.ts';
import { adminRoute, changedBy, nowIso, pageParams, paginate, requireStore } from './admin-route.ts';

export interface Change {
  action: AuditRecord['action'];
  table_name: AuditRecord['table_name'];
  object_id: string;
  before?: Fields | null;
  after?: Fields | null;
}

/** Writes the audit record of a change that has happened. Records hold stored items only, never a raw key. */
export async function audit(store: Store, ctx: RequestContext, change: Change): Promise<void> {
  const by = changedBy(ctx);
  const at = nowIso();
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
    await store.create(itemKeys.audit(record.id), 'audit', record);
  } catch (error) {
    // Before and after of a large item (long metadata) may not fit one item. The change has been
    // made, so record it anyway: the object's previous audit record holds its before_value.
    if (!(error instanceof ItemTooLarge) || change.before == null) throw error;
    ctx.log.warn('audit record too large: before_value left out', { requestId: ctx.requestId, table_name: change.table_name, object_id: change.object_id });
    await store.create(itemKeys.audit(record.id), 'audit', { ...record, before_value: null });
  }
}

export function auditRoutes(services: Services): Route[] {
  const store = requireStore(services);
  return [
    adminRoute('GET', ['/audit', '/audit/logs'], async (request) => {
      const { page, size } = pageParams(request.query, 'page_size', 50, 500);
      const { object_id, table_name, action, changed_by } = request.query;
      const records = await store.list<AuditRecord>('audit', { object_id, table_name, action, changed_by });
      const { slice, total, totalPages } = paginate(records, page, size);
      return { data: slice, total, page, page_size: size, total_pages: totalPages };
    }),
  ];
}
