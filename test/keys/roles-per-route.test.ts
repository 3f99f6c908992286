// Every admin route the gateway serves, called over HTTP as each of LiteLLM's roles, through the key of a
// user with that role (as LiteLLM's e2e tests do): allowed (200 on what is the caller's own) or refused
// with LiteLLM's status (401 "Only proxy admin can ...", 403 for the read-only admin's writes and for
// what a route finds is not the caller's). The routes come from the route table: a new admin route
// without a row here fails the first test. The rules are shared/keys/roles.ts (which role may call a
// route) and shared/keys/caller-scope.ts (what of others' the route lets it touch).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedDynamo } from '../../local/embedded-dynamodb.ts';
import { gatewayRoutes } from '../../shared/app.ts';
import { recordingLog, testConfig } from '../helpers/gateway.ts';
import { CONFIG, chat, startDynamo, startKeysGateway, type KeysGateway } from '../helpers/identity.ts';
import { ADMIN_API } from '../../shared/admin-api.ts';

const ROLES = ['proxy_admin', 'proxy_admin_viewer', 'internal_user', 'internal_user_viewer', 'team_admin', 'team_user'] as const;
type Role = (typeof ROLES)[number];

/** The team whose admin and member the team roles are. */
const TEAM = 'roles-team';

interface Caller {
  role: Role;
  userId: string;
  key: string;
}

interface Call {
  path: string;
  body?: unknown;
}

/** How a route is called as one caller (making, with the master key, whatever the call changes), and what each role gets. */
interface Case {
  call(caller: Caller): Promise<Call>;
  expect: Record<Role, number>;
}

let dynamo: EmbeddedDynamo;
let gw: KeysGateway;
const callers = {} as Record<Role, Caller>;
let made = 0;
const fresh = (what: string) => `${what}-${++made}`;

/** A master-key call that must succeed; its body. */
async function master(method: string, path: string, body?: unknown): Promise<any> {
  const answer = await gw.call(method, path, body);
  expect(answer.status, `${method} ${path} ${JSON.stringify(answer.body)}`).toBe(200);
  return answer.body;
}

/** A key of the caller's own user, made by the master key. */
const ownKey = async (caller: Caller): Promise<string> => (await master('POST', '/key/generate', { user_id: caller.userId })).key;
/** A member of the team, added by the master key, for member_update and member_delete. */
async function teamMember(): Promise<string> {
  const userId = fresh('member');
  await master('POST', '/team/member_add', { team_id: TEAM, member: { user_id: userId, role: 'user' } });
  return userId;
}

// What each role gets, by kind of route.
const everyone = { proxy_admin: 200, proxy_admin_viewer: 200, internal_user: 200, internal_user_viewer: 200, team_admin: 200, team_user: 200 };
/** The proxy admin's changes: the read-only admin gets LiteLLM's 403, everyone else its 401. */
const adminChange = { proxy_admin: 200, proxy_admin_viewer: 403, internal_user: 401, internal_user_viewer: 401, team_admin: 401, team_user: 401 };
/** Reads of everything: both admins. */
const adminRead = { ...adminChange, proxy_admin_viewer: 200 };
/** An internal user's own keys (LiteLLM's key_management_routes): not the viewers'. */
const ownKeyChange = { proxy_admin: 200, proxy_admin_viewer: 403, internal_user: 200, internal_user_viewer: 401, team_admin: 200, team_user: 200 };
/** Changes to the team, for its admins; the route refuses everyone else with a 403. */
const teamAdminChange = { proxy_admin: 200, proxy_admin_viewer: 403, internal_user: 403, internal_user_viewer: 403, team_admin: 200, team_user: 403 };

