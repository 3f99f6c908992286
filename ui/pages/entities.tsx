// Teams, users, customers and organizations: one page each over LiteLLM's /team/*, /user/*,
// /customer/* and /organization/* routes, made from a description of each (what it lists, how one
// is made, blocked, deleted, and its members).
import { useState } from 'preact/hooks';
import { del, get, post } from '../api.ts';
import { amount, Card, ErrorBox, Field, money, Table, text, useAction, useLoad } from '../components.tsx';

type Row = Record<string, unknown>;

interface Entity {
  title: string;
  /** The field naming one. */
  id: string;
  list: () => Promise<Row[]>;
  /** The fields the create form asks for: [label, body field]. */
  createFields: Array<[string, string]>;
  create: (body: Row) => Promise<unknown>;
  columns: Array<[string, (row: Row) => string]>;
  block?: (row: Row, blocked: boolean) => Promise<unknown>;
  remove: (id: string) => Promise<unknown>;
  members?: {
    of: (row: Row) => Array<{ user_id?: string; role?: string }>;
    add: (id: string, userId: string, role: string) => Promise<unknown>;
    remove: (id: string, userId: string) => Promise<unknown>;
    roles: string[];
  };
}

export const ENTITIES: Record<string, Entity> = {
  teams: {
    title: 'Teams',
    id: 'team_id',
    list: () => get<Row[]>('/team/list'),
    createFields: [
      ['Team alias', 'team_alias'],
      ['Max budget ($)', 'max_budget'],
    ],
    create: (body) => post('/team/new', body),
    columns: [
      ['Team', (row) => text(row['team_alias'] ?? row['team_id'])],
      ['Id', (row) => text(row['team_id'])],
      ['Spend', (row) => money(row['spend'])],
      ['Budget', (row) => money(row['max_budget'])],
      ['State', (row) => (row['blocked'] ? 'blocked' : 'active')],
    ],
    block: (row, blocked) => post(blocked ? '/team/block' : '/team/unblock', { team_id: row['team_id'] }),
    remove: (id) => post('/team/delete', { team_ids: [id] }),
    members: {
      of: (row) => (row['members_with_roles'] as Array<{ user_id?: string; role?: string }>) ?? [],
      add: (id, userId, role) => post('/team/member_add', { team_id: id, member: { user_id: userId, role } }),
      remove: (id, userId) => post('/team/member_delete', { team_id: id, user_id: userId }),
      roles: ['user', 'admin'],
    },
  },
  users: {
    title: 'Users',
    id: 'user_id',
    list: () => get<{ users: Row[] }>('/user/list', { page_size: '100' }).then((answer) => answer.users),
    createFields: [
      ['User id', 'user_id'],
      ['Email', 'user_email'],
      ['Role', 'user_role'],
      ['Max budget ($)', 'max_budget'],
    ],
    create: (body) => post('/user/new', body),
    columns: [
      ['User', (row) => text(row['user_id'])],
      ['Email', (row) => text(row['user_email'])],
      ['Role', (row) => text(row['user_role'])],
      ['Spend', (row) => money(row['spend'])],
      ['Budget', (row) => money(row['max_budget'])],
    ],
    remove: (id) => post('/user/delete', { user_ids: [id] }),
  },
  customers: {
    title: 'Customers',
    id: 'user_id',
    list: () => get<Row[]>('/customer/list'),
    createFields: [
      ['Customer id', 'user_id'],
      ['Max budget ($)', 'max_budget'],
    ],
    create: (body) => post('/customer/new', body),
    columns: [
      ['Customer', (row) => text(row['user_id'])],
      ['Spend', (row) => money(row['spend'])],
      ['Budget', (row) => money(row['max_budget'])],
      ['State', (row) => (row['blocked'] ? 'blocked' : 'active')],
    ],
    block: (row, blocked) => post(blocked ? '/customer/block' : '/customer/unblock', { user_ids: [row['user_id']] }),
    remove: (id) => post('/customer/delete', { user_ids: [id] }),
  },
  organizations: {
    title: 'Organizations',
    id: 'organization_id',
    list: () => get<Row[]>('/organization/list'),
    createFields: [
      ['Organization alias', 'organization_alias'],
      ['Max budget ($)', 'max_budget'],
    ],
    create: (body) => post('/organization/new', body),
    columns: [
      ['Organization', (row) => text(row['organization_alias'])],
      ['Id', (row) => text(row['organization_id'])],
      ['Spend', (row) => money(row['spend'])],
      ['Budget', (row) => money(row['max_budget'])],
    ],
    remove: (id) => del('/organization/delete', { organization_ids: [id] }),
    members: {
      of: (row) => (row['members'] as Array<{ user_id?: string; user_role?: string; role?: string }>)?.map((m) => ({ user_id: m.user_id, role: m.user_role ?? m.role })) ?? [],
      add: (id, userId, role) => post('/organization/member_add', { organization_id: id, member: [{ user_id: userId, role }] }),
      remove: (id, userId) => del('/organization/member_delete', { organization_id: id, user_id: userId }),
      roles: ['org_admin', 'internal_user', 'internal_user_viewer'],
    },
  },
};

