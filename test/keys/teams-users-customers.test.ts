// LiteLLM's team, user and customer routes against dynalite.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedDynamo } from '../../local/embedded-dynamodb.ts';
import { itemKeys } from '../../shared/store/table.ts';
import { chat, startDynamo, startKeysGateway, type KeysGateway } from '../helpers/identity.ts';

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

describe('teams', () => {
  it('new, update, info, list, with LiteLLM shapes', async () => {
    const made = await gw.call('POST', '/team/new', { team_alias: 'Search', models: ['mock'], max_budget: 20, metadata: { cost_center: 7 } });
    expect(made.status).toBe(200);
    const teamId = made.body.team_id;
    expect(teamId).toMatch(/^[0-9a-f-]{36}$/);
    expect(made.body).toMatchObject({ team_alias: 'Search', models: ['mock'], max_budget: 20, blocked: false, spend: 0 });
    // As in LiteLLM, the master key's user (`default_user_id`) is an admin of the teams it creates.
    expect(made.body.members_with_roles).toEqual([{ role: 'admin', user_id: 'default_user_id', user_email: null }]);
    expect(made.body.warnings).toBeUndefined(); // a team's max_budget is enforced
    const updated = await gw.call('POST', '/team/update', { team_id: teamId, models: ['mock', 'mock-b'] });
    expect(updated.body).toMatchObject({ team_alias: 'Search', models: ['mock', 'mock-b'] });
    // LiteLLM's shape: {team_id, data: the team}.
    expect(updated.body).toMatchObject({ team_id: teamId, data: { team_id: teamId, team_alias: 'Search', models: ['mock', 'mock-b'] } });
    const { body: key } = await gw.call('POST', '/key/generate', { team_id: teamId });
    const info = await gw.call('GET', `/team/info?team_id=${teamId}`);
    expect(info.body).toMatchObject({ team_id: teamId, team_info: { team_alias: 'Search' }, keys: [expect.objectContaining({ token: key.token })] });
    const list = await gw.call('GET', '/team/list');
    expect(list.body.map((t: any) => t.team_id)).toContain(teamId);
    expect((await gw.call('POST', '/team/new', { team_id: teamId })).status).toBe(400);
    expect((await gw.call('POST', '/team/update', { team_id: 'no-team', models: [] })).status).toBe(404);
    expect((await gw.call('GET', '/team/info')).status).toBe(400);
    expect((await gw.call('POST', '/team/new', { models: 'all' })).body.error.param).toBe('models');
    expect((await gw.call('POST', '/team/new', { team_colour: 'red' })).body.error.param).toBe('team_colour');
  });

  it('member_add and member_delete keep the team and the users in step', async () => {
    await gw.call('POST', '/team/new', { team_id: 'members' });
    const added = await gw.call('POST', '/team/member_add', {
      team_id: 'members',
      member: [
        { role: 'admin', user_id: 'u-1' },
        { role: 'user', user_id: 'u-2', user_email: 'u2@example.com' },
      ],
    });
    expect(added.status).toBe(200);
    expect(added.body.members_with_roles).toEqual([
      { role: 'admin', user_id: 'default_user_id', user_email: null },
      { role: 'admin', user_id: 'u-1', user_email: null },
      { role: 'user', user_id: 'u-2', user_email: 'u2@example.com' },
    ]);
    expect((await gw.call('GET', '/user/info?user_id=u-2')).body.user_info.teams).toEqual(['members']);
    expect((await gw.call('GET', '/team/list?user_id=u-1')).body.map((t: any) => t.team_id)).toEqual(['members']);
    const removed = await gw.call('POST', '/team/member_delete', { team_id: 'members', user_id: 'u-2' });
    expect(removed.body.members_with_roles).toEqual([
      { role: 'admin', user_id: 'default_user_id', user_email: null },
      { role: 'admin', user_id: 'u-1', user_email: null },
    ]);
    expect((await gw.call('GET', '/user/info?user_id=u-2')).body.user_info.teams).toEqual([]);
    // LiteLLM's answers: 400 for removing a non-member, and for adding a member twice.
    const notMember = await gw.call('POST', '/team/member_delete', { team_id: 'members', user_id: 'u-9' });
    expect(notMember.status).toBe(400);
    expect(notMember.body.error.message).toContain('User not found in team');
    const twice = await gw.call('POST', '/team/member_add', { team_id: 'members', member: [{ role: 'user', user_id: 'u-1' }] });
    expect(twice.status).toBe(400);
    expect(twice.body.error.message).toContain('u-1 is already a member');
    // A member named by email is the user with that email: the user's teams list the team.
    const { body: erin } = await gw.call('POST', '/user/new', { user_email: 'erin@example.com', auto_create_key: false });
    const byEmail = await gw.call('POST', '/team/member_add', { team_id: 'members', member: { role: 'user', user_email: 'erin@example.com' } });
    expect(byEmail.body.members_with_roles).toContainEqual({ role: 'user', user_id: erin.user_id, user_email: 'erin@example.com' });
    expect((await gw.call('GET', `/user/info?user_id=${erin.user_id}`)).body.user_info.teams).toEqual(['members']);
    // An email no user has makes a user with it, as LiteLLM does.
    const fresh = await gw.call('POST', '/team/member_add', { team_id: 'members', member: { role: 'user', user_email: 'new@example.com' } });
    const newcomer = fresh.body.members_with_roles.find((m: any) => m.user_email === 'new@example.com');
    expect((await gw.call('GET', `/user/info?user_id=${newcomer.user_id}`)).body.user_info).toMatchObject({ user_email: 'new@example.com', teams: ['members'] });
    expect((await gw.call('POST', '/team/member_add', { team_id: 'members', member: { role: 'owner', user_id: 'x' } })).body.error.param).toBe('member.role');
  });

  it("delete removes the team's keys first, then the team", async () => {
    await gw.call('POST', '/team/new', { team_id: 'doomed' });
    const { body: key } = await gw.call('POST', '/key/generate', { team_id: 'doomed', key_alias: 'doomed-key' });
    expect((await gw.call('POST', '/v1/chat/completions', chat('mock'), key.key)).status).toBe(200);
    expect((await gw.call('POST', '/team/delete', { team_ids: ['doomed'] })).body).toEqual({ deleted_teams: ['doomed'] });
    expect(await gw.store.get(itemKeys.key(key.token))).toBeUndefined();
    expect(await gw.store.get(itemKeys.alias('doomed-key'))).toBeUndefined();
    expect((await gw.call('POST', '/v1/chat/completions', chat('mock'), key.key)).status).toBe(401);
    expect((await gw.call('POST', '/team/delete', { team_ids: ['doomed'] })).status).toBe(404);
  });
});