const CASES: Record<string, Case> = {
  'POST /key/generate': { call: async () => ({ path: '/key/generate', body: {} }), expect: ownKeyChange },
  'POST /key/update': { call: async (c) => ({ path: '/key/update', body: { key: await ownKey(c), metadata: { by: c.role } } }), expect: ownKeyChange },
  'GET /key/info': { call: async () => ({ path: '/key/info' }), expect: everyone },
  'POST /key/info': { call: async (c) => ({ path: '/key/info', body: { key: c.key } }), expect: everyone },
  'GET /key/list': { call: async () => ({ path: '/key/list' }), expect: everyone },
  'POST /key/delete': { call: async (c) => ({ path: '/key/delete', body: { keys: [await ownKey(c)] } }), expect: ownKeyChange },
  'POST /key/{key}/regenerate': { call: async (c) => ({ path: `/key/${await ownKey(c)}/regenerate`, body: {} }), expect: ownKeyChange },
  'POST /key/block': { call: async (c) => ({ path: '/key/block', body: { key: await ownKey(c) } }), expect: ownKeyChange },
  'POST /key/unblock': { call: async (c) => ({ path: '/key/unblock', body: { key: await ownKey(c) } }), expect: ownKeyChange },

  'POST /team/new': { call: async () => ({ path: '/team/new', body: { team_id: fresh('team') } }), expect: adminChange },
  'POST /team/update': { call: async (c) => ({ path: '/team/update', body: { team_id: TEAM, team_alias: `named by ${c.role}` } }), expect: teamAdminChange },
  'POST /team/block': { call: async () => ({ path: '/team/block', body: { team_id: (await master('POST', '/team/new', {})).team_id } }), expect: adminChange },
  'POST /team/unblock': { call: async () => ({ path: '/team/unblock', body: { team_id: (await master('POST', '/team/new', {})).team_id } }), expect: adminChange },
  'POST /team/delete': { call: async () => ({ path: '/team/delete', body: { team_ids: [(await master('POST', '/team/new', {})).team_id] } }), expect: adminChange },
  // A team's info is its members' (the two team roles) and the admins'.
  'GET /team/info': { call: async () => ({ path: `/team/info?team_id=${TEAM}` }), expect: { ...everyone, internal_user: 403, internal_user_viewer: 403 } },
  'GET /team/list': { call: async () => ({ path: '/team/list' }), expect: everyone },
  'POST /team/member_add': { call: async () => ({ path: '/team/member_add', body: { team_id: TEAM, member: { user_id: fresh('added'), role: 'user' } } }), expect: teamAdminChange },
  'POST /team/member_update': { call: async () => ({ path: '/team/member_update', body: { team_id: TEAM, user_id: await teamMember(), max_budget_in_team: 1 } }), expect: teamAdminChange },
  'POST /team/member_delete': { call: async () => ({ path: '/team/member_delete', body: { team_id: TEAM, user_id: await teamMember() } }), expect: teamAdminChange },

  'POST /user/new': { call: async () => ({ path: '/user/new', body: { user_id: fresh('user'), auto_create_key: false } }), expect: adminChange },
  'POST /user/update': { call: async (c) => ({ path: '/user/update', body: { user_id: c.userId, user_alias: 'renamed' } }), expect: adminChange },
  'POST /user/delete': { call: async () => ({ path: '/user/delete', body: { user_ids: [(await master('POST', '/user/new', { auto_create_key: false })).user_id] } }), expect: adminChange },
  'GET /user/info': { call: async () => ({ path: '/user/info' }), expect: everyone },
  // LiteLLM lets every key call it and refuses all below the admins in the route: 403.
  'GET /user/list': { call: async () => ({ path: '/user/list' }), expect: { ...everyone, internal_user: 403, internal_user_viewer: 403, team_admin: 403, team_user: 403 } },

  'POST /customer/new': { call: async () => ({ path: '/customer/new', body: { user_id: fresh('customer') } }), expect: adminChange },
  'POST /customer/update': { call: async () => ({ path: '/customer/update', body: { user_id: await customer(), alias: 'renamed' } }), expect: adminChange },
  'POST /customer/delete': { call: async () => ({ path: '/customer/delete', body: { user_ids: [await customer()] } }), expect: adminChange },
  'POST /customer/block': { call: async () => ({ path: '/customer/block', body: { user_ids: [await customer()] } }), expect: adminChange },
  'POST /customer/unblock': { call: async () => ({ path: '/customer/unblock', body: { user_ids: [await customer()] } }), expect: adminChange },
  'GET /customer/info': { call: async () => ({ path: `/customer/info?end_user_id=${await customer()}` }), expect: adminRead },
  'GET /customer/list': { call: async () => ({ path: '/customer/list' }), expect: adminRead },

  'POST /organization/new': { call: async () => ({ path: '/organization/new', body: { organization_alias: fresh('org') } }), expect: adminChange },
  'PATCH /organization/update': { call: async () => ({ path: '/organization/update', body: { organization_id: await organization(), organization_alias: 'renamed' } }), expect: adminChange },
  'DELETE /organization/delete': { call: async () => ({ path: '/organization/delete', body: { organization_ids: [await organization()] } }), expect: adminChange },
  'GET /organization/info': { call: async () => ({ path: `/organization/info?organization_id=${await organization()}` }), expect: adminRead },
  'POST /organization/info': { call: async () => ({ path: '/organization/info', body: { organizations: [await organization()] } }), expect: adminRead },
  'GET /organization/list': { call: async () => ({ path: '/organization/list' }), expect: adminRead },
  'POST /organization/member_add': {
    call: async () => ({ path: '/organization/member_add', body: { organization_id: await organization(), member: { user_id: fresh('org-member'), role: 'internal_user' } } }),
    expect: adminChange,
  },
  'DELETE /organization/member_delete': {
    call: async () => {
      const organization_id = await organization();
      const user_id = fresh('org-member');
      await master('POST', '/organization/member_add', { organization_id, member: { user_id, role: 'internal_user' } });
      return { path: '/organization/member_delete', body: { organization_id, user_id } };
    },
    expect: adminChange,
  },

  'POST /budget/new': { call: async () => ({ path: '/budget/new', body: { budget_id: fresh('budget'), max_budget: 1 } }), expect: adminChange },
  'POST /budget/update': { call: async () => ({ path: '/budget/update', body: { budget_id: await budget(), max_budget: 2 } }), expect: adminChange },
  'POST /budget/info': { call: async () => ({ path: '/budget/info', body: { budgets: [await budget()] } }), expect: adminRead },
  'GET /budget/list': { call: async () => ({ path: '/budget/list' }), expect: adminRead },
  'POST /budget/delete': { call: async () => ({ path: '/budget/delete', body: { id: await budget() } }), expect: adminChange },

  'POST /tag/new': { call: async () => ({ path: '/tag/new', body: { name: fresh('tag') } }), expect: adminChange },
  'POST /tag/update': { call: async () => ({ path: '/tag/update', body: { name: await tag(), description: 'changed' } }), expect: adminChange },
  'POST /tag/info': { call: async () => ({ path: '/tag/info', body: { names: [await tag()] } }), expect: adminRead },
  // LiteLLM's internal users (and so the team roles, internal users here) list tags; their viewers too.
  'GET /tag/list': { call: async () => ({ path: '/tag/list' }), expect: everyone },
  'POST /tag/delete': { call: async () => ({ path: '/tag/delete', body: { name: await tag() } }), expect: adminChange },

  'GET /audit': { call: async () => ({ path: '/audit' }), expect: adminRead },
  'GET /global/spend/report': { call: async () => ({ path: '/global/spend/report' }), expect: adminRead },
  // Spend per tag: an internal user's own user's (LiteLLM's spend_tracking_routes).
  'GET /spend/tags': { call: async () => ({ path: '/spend/tags' }), expect: everyone },
  // Real calls to every deployment: the admins' only (LiteLLM lets any key make them).
  'GET /health': { call: async () => ({ path: '/health' }), expect: adminRead },

  // Daily activity: a user's own (everyone's, for the admins), a team admin's teams', the admins' tags.
  'GET /user/daily/activity': { call: async () => ({ path: `/user/daily/activity?${DAYS}` }), expect: everyone },
  'GET /team/daily/activity': { call: async () => ({ path: `/team/daily/activity?team_ids=${TEAM}&${DAYS}` }), expect: { ...teamAdminChange, proxy_admin_viewer: 200 } },
  'GET /tag/daily/activity': { call: async () => ({ path: `/tag/daily/activity?${DAYS}` }), expect: adminRead },
  'PATCH /organization/member_update': {
    call: async () => {
      const organization_id = await organization();
      const user_id = fresh('org-member');
      await master('POST', '/organization/member_add', { organization_id, member: { user_id, role: 'internal_user' } });
      return { path: '/organization/member_update', body: { organization_id, user_id, role: 'internal_user_viewer' } };
    },
    expect: adminChange,
  },

  // Models managed through the API: the proxy admin's.
  'POST /model/new': { call: async () => ({ path: '/model/new', body: newModel() }), expect: adminChange },
  'POST /model/update': { call: async () => ({ path: '/model/update', body: { model_info: { id: await storedModel() }, litellm_params: { rpm: 10 } } }), expect: adminChange },
  'POST /model/delete': { call: async () => ({ path: '/model/delete', body: { id: await storedModel() } }), expect: adminChange },
  'GET /v2/model/info': { call: async () => ({ path: '/v2/model/info' }), expect: everyone },
  'GET /active/callbacks': { call: async () => ({ path: '/active/callbacks' }), expect: adminRead },
  'GET /config/yaml': { call: async () => ({ path: '/config/yaml' }), expect: adminRead },
  'GET /get/config/callbacks': { call: async () => ({ path: '/get/config/callbacks' }), expect: adminRead },
  'GET /router/settings': { call: async () => ({ path: '/router/settings' }), expect: adminRead },
  // Refused for everyone (the config is part of the deployment): the proxy admin learns why with a 400.
  'POST /config/update': { call: async () => ({ path: '/config/update', body: { general_settings: {} } }), expect: { ...adminChange, proxy_admin: 400 } },

  'GET /cache/ping': { call: async () => ({ path: '/cache/ping' }), expect: adminRead },
  'POST /cache/delete': { call: async () => ({ path: '/cache/delete', body: { keys: ['no-such-entry'] } }), expect: adminChange },
  'POST /cache/flushall': { call: async () => ({ path: '/cache/flushall', body: {} }), expect: adminChange },
};

