// LiteLLM's roles over HTTP, as its e2e tests drive a proxy (tests/test_keys.py, test_users.py,
// test_team.py): which role may call which admin route (shared/keys/roles.ts), and within a route,
// what is the caller's own (shared/keys/caller-scope.ts), with LiteLLM's statuses.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedDynamo } from '../../local/embedded-dynamodb.ts';
import { gatewayRoutes } from '../../shared/app.ts';
import { ROUTE_GRANTS } from '../../shared/keys/roles.ts';
import { recordingLog, testConfig } from '../helpers/gateway.ts';
import { CONFIG, startDynamo, startKeysGateway, type KeysGateway } from '../helpers/identity.ts';
import { ADMIN_API } from '../../shared/admin-api.ts';

let dynamo: EmbeddedDynamo;
let gw: KeysGateway;

beforeAll(async () => {
  dynamo = await startDynamo();
  gw = await startKeysGateway(dynamo.endpoint);
});
afterAll(async () => {
  await gw.close();
  await dynamo.close();
});

/** A user with `role` and the key /user/new makes for them. */
async function userWithKey(userId: string, role: string): Promise<string> {
  const made = await gw.call('POST', '/user/new', { user_id: userId, user_role: role });
  expect(made.status).toBe(200);
  return made.body.key;
}

const ONLY_ADMIN = 'Only proxy admin can be used to generate, delete, update info for new keys/users/teams.';

describe('proxy_admin', () => {
  it("a proxy_admin user's key is an admin: it makes teams and users and reads everything", async () => {
    const key = await userWithKey('role-admin', 'proxy_admin');
    expect((await gw.call('POST', '/team/new', { team_id: 'made-by-admin-user' }, key)).status).toBe(200);
    expect((await gw.call('POST', '/user/new', { user_id: 'made-by-admin-user' }, key)).status).toBe(200);
    expect((await gw.call('GET', '/user/info?user_id=made-by-admin-user', undefined, key)).status).toBe(200);
    expect((await gw.call('GET', '/audit', undefined, key)).status).toBe(200);
  });
});

describe('internal_user', () => {
  let alice: string;
  let bobsKey: { key: string; token: string };

  beforeAll(async () => {
    alice = await userWithKey('alice-iu', 'internal_user');
    await userWithKey('bob-iu', 'internal_user');
    bobsKey = (await gw.call('POST', '/key/generate', { user_id: 'bob-iu' })).body;
  });

  it('generates keys for themselves (the key is theirs), not for another user', async () => {
    const made = await gw.call('POST', '/key/generate', { key_alias: 'alice-own', models: ['mock'] }, alice);
    expect(made.status).toBe(200);
    expect(made.body.user_id).toBe('alice-iu');
    const forBob = await gw.call('POST', '/key/generate', { user_id: 'bob-iu' }, alice);
    expect(forBob.status).toBe(403);
    expect(forBob.body.error.type).toBe('permission_error');
  });

  it('reads its own keys and user info; another user key is not found, another user is forbidden', async () => {
    const own = (await gw.call('POST', '/key/generate', {}, alice)).body;
    expect((await gw.call('GET', `/key/info?key=${own.key}`, undefined, alice)).status).toBe(200);
    const other = await gw.call('GET', `/key/info?key=${bobsKey.key}`, undefined, alice);
    expect(other.status).toBe(404);
    expect((await gw.call('GET', '/user/info?user_id=alice-iu', undefined, alice)).body.user_id).toBe('alice-iu');
    expect((await gw.call('GET', '/user/info', undefined, alice)).body.user_id).toBe('alice-iu');
    expect((await gw.call('GET', '/user/info?user_id=bob-iu', undefined, alice)).status).toBe(403);
  });

  it('lists, updates and deletes only its own keys', async () => {
    const own = (await gw.call('POST', '/key/generate', { key_alias: 'alice-del' }, alice)).body;
    const listed = await gw.call('GET', '/key/list?size=100', undefined, alice);
    expect(listed.body.keys).toContain(own.token);
    expect(listed.body.keys).not.toContain(bobsKey.token);
    expect((await gw.call('POST', '/key/update', { key: own.key, metadata: { mine: true } }, alice)).status).toBe(200);
    expect((await gw.call('POST', '/key/update', { key: bobsKey.key, metadata: {} }, alice)).status).toBe(403);
    expect((await gw.call('POST', '/key/block', { key: bobsKey.key }, alice)).status).toBe(403);
    expect((await gw.call('POST', '/key/delete', { keys: [bobsKey.key] }, alice)).status).toBe(403);
    expect((await gw.call('POST', '/key/delete', { key_aliases: ['alice-del'] }, alice)).body).toEqual({ deleted_keys: ['alice-del'] });
    // Bob's key still works.
    expect((await gw.call('GET', '/key/info', undefined, bobsKey.key)).status).toBe(200);
  });

  it("gets LiteLLM's 401 naming the route and its role on the proxy admin's routes", async () => {
    for (const [method, path, body] of [
      ['POST', '/team/new', {}],
      ['POST', '/user/new', {}],
      ['POST', '/customer/new', { user_id: 'c' }],
      ['GET', '/audit', undefined],
    ] as const) {
      const refused = await gw.call(method, path, body, alice);
      expect(refused.status, path).toBe(401);
      expect(refused.body.error).toMatchObject({ type: 'auth_error', code: '401' });
      expect(refused.body.error.message).toContain(`${ONLY_ADMIN} Route=${path}. Your role=internal_user.`);
    }
    // LiteLLM lets any key call /user/list, and refuses everyone below the admins in the route.
    expect((await gw.call('GET', '/user/list', undefined, alice)).status).toBe(403);
  });
});

