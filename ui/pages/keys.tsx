// Keys: list and search, create (the key shown once, with a copy button), edit limits, block,
// regenerate, delete: LiteLLM's /key/* routes.
import { useState } from 'preact/hooks';
import { get, post } from '../api.ts';
import { amount, Card, ErrorBox, Field, list, money, Table, text, useAction, useLoad } from '../components.tsx';

export interface KeyRecord {
  token: string;
  key_alias: string | null;
  key_name: string;
  user_id: string | null;
  team_id: string | null;
  models: string[];
  spend: number;
  max_budget: number | null;
  blocked?: boolean | null;
  expires: string | null;
}

export function listKeys(): Promise<KeyRecord[]> {
  return get<{ keys: KeyRecord[] }>('/key/list', { return_full_object: 'true', size: '100' }).then((answer) => answer.keys);
}

/** A raw key, shown once after it is made; the page forgets it when left. */
function NewKey({ value, onDone }: { value: string; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  return (
    <div class="new-key" role="status">
      <p>Copy this key now: it is not shown again.</p>
      <code data-testid="new-key">{value}</code>
      <button type="button" onClick={() => navigator.clipboard.writeText(value).then(() => setCopied(true))}>
        {copied ? 'Copied' : 'Copy'}
      </button>
      <button type="button" onClick={onDone}>
        Done
      </button>
    </div>
  );
}

/** `focus`: a key named by its hash (a link from elsewhere, `/ui/keys?key=<hash>`), to act on whether or not it is listed. */
export function KeysPage({ focus }: { focus?: string }) {
  const keys = useLoad(listKeys);
  const [search, setSearch] = useState('');
  const [form, setForm] = useState({ alias: '', models: '', budget: '', user: '', team: '' });
  const [shown, setShown] = useState<string>();
  const [editing, setEditing] = useState<KeyRecord>();
  const action = useAction();
  const set = (field: keyof typeof form) => (value: string) => setForm({ ...form, [field]: value });
  const create = () =>
    action.run(async () => {
      const made = await post<{ key: string }>('/key/generate', {
        key_alias: form.alias || undefined,
        models: list(form.models),
        max_budget: amount(form.budget),
        user_id: form.user || undefined,
        team_id: form.team || undefined,
      });
      setShown(made.key);
      setForm({ alias: '', models: '', budget: '', user: '', team: '' });
      keys.reload();
    });
  const change = (path: string, body: unknown) =>
    action.run(async () => {
      const answer = await post<{ key?: string }>(path, body);
      if (path === '/key/regenerate' && answer.key) setShown(answer.key);
      keys.reload();
    });
  const needle = search.toLowerCase();
  const rows = keys.data?.filter((key) => !needle || [key.key_alias, key.key_name, key.user_id, key.team_id].some((value) => value?.toLowerCase().includes(needle)));
  return (
    <div>
      <h2>Keys</h2>
      {shown && <NewKey value={shown} onDone={() => setShown(undefined)} />}
      <Card title="Create a key">
        <form
          class="inline"
          onSubmit={(event) => {
            event.preventDefault();
            void create();
          }}
        >
          <Field label="Alias" value={form.alias} onInput={set('alias')} />
          <Field label="Models" value={form.models} onInput={set('models')} placeholder="all" />
          <Field label="Max budget ($)" value={form.budget} onInput={set('budget')} />
          <Field label="User id" value={form.user} onInput={set('user')} />
          <Field label="Team id" value={form.team} onInput={set('team')} />
          <button type="submit" disabled={action.busy}>
            Create key
          </button>
        </form>
      </Card>
      <ErrorBox error={action.error ?? keys.error} />
      {focus && (
        <Card title={`Key ${focus.slice(0, 12)}…`}>
          <span class="actions">
            <button type="button" onClick={() => change('/key/block', { key: focus })}>
              Block
            </button>
            <button type="button" onClick={() => change('/key/unblock', { key: focus })}>
              Unblock
            </button>
          </span>
        </Card>
      )}
      {editing && <EditKey record={editing} onSave={(body) => change('/key/update', body).then(() => setEditing(undefined))} onCancel={() => setEditing(undefined)} />}
      <Field label="Search keys" value={search} onInput={setSearch} placeholder="alias, user, team" />
      <Table
        rows={rows}
        columns={[
          { title: 'Alias', show: (key) => text(key.key_alias ?? key.key_name) },
          { title: 'Key', show: (key) => <code>{key.key_name}</code> },
          { title: 'User', show: (key) => text(key.user_id) },
          { title: 'Team', show: (key) => text(key.team_id) },
          { title: 'Models', show: (key) => text(key.models.length ? key.models : 'all') },
          { title: 'Spend', show: (key) => money(key.spend) },
          { title: 'Budget', show: (key) => money(key.max_budget) },
          { title: 'State', show: (key) => (key.blocked ? 'blocked' : 'active') },
          {
            title: 'Actions',
            show: (key) => (
              <span class="actions">
                <button type="button" onClick={() => setEditing(key)}>
                  Edit
                </button>
                <button type="button" onClick={() => change(key.blocked ? '/key/unblock' : '/key/block', { key: key.token })}>
                  {key.blocked ? 'Unblock' : 'Block'}
                </button>
                <button type="button" onClick={() => change('/key/regenerate', { key: key.token })}>
                  Regenerate
                </button>
                <button type="button" class="danger" onClick={() => confirm(`Delete key ${key.key_alias ?? key.key_name}?`) && change('/key/delete', { keys: [key.token] })}>
                  Delete
                </button>
              </span>
            ),
          },
        ]}
        empty="No keys yet."
      />
    </div>
  );
}

function EditKey({ record, onSave, onCancel }: { record: KeyRecord; onSave: (body: unknown) => void; onCancel: () => void }) {
  const [form, setForm] = useState({ alias: record.key_alias ?? '', models: record.models.join(', '), budget: record.max_budget?.toString() ?? '' });
  return (
    <Card title={`Edit ${record.key_alias ?? record.key_name}`}>
      <form
        class="inline"
        onSubmit={(event) => {
          event.preventDefault();
          onSave({ key: record.token, key_alias: form.alias || null, models: list(form.models) ?? [], max_budget: amount(form.budget) ?? null });
        }}
      >
        <Field label="Alias" value={form.alias} onInput={(alias) => setForm({ ...form, alias })} />
        <Field label="Models" value={form.models} onInput={(models) => setForm({ ...form, models })} />
        <Field label="Max budget ($)" value={form.budget} onInput={(budget) => setForm({ ...form, budget })} />
        <button type="submit">Save</button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </form>
    </Card>
  );
}