const customer = async (): Promise<string> => (await master('POST', '/customer/new', { user_id: fresh('customer') })).user_id;
const organization = async (): Promise<string> => (await master('POST', '/organization/new', { organization_alias: fresh('org') })).organization_id;
const budget = async (): Promise<string> => (await master('POST', '/budget/new', { budget_id: fresh('budget'), max_budget: 1 })).budget_id;
/** The days a daily-activity call asks for. */
const DAYS = 'start_date=2026-01-01&end_date=2026-01-31';
const newModel = () => ({ model_name: fresh('model'), litellm_params: { model: 'openai/gpt-4o-mini', api_key: 'sk-stored-model-key' } });
const storedModel = async (): Promise<string> => (await master('POST', '/model/new', newModel())).model_id;
const tag = async (): Promise<string> => (await master('POST', '/tag/new', { name: fresh('tag') })).tag.name;

// The response cache on, so that its routes answer rather than say it is off.
const WITH_CACHE = `${CONFIG}
litellm_settings: { cache: true, cache_params: { type: local } }
`;

/** Every admin route of the gateway, by its first path. */
function adminRoutes() {
  const routes = gatewayRoutes({ config: testConfig(WITH_CACHE), log: recordingLog(), store: gw.store, adminApi: ADMIN_API });
  return routes.filter((route) => route.auth === 'admin').map((route) => ({ method: route.method, name: `${route.method} ${route.paths[0]}` }));
}

