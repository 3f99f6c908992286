// GET /audit (also LiteLLM's /audit/logs): the audit trail of admin changes, newest first, a page at
// a time (master key). The records are written by the keys service (shared/keys/audit-trail.ts).
import type { Route } from '../../core/types.ts';
import type { AuditTrail } from '../../keys/audit-trail.ts';
import { adminRoute, pageParams, paginate } from './admin-route.ts';

export function auditRoutes(audit: AuditTrail): Route[] {
  return [
    adminRoute('GET', ['/audit', '/audit/logs'], async (request) => {
      const { page, size } = pageParams(request.query, 'page_size', 50, 500);
      const { object_id, table_name, action, changed_by } = request.query;
      const { slice, total, totalPages } = paginate(await audit.list({ object_id, table_name, action, changed_by }), page, size);
      return { data: slice, total, page, page_size: size, total_pages: totalPages };
    }),
  ];
}