describe('users', () => {
  it('/user/new makes the user and a key for them, as LiteLLM does', async () => {
    const { status, body } = await gw.call('POST', '/user/new', { user_id: 'alice', user_email: 'alice@example.com', models: ['mock-b'], user_role: 'internal_user' });
    expect(status).toBe(200);
    expect(body).toMatchObject({ user_id: 'alice', user_email: 'alice@example.com', user_role: 'internal_user', models: ['mock-b'] });
    expect(body.key).toMatch(/^sk-/);
    expect((await gw.call('POST', '/v1/chat/completions', chat('mock-b'), body.key)).status).toBe(200);
    expect((await gw.call('POST', '/v1/chat/completions', chat('mock'), body.key)).status).toBe(401);
    const info = await gw.call('GET', '/user/info?user_id=alice');
    expect(info.body).toMatchObject({ user_id: 'alice', user_info: { user_email: 'alice@example.com' }, keys: [expect.objectContaining({ user_id: 'alice' })], teams: [] });
    const noKey = await gw.call('POST', '/user/new', { user_id: 'bob', auto_create_key: false });
    expect(noKey.body.key).toBeUndefined();
    expect((await gw.call('POST', '/user/new', { user_id: 'bob' })).status).toBe(400);
    expect((await gw.call('POST', '/user/new', { user_role: 'root' })).body.error.param).toBe('user_role');
    // A key alias that is taken fails the whole request: no user is left behind.
    await gw.call('POST', '/key/generate', { key_alias: 'taken-alias' });
    const clash = await gw.call('POST', '/user/new', { user_id: 'dave', key_alias: 'taken-alias' });
    expect(clash.status).toBe(400);
    expect((await gw.call('GET', '/user/info?user_id=dave')).status).toBe(404);
  });

  it('/user/new with team_id or teams makes the user a member of each team, as LiteLLM does', async () => {
    await gw.call('POST', '/team/new', { team_id: 'joined-by-id' });
    await gw.call('POST', '/team/new', { team_id: 'joined-by-list', members_with_roles: [{ user_email: 'erin@example.com', role: 'admin' }] });
    const made = await gw.call('POST', '/user/new', { user_id: 'erin', user_email: 'erin@example.com', team_id: 'joined-by-id', teams: ['joined-by-list'] });
    expect(made.status, JSON.stringify(made.body)).toBe(200);
    expect(made.body).toMatchObject({ team_id: 'joined-by-id', teams: ['joined-by-list', 'joined-by-id'] });
    const byId = (await gw.call('GET', '/team/info?team_id=joined-by-id')).body.team_info;
    expect(byId.members_with_roles).toContainEqual({ user_id: 'erin', user_email: 'erin@example.com', role: 'user' });
    // Already a member (by email, as an admin): left as they were, not added twice.
    const byList = (await gw.call('GET', '/team/info?team_id=joined-by-list')).body.team_info;
    expect(byList.members_with_roles.filter((m: { user_email: string }) => m.user_email === 'erin@example.com')).toEqual([expect.objectContaining({ role: 'admin' })]);
    // A member, so their budget within the team can be set (LiteLLM's test_users_in_team_budget).
    const budget = await gw.call('POST', '/team/member_update', { team_id: 'joined-by-id', user_id: 'erin', max_budget_in_team: 0.5 });
    expect(budget.status, JSON.stringify(budget.body)).toBe(200);
  });

  it('/user/info and /team/info show the spend and budget_reset_at of the current budget period', async () => {
    const midnight = (at: number) => new Date(Math.floor(at / 86_400_000 + 1) * 86_400_000).toISOString();
    const before = midnight(Date.now());
    await gw.call('POST', '/user/new', { user_id: 'daily-user', max_budget: 5, budget_duration: '1d', auto_create_key: false });
    await gw.call('POST', '/team/new', { team_id: 'daily-team', max_budget: 5, budget_duration: '1d' });
    const user = (await gw.call('GET', '/user/info?user_id=daily-user')).body.user_info;
    const team = (await gw.call('GET', '/team/info?team_id=daily-team')).body.team_info;
    const after = midnight(Date.now());
    for (const info of [user, team]) {
      expect(info.spend).toBe(0);
      expect([before, after]).toContain(info.budget_reset_at);
    }
  });

  it("update, list (paginated) and delete (with the user's keys)", async () => {
    await gw.call('POST', '/user/new', { user_id: 'carol' });
    expect((await gw.call('POST', '/user/update', { user_id: 'carol', user_alias: 'C' })).body.user_alias).toBe('C');
    // LiteLLM's /user/update makes a user it does not find (its e2e tests reset `litellm-proxy-budget` so).
    const made = await gw.call('POST', '/user/update', { user_id: 'nobody-yet', user_alias: 'N', spend: 0 });
    expect(made.status).toBe(200);
    expect((await gw.call('GET', '/user/info?user_id=nobody-yet')).body.user_info).toMatchObject({ user_id: 'nobody-yet', user_alias: 'N', spend: 0, user_role: 'internal_user' });
    const page = await gw.call('GET', '/user/list?page=1&page_size=1');
    expect(page.body).toMatchObject({ page: 1, page_size: 1 });
    expect(page.body.users).toHaveLength(1);
    expect(page.body.total).toBeGreaterThanOrEqual(2);
    const carolKeys = (await gw.call('GET', '/key/list?user_id=carol')).body.keys;
    expect(carolKeys).toHaveLength(1);
    expect((await gw.call('POST', '/user/delete', { user_ids: ['carol'] })).body).toEqual({ deleted_users: ['carol'] });
    expect((await gw.call('GET', '/key/list?user_id=carol')).body.keys).toEqual([]);
    expect((await gw.call('GET', '/user/info?user_id=carol')).status).toBe(404);
  });
});