export function EntityPage({ kind }: { kind: string }) {
  const entity = ENTITIES[kind]!;
  const rows = useLoad(entity.list, [kind]);
  const [form, setForm] = useState<Record<string, string>>({});
  const [picked, setPicked] = useState<string>();
  const action = useAction();
  const act = (work: () => Promise<unknown>) => action.run(work).then(rows.reload);
  const create = () =>
    act(async () => {
      const body = Object.fromEntries(entity.createFields.map(([, field]) => [field, field === 'max_budget' ? amount(form[field] ?? '') : form[field] || undefined]));
      await entity.create(body);
      setForm({});
    });
  const selected = rows.data?.find((row) => row[entity.id] === picked);
  return (
    <div>
      <h2>{entity.title}</h2>
      <Card title={`Create ${entity.title.toLowerCase().replace(/s$/, '')}`}>
        <form
          class="inline"
          onSubmit={(event) => {
            event.preventDefault();
            void create();
          }}
        >
          {entity.createFields.map(([label, field]) => (
            <Field key={field} label={label} value={form[field] ?? ''} onInput={(value) => setForm({ ...form, [field]: value })} />
          ))}
          <button type="submit">Create</button>
        </form>
      </Card>
      <ErrorBox error={action.error ?? rows.error} />
      <Table
        rows={rows.data}
        onPick={(row) => setPicked(String(row[entity.id]))}
        columns={[
          ...entity.columns.map(([title, show]) => ({ title, show })),
          {
            title: 'Actions',
            show: (row: Row) => (
              <span class="actions">
                {entity.block && (
                  <button type="button" onClick={() => act(() => entity.block!(row, !row['blocked']))}>
                    {row['blocked'] ? 'Unblock' : 'Block'}
                  </button>
                )}
                <button type="button" class="danger" onClick={() => confirm(`Delete ${String(row[entity.id])}?`) && act(() => entity.remove(String(row[entity.id])))}>
                  Delete
                </button>
              </span>
            ),
          },
        ]}
      />
      {selected && entity.members && <Members entity={entity} row={selected} onChange={act} />}
    </div>
  );
}

function Members({ entity, row, onChange }: { entity: Entity; row: Row; onChange: (work: () => Promise<unknown>) => Promise<void> }) {
  const members = entity.members!;
  const id = String(row[entity.id]);
  const [userId, setUserId] = useState('');
  const [role, setRole] = useState(members.roles[0]!);
  return (
    <Card title={`Members of ${id}`}>
      <Table
        rows={members.of(row)}
        empty="No members."
        columns={[
          { title: 'User', show: (member) => text(member.user_id) },
          { title: 'Role', show: (member) => text(member.role) },
          {
            title: '',
            show: (member) => (
              <button type="button" onClick={() => onChange(() => members.remove(id, member.user_id!))}>
                Remove
              </button>
            ),
          },
        ]}
      />
      <form
        class="inline"
        onSubmit={(event) => {
          event.preventDefault();
          void onChange(() => members.add(id, userId, role)).then(() => setUserId(''));
        }}
      >
        <Field label="Member user id" value={userId} onInput={setUserId} />
        <label>
          <span>Role</span>
          <select value={role} onChange={(event) => setRole((event.target as HTMLSelectElement).value)}>
            {members.roles.map((name) => (
              <option key={name}>{name}</option>
            ))}
          </select>
        </label>
        <button type="submit">Add member</button>
      </form>
    </Card>
  );
}