beforeAll(async () => {
  dynamo = await startDynamo();
  gw = await startKeysGateway(dynamo.endpoint, { config: WITH_CACHE });
  const userRoles: Record<Role, string> = {
    proxy_admin: 'proxy_admin',
    proxy_admin_viewer: 'proxy_admin_viewer',
    internal_user: 'internal_user',
    internal_user_viewer: 'internal_user_viewer',
    // LiteLLM's team roles belong to internal users.
    team_admin: 'internal_user',
    team_user: 'internal_user',
  };
  for (const role of ROLES) {
    const userId = `as-${role}`;
    callers[role] = { role, userId, key: (await master('POST', '/user/new', { user_id: userId, user_role: userRoles[role] })).key };
  }
  await master('POST', '/team/new', {
    team_id: TEAM,
    members_with_roles: [
      { user_id: callers.team_admin.userId, role: 'admin' },
      { user_id: callers.team_user.userId, role: 'user' },
    ],
  });
}, 60_000);

afterAll(async () => {
  await gw.close();
  await dynamo.close();
});

describe('every admin route as every role', () => {
  it('has a row for every admin route the gateway serves, and none for a route it does not', () => {
    const served = adminRoutes().map((route) => route.name);
    expect(served.filter((name) => !CASES[name])).toEqual([]);
    expect(Object.keys(CASES).filter((name) => !served.includes(name))).toEqual([]);
  });

  for (const role of ROLES) {
    it(`as ${role}`, async () => {
      const caller = callers[role];
      const wrong: string[] = [];
      for (const { method, name } of adminRoutes()) {
        const { path, body } = await CASES[name]!.call(caller);
        const answer = await gw.call(method, path, body, caller.key);
        const expected = CASES[name]!.expect[role];
        if (answer.status !== expected) wrong.push(`${name}: ${answer.status} (expected ${expected}) ${JSON.stringify(answer.body).slice(0, 300)}`);
        // A refusal is OpenAI's error shape, naming the route or what is not the caller's.
        if (answer.status === 401) expect(answer.body.error.message, name).toContain(`Route=${name.split(' ')[1]}. Your role=${caller.role.startsWith('team') ? 'internal_user' : role}.`);
        if (answer.status === 403) expect(answer.body.error).toMatchObject({ type: 'permission_error', code: '403' });
      }
      expect(wrong).toEqual([]);
    }, 120_000);
  }
});