describe('teams', () => {
  it("a team's own key reads its team info; another team's is forbidden", async () => {
    await gw.call('POST', '/team/new', { team_id: 'own-team' });
    await gw.call('POST', '/team/new', { team_id: 'other-team' });
    const teamKey = (await gw.call('POST', '/key/generate', { team_id: 'own-team' })).body.key;
    const own = await gw.call('GET', '/team/info?team_id=own-team', undefined, teamKey);
    expect(own.status).toBe(200);
    expect(own.body.team_id).toBe('own-team');
    expect((await gw.call('GET', '/team/info', undefined, teamKey)).body.team_id).toBe('own-team');
    expect((await gw.call('GET', '/team/info?team_id=other-team', undefined, teamKey)).status).toBe(403);
    expect((await gw.call('GET', '/team/list', undefined, teamKey)).body.map((team: { team_id: string }) => team.team_id)).toEqual(['own-team']);
  });

  it("a team's admins manage its members and make its keys; its other members may not", async () => {
    const admin = await userWithKey('team-admin-u', 'internal_user');
    const member = await userWithKey('team-member-u', 'internal_user');
    await gw.call('POST', '/team/new', {
      team_id: 'managed',
      members_with_roles: [
        { user_id: 'team-admin-u', role: 'admin' },
        { user_id: 'team-member-u', role: 'user' },
      ],
    });
    await gw.call('POST', '/user/new', { user_id: 'newcomer', auto_create_key: false });
    expect((await gw.call('POST', '/team/member_add', { team_id: 'managed', member: { user_id: 'newcomer', role: 'user' } }, admin)).status).toBe(200);
    expect((await gw.call('POST', '/team/member_delete', { team_id: 'managed', user_id: 'newcomer' }, member)).status).toBe(403);
    expect((await gw.call('POST', '/team/member_delete', { team_id: 'managed', user_id: 'newcomer' }, admin)).status).toBe(200);
    expect((await gw.call('POST', '/key/generate', { team_id: 'managed' }, admin)).body.team_id).toBe('managed');
    expect((await gw.call('POST', '/key/generate', { team_id: 'managed' }, member)).status).toBe(403);
    // A member reads the team it is in.
    expect((await gw.call('GET', '/team/info?team_id=managed', undefined, member)).status).toBe(200);
  });
});

describe('viewers', () => {
  it('a proxy_admin_viewer reads everything and changes nothing', async () => {
    const viewer = await userWithKey('viewer-u', 'proxy_admin_viewer');
    const someone = (await gw.call('POST', '/key/generate', { key_alias: 'seen-by-viewer' })).body;
    expect((await gw.call('GET', '/user/list', undefined, viewer)).status).toBe(200);
    expect((await gw.call('GET', `/key/info?key=${someone.key}`, undefined, viewer)).status).toBe(200);
    expect((await gw.call('GET', '/key/list?key_alias=seen-by-viewer', undefined, viewer)).body.keys).toEqual([someone.token]);
    expect((await gw.call('GET', '/audit', undefined, viewer)).status).toBe(200);
    // LiteLLM's 403 for the read-only admin's writes.
    const refused = await gw.call('POST', '/key/generate', {}, viewer);
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toContain('user not allowed to access this route, role= proxy_admin_viewer. Trying to access: /key/generate.');
    expect((await gw.call('POST', '/team/new', {}, viewer)).status).toBe(403);
  });

  it('an internal_user_viewer reads its own info and may not generate keys', async () => {
    const viewer = await userWithKey('iu-viewer', 'internal_user_viewer');
    expect((await gw.call('GET', '/user/info', undefined, viewer)).body.user_id).toBe('iu-viewer');
    expect((await gw.call('POST', '/key/generate', {}, viewer)).status).toBe(401);
  });
});

describe('the table', () => {
  it('names only routes the gateway serves', () => {
    const routes = gatewayRoutes({ config: testConfig(CONFIG), log: recordingLog(), store: gw.store, adminApi: ADMIN_API });
    const served = new Set(routes.flatMap((route) => route.paths.map((path) => `${route.method} ${path}`)));
    expect(Object.keys(ROUTE_GRANTS).filter((row) => !served.has(row))).toEqual([]);
  });
});
