// Team members' own limits within their team (`max_budget_in_team`, rpm and tpm by /team/member_update,
// the team's `team_member_*` defaults) and a team's per-model limits: meters on the team's item, so
// they hold exactly under concurrency across instances, in the write the team's own limits take.
import { beforeAll, describe, expect, it } from 'vitest';
import { ask, budgetFor, eventually, outcome, twoInstances, type SpendGateway } from './support.ts';

const MAX_TOKENS = 100;

const instances = twoInstances();
let a: SpendGateway;
let b: SpendGateway;
beforeAll(() => {
  ({ a, b } = instances);
});

const keyFor = async (fields: Record<string, unknown>) => (await a.admin('POST', '/key/generate', fields)).body.key as string;
const call = (key: string, extra: Record<string, unknown> = {}) => outcome(a.client(key).chat.completions.create({ ...ask(MAX_TOKENS), ...extra }));

describe('a member’s budget within the team', () => {
  it('holds exactly under concurrency on two instances while the team has room, and leaves other members alone', async () => {
    await a.admin('POST', '/team/new', { team_id: 'roomy-team', max_budget: 100 });
    const added = await a.admin('POST', '/team/member_add', { team_id: 'roomy-team', member: { role: 'user', user_id: 'bob' }, max_budget_in_team: budgetFor(2) });
    expect(added.status).toBe(200);
    expect(added.body.warnings).toBeUndefined();
    expect(added.body.updated_team_memberships).toEqual([{ user_id: 'bob', team_id: 'roomy-team', budget_id: null, spend: 0, litellm_budget_table: { max_budget: budgetFor(2) } }]);
    const key = await keyFor({ team_id: 'roomy-team', user_id: 'bob' });
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => outcome((i % 2 ? a : b).client(key).chat.completions.create(ask(MAX_TOKENS)))));
    expect(results.filter((r) => r.status === 200)).toHaveLength(2);
    expect(results.find((r) => r.status !== 200)!.error.message).toContain('team roomy-team, member bob over budget');
    // Another member of the team is held by their own budget only.
    await a.admin('POST', '/team/member_add', { team_id: 'roomy-team', member: { role: 'user', user_id: 'dana' } });
    expect((await call(await keyFor({ team_id: 'roomy-team', user_id: 'dana' }))).status).toBe(200);

    const info = await eventually(async () => {
      const info = (await a.admin('GET', '/team/info?team_id=roomy-team')).body;
      expect(info.team_memberships.find((m: { user_id: string }) => m.user_id === 'bob').spend).toBeCloseTo(budgetFor(2), 9);
      return info;
    });
    expect(info.team_memberships.find((m: { user_id: string }) => m.user_id === 'dana')).toEqual({
      user_id: 'dana',
      team_id: 'roomy-team',
      budget_id: null,
      spend: expect.any(Number),
      litellm_budget_table: null,
    });
    // /user/info shows each of the user's teams with their own membership there, spend included (LiteLLM's test_users_in_team_budget reads it).
    const bobsTeams = (await a.admin('GET', '/user/info?user_id=bob')).body.teams;
    expect(bobsTeams.find((t: { team_id: string }) => t.team_id === 'roomy-team').team_memberships).toEqual([
      { user_id: 'bob', team_id: 'roomy-team', budget_id: null, spend: expect.closeTo(budgetFor(2), 9), litellm_budget_table: { max_budget: budgetFor(2) } },
    ]);
  });

  it('changes with /team/member_update (role, max_budget_in_team, rpm_limit), and leaves with /team/member_delete', async () => {
    await a.admin('POST', '/team/new', { team_id: 'updated-team', members_with_roles: [{ role: 'user', user_id: 'carol' }] });
    const key = await keyFor({ team_id: 'updated-team', user_id: 'carol' });
    const updated = await a.admin('POST', '/team/member_update', { team_id: 'updated-team', user_id: 'carol', role: 'admin', rpm_limit: 1 });
    expect(updated.status).toBe(200);
    expect(updated.body).toEqual({ team_id: 'updated-team', user_id: 'carol', user_email: null, role: 'admin', max_budget_in_team: null, rpm_limit: 1, tpm_limit: null });
    expect((await a.admin('GET', '/team/info?team_id=updated-team')).body.team_info.members_with_roles).toEqual([
      { role: 'admin', user_id: 'carol', user_email: null },
      { role: 'admin', user_id: 'default_user_id', user_email: null },
    ]);
    expect((await call(key)).status).toBe(200);
    const limited = await call(key);
    expect(limited.status).toBe(429);
    expect(limited.error.message).toContain('team updated-team, member carol');
    // Taking the limit away lets her through again.
    await a.admin('POST', '/team/member_update', { team_id: 'updated-team', user_id: 'carol', rpm_limit: null });
    expect((await call(key)).status).toBe(200);
    expect((await a.admin('POST', '/team/member_update', { team_id: 'updated-team', user_id: 'nobody', rpm_limit: 1 })).status).toBe(404);
    await a.admin('POST', '/team/member_delete', { team_id: 'updated-team', user_id: 'carol' });
    // The master key's user, admin since it made the team, is the one left.
    expect((await a.admin('GET', '/team/info?team_id=updated-team')).body.team_memberships.map((m: any) => m.user_id)).toEqual(['default_user_id']);
  });

  it("applies the team's team_member_budget to every member without one of their own", async () => {
    await a.admin('POST', '/team/new', { team_id: 'default-team', team_member_budget: budgetFor(1), members_with_roles: [{ role: 'user', user_id: 'erin' }] });
    const key = await keyFor({ team_id: 'default-team', user_id: 'erin' });
    expect((await call(key)).status).toBe(200);
    await eventually(async () => {
      const second = await call(key);
      expect(second.status).toBe(400);
      expect(second.error.message).toContain('team default-team, member erin');
    });
  });
});

describe("a team's per-model limits", () => {
  it('hold its keys to model_max_budget and model_rpm_limit for that model only', async () => {
    await a.admin('POST', '/team/new', { team_id: 'model-team', model_max_budget: { 'gpt-4o': { budget_limit: budgetFor(1), time_period: '1d' } }, model_rpm_limit: { 'gpt-4o-mini': 1 } });
    const key = await keyFor({ team_id: 'model-team' });
    expect((await call(key)).status).toBe(200);
    await eventually(async () => {
      const second = await call(key);
      expect(second.status).toBe(400);
      expect(second.error.message).toContain('team model-team, model gpt-4o over budget');
    });
    expect((await call(key, { model: 'gpt-4o-mini' })).status).toBe(200);
    const limited = await call(key, { model: 'gpt-4o-mini' });
    expect(limited.status).toBe(429);
    expect(limited.error.message).toContain('model_rpm_limit');
  });
});
