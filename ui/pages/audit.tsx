// The audit log (GET /audit): every admin change, who made it (a key, the master key, or `ui:` and
// whoever was signed in to the UI), before and after.
import { useState } from 'preact/hooks';
import { get } from '../api.ts';
import { ErrorBox, Field, Table, text, useLoad } from '../components.tsx';

interface AuditRecord {
  id: string;
  created_at: string;
  changed_by: string;
  action: string;
  table_name: string;
  object_id: string;
  updated_values: unknown;
}

export function AuditPage() {
  const [changedBy, setChangedBy] = useState('');
  const [table, setTable] = useState('');
  const [open, setOpen] = useState<AuditRecord>();
  const audit = useLoad(() => get<{ data: AuditRecord[] }>('/audit', { changed_by: changedBy, table_name: table, page_size: '100' }), [changedBy, table]);
  return (
    <div>
      <h2>Audit log</h2>
      <div class="inline">
        <Field label="Changed by" value={changedBy} onInput={setChangedBy} />
        <Field label="Table" value={table} onInput={setTable} placeholder="LiteLLM_VerificationToken" />
      </div>
      <ErrorBox error={audit.error} />
      {open && <pre>{JSON.stringify(open, null, 2)}</pre>}
      <Table
        rows={audit.data?.data}
        onPick={setOpen}
        columns={[
          { title: 'When', show: (record) => record.created_at.replace('T', ' ').slice(0, 19) },
          { title: 'Changed by', show: (record) => text(record.changed_by) },
          { title: 'Action', show: (record) => text(record.action) },
          { title: 'Table', show: (record) => text(record.table_name) },
          { title: 'Object', show: (record) => text(record.object_id) },
        ]}
      />
    </div>
  );
}