describe('customers (end users)', () => {
  it('new, update, info, block, unblock, delete, also under /end_user', async () => {
    const made = await gw.call('POST', '/customer/new', { user_id: 'cust-1', alias: 'Acme', max_budget: 5 });
    expect(made.body).toMatchObject({ user_id: 'cust-1', alias: 'Acme', blocked: false, max_budget: 5 });
    expect((await gw.call('POST', '/customer/new', { user_id: 'cust-1' })).status).toBe(400);
    expect((await gw.call('POST', '/customer/update', { user_id: 'cust-1', alias: 'Acme Inc' })).body.alias).toBe('Acme Inc');
    expect((await gw.call('GET', '/customer/info?end_user_id=cust-1')).body).toMatchObject({ user_id: 'cust-1', alias: 'Acme Inc' });
    expect((await gw.call('POST', '/customer/block', { user_ids: ['cust-1'] })).body).toEqual({ blocked_users: [expect.objectContaining({ user_id: 'cust-1', blocked: true, alias: 'Acme Inc' })] });
    expect((await gw.call('GET', '/end_user/info?end_user_id=cust-1')).body.blocked).toBe(true);
    expect((await gw.call('POST', '/v1/chat/completions', chat('mock', { user: 'cust-1' }))).status).toBe(401);
    expect((await gw.call('POST', '/customer/unblock', { user_ids: ['cust-1'] })).body.unblocked_users[0].blocked).toBe(false);
    expect((await gw.call('POST', '/v1/chat/completions', chat('mock', { user: 'cust-1' }))).status).toBe(200);
    expect((await gw.call('POST', '/customer/delete', { user_ids: ['cust-1'] })).body).toEqual({ deleted_customers: ['cust-1'] });
    expect((await gw.call('GET', '/customer/info?end_user_id=cust-1')).status).toBe(404);
    expect((await gw.call('POST', '/customer/new', { user_id: 'c2', allowed_model_region: 'mars' })).body.error.param).toBe('allowed_model_region');
    // Blocking someone never seen creates them blocked.
    expect((await gw.call('POST', '/customer/block', { user_ids: ['new-face'] })).body.blocked_users[0]).toMatchObject({ user_id: 'new-face', blocked: true });
  });
});
