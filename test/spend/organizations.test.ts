// Organizations: LiteLLM's /organization/* routes and shapes, teams that belong to one, its models
// bounding theirs, and its budget (and a member's budget within it) holding exactly under concurrency
// across two instances, as a conditional write on the organization's item beside the key's and team's.
import { beforeAll, describe, expect, it } from 'vitest';
import { itemKeys } from '../../shared/store/table.ts';
import { ask, budgetFor, eventually, outcome, twoInstances, type SpendGateway } from './support.ts';

const MAX_TOKENS = 100;

const instances = twoInstances();
let a: SpendGateway;
let b: SpendGateway;
beforeAll(() => {
  ({ a, b } = instances);
});

const keyFor = async (fields: Record<string, unknown>) => (await a.admin('POST', '/key/generate', fields)).body as { key: string; token: string };

describe('organization routes', () => {
  it('creates, reads, updates and lists an organization in LiteLLM’s shapes', async () => {
    const made = await a.admin('POST', '/organization/new', { organization_id: 'acme', organization_alias: 'Acme', models: ['gpt-4o'], max_budget: 10, budget_duration: '30d', rpm_limit: 100 });
    expect(made.status).toBe(200);
    expect(made.body).toMatchObject({
      organization_id: 'acme',
      organization_alias: 'Acme',
      models: ['gpt-4o'],
      spend: 0,
      members: [],
      created_by: 'master',
      updated_by: 'master',
      litellm_budget_table: { max_budget: 10, budget_duration: '30d', rpm_limit: 100, tpm_limit: null, soft_budget: null, max_parallel_requests: null },
    });
    expect(made.body.warnings).toBeUndefined();
    expect((await a.admin('POST', '/organization/new', { organization_id: 'acme', organization_alias: 'Again' })).status).toBe(400);
    const unnamed = await a.admin('POST', '/organization/new', { models: [] });
    expect(unnamed.status).toBe(400);
    expect(unnamed.body.error.param).toBe('organization_alias');

    const updated = await a.admin('PATCH', '/organization/update', { organization_id: 'acme', max_budget: 20 });
    expect(updated.body.litellm_budget_table.max_budget).toBe(20);
    await a.admin('POST', '/team/new', { team_id: 'acme-search', organization_id: 'acme', models: ['gpt-4o'] });
    const info = await a.admin('GET', '/organization/info?organization_id=acme');
    expect(info.body.teams.map((t: { team_id: string }) => t.team_id)).toEqual(['acme-search']);
    const several = await a.admin('POST', '/organization/info', { organizations: ['acme'] });
    expect(several.body).toHaveLength(1);
    const list = await a.admin('GET', '/organization/list');
    expect(list.body.map((o: { organization_id: string }) => o.organization_id)).toContain('acme');
    expect((await a.admin('GET', '/organization/info?organization_id=nobody')).status).toBe(404);
  });

  it('adds and removes members, creating a user who is new', async () => {
    await a.admin('POST', '/organization/new', { organization_id: 'members-org', organization_alias: 'Members' });
    const added = await a.admin('POST', '/organization/member_add', { organization_id: 'members-org', member: [{ role: 'org_admin', user_id: 'org-alice' }], max_budget_in_organization: 5 });
    expect(added.status).toBe(200);
    expect(added.body.organization_id).toBe('members-org');
    expect(added.body.updated_users[0]).toMatchObject({ user_id: 'org-alice', user_role: 'internal_user' });
    expect(added.body.updated_organization_memberships[0]).toMatchObject({ user_id: 'org-alice', organization_id: 'members-org', user_role: 'org_admin', litellm_budget_table: { max_budget: 5 } });
    expect((await a.admin('GET', '/user/info?user_id=org-alice')).status).toBe(200);
    const badRole = await a.admin('POST', '/organization/member_add', { organization_id: 'members-org', member: { role: 'owner', user_id: 'x' } });
    expect(badRole.status).toBe(400);
    expect(badRole.body.error.param).toBe('member.role');
    const removed = await a.admin('DELETE', '/organization/member_delete', { organization_id: 'members-org', user_id: 'org-alice' });
    expect(removed.body.members).toEqual([]);
    expect((await a.admin('DELETE', '/organization/member_delete', { organization_id: 'members-org', user_id: 'org-alice' })).status).toBe(404);
  });

  it('keeps teams inside their organization: it must exist, its models bound theirs, and it is deleted only without teams', async () => {
    await a.admin('POST', '/organization/new', { organization_id: 'narrow', organization_alias: 'Narrow', models: ['gpt-4o'] });
    const missing = await a.admin('POST', '/team/new', { organization_id: 'no-such-org' });
    expect(missing.status).toBe(400);
    expect(missing.body.error.param).toBe('organization_id');
    const outside = await a.admin('POST', '/team/new', { organization_id: 'narrow', models: ['gpt-4o-mini'] });
    expect(outside.status).toBe(400);
    expect(outside.body.error.param).toBe('models');
    await a.admin('POST', '/team/new', { team_id: 'narrow-team', organization_id: 'narrow' });
    const { key } = await keyFor({ team_id: 'narrow-team' });
    const denied = await outcome(a.client(key).chat.completions.create({ ...ask(MAX_TOKENS), model: 'gpt-4o-mini' }));
    expect(denied.status).toBe(401);
    expect(denied.error.type).toBe('org_model_access_denied');
    expect((await outcome(a.client(key).chat.completions.create(ask(MAX_TOKENS)))).status).toBe(200);
    const models = await a.client(key).models.list();
    expect(models.data.map((m) => m.id)).toEqual(['gpt-4o']);

    const refused = await a.admin('DELETE', '/organization/delete', { organization_ids: ['narrow'] });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toContain('narrow-team');
    await a.admin('POST', '/team/delete', { team_ids: ['narrow-team'] });
    const deleted = await a.admin('DELETE', '/organization/delete', { organization_ids: ['narrow'] });
    expect(deleted.status).toBe(200);
    expect(deleted.body[0].organization_id).toBe('narrow');
  });
});