describe('team admins, within their team', () => {
  it("may not raise their team's budget, limits or models", async () => {
    const refused = await gw.call('POST', '/team/update', { team_id: TEAM, max_budget: 1000, models: ['mock'] }, callers.team_admin.key);
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toMatch(/as one of its admins, not (models, max_budget|max_budget, models)\./);
  });

  it("manage their team's keys, whoever's they are; a team member manages only their own", async () => {
    const membersKey = (await master('POST', '/key/generate', { team_id: TEAM, user_id: callers.team_user.userId })).key;
    expect((await gw.call('GET', `/key/info?key=${membersKey}`, undefined, callers.team_admin.key)).status).toBe(200);
    expect((await gw.call('POST', '/key/update', { key: membersKey, metadata: { by: 'admin' } }, callers.team_admin.key)).status).toBe(200);
    const listed = await gw.call('GET', `/key/list?team_id=${TEAM}&size=100`, undefined, callers.team_admin.key);
    expect(listed.body.keys.length).toBeGreaterThan(0);
    const adminsOwn = (await master('POST', '/key/generate', { team_id: TEAM, user_id: callers.team_admin.userId })).key;
    expect((await gw.call('POST', '/key/block', { key: adminsOwn }, callers.team_user.key)).status).toBe(403);
    expect((await gw.call('GET', `/key/info?key=${adminsOwn}`, undefined, callers.team_user.key)).status).toBe(404);
    expect((await gw.call('POST', '/key/delete', { keys: [membersKey] }, callers.team_admin.key)).status).toBe(200);
  });

  it("are not admins of another team's keys", async () => {
    await master('POST', '/team/new', { team_id: 'not-theirs' });
    const other = (await master('POST', '/key/generate', { team_id: 'not-theirs' })).key;
    expect((await gw.call('POST', '/key/update', { key: other, metadata: {} }, callers.team_admin.key)).status).toBe(403);
    expect((await gw.call('POST', '/team/member_add', { team_id: 'not-theirs', member: { user_id: 'x', role: 'user' } }, callers.team_admin.key)).status).toBe(403);
  });
});

describe('internal users see their own spend', () => {
  it("/spend/tags counts an internal user's own requests only; the read-only admin sees everyone's", async () => {
    const tagged = async (key: string, tag: string) => expect((await gw.call('POST', '/v1/chat/completions', chat('mock', { metadata: { tags: [tag] } }), key)).status).toBe(200);
    await tagged(callers.internal_user.key, 'own-tag');
    await tagged(callers.team_user.key, 'someone-elses-tag');
    const tagsOf = async (key: string) => ((await gw.call('GET', '/spend/tags', undefined, key)).body as Array<{ individual_request_tag: string }>).map((row) => row.individual_request_tag);
    expect(await tagsOf(callers.internal_user.key)).toEqual(['own-tag']);
    expect(await tagsOf(callers.proxy_admin_viewer.key)).toEqual(expect.arrayContaining(['own-tag', 'someone-elses-tag']));
  });
});