describe('organization budgets under concurrency, on two instances', () => {
  it("lets exactly as many through as the organization's budget fits, across its teams' keys, and counts its teams' spend", async () => {
    await a.admin('POST', '/organization/new', { organization_id: 'capped', organization_alias: 'Capped', max_budget: budgetFor(5) });
    await a.admin('POST', '/team/new', { team_id: 'capped-a', organization_id: 'capped' });
    await a.admin('POST', '/team/new', { team_id: 'capped-b', organization_id: 'capped' });
    const keys = [await keyFor({ team_id: 'capped-a' }), await keyFor({ team_id: 'capped-b' })];
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => outcome((i % 2 ? a : b).client(keys[Math.floor(i / 2) % 2]!.key).chat.completions.create(ask(MAX_TOKENS)))));
    expect(results.filter((r) => r.status === 200)).toHaveLength(5);
    const refusal = results.find((r) => r.status !== 200)!;
    expect(refusal).toMatchObject({ status: 400, error: { type: 'budget_exceeded' } });
    expect(refusal.error.message).toContain('organization capped over budget');
    const organization = await eventually(async () => {
      const item = (await a.store.get<Record<string, number>>(itemKeys.organization('capped')))!;
      expect(item['parallel_requests']).toBe(0);
      return item;
    });
    expect(organization['spend']).toBeCloseTo(budgetFor(5), 9);
    const teams = await Promise.all(['capped-a', 'capped-b'].map(async (id) => (await a.store.get<Record<string, number>>(itemKeys.team(id)))!['spend'] ?? 0));
    expect(teams[0]! + teams[1]!).toBeCloseTo(organization['spend']!, 9);
    const info = await a.admin('GET', '/organization/info?organization_id=capped');
    expect(info.body.spend).toBeCloseTo(budgetFor(5), 9);
    // Three accounts a request (key, team, organization) on an embedded DynamoDB shared by a loaded machine.
  }, 60_000);

  it("holds a member's budget within the organization while the organization has room", async () => {
    await a.admin('POST', '/organization/new', { organization_id: 'roomy', organization_alias: 'Roomy', max_budget: 100 });
    await a.admin('POST', '/team/new', { team_id: 'roomy-team', organization_id: 'roomy' });
    await a.admin('POST', '/organization/member_add', { organization_id: 'roomy', member: { role: 'internal_user', user_id: 'roomy-bob' }, max_budget_in_organization: budgetFor(2) });
    const { key } = await keyFor({ team_id: 'roomy-team', user_id: 'roomy-bob' });
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => outcome((i % 2 ? a : b).client(key).chat.completions.create(ask(MAX_TOKENS)))));
    expect(results.filter((r) => r.status === 200)).toHaveLength(2);
    expect(results.find((r) => r.status !== 200)!.error.message).toContain('organization roomy, member roomy-bob over budget');
    // Another user's key in the same team is not held by Bob's budget.
    const other = await keyFor({ team_id: 'roomy-team' });
    expect((await outcome(a.client(other.key).chat.completions.create(ask(MAX_TOKENS)))).status).toBe(200);

    // LiteLLM's /organization/member_update: a raised budget within the organization lets one more through.
    const updated = await a.admin('PATCH', '/organization/member_update', { organization_id: 'roomy', user_id: 'roomy-bob', role: 'org_admin', max_budget_in_organization: budgetFor(3) });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ user_id: 'roomy-bob', organization_id: 'roomy', user_role: 'org_admin', litellm_budget_table: { max_budget: budgetFor(3) } });
    const more = await Promise.all(Array.from({ length: 4 }, () => outcome(a.client(key).chat.completions.create(ask(MAX_TOKENS)))));
    expect(more.filter((r) => r.status === 200)).toHaveLength(1);
    const info = await a.admin('GET', '/organization/info?organization_id=roomy');
    expect(info.body.members.find((m: { user_id: string }) => m.user_id === 'roomy-bob')).toMatchObject({ user_role: 'org_admin', litellm_budget_table: { max_budget: budgetFor(3) } });
    expect((await a.admin('PATCH', '/organization/member_update', { organization_id: 'roomy', user_id: 'nobody' })).status).toBe(404);
    expect((await a.admin('PATCH', '/organization/member_update', { organization_id: 'roomy', role: 'org_admin' })).status).toBe(400);
  });
});
