// Reusable budgets (LiteLLM's /budget/* and `budget_id`): keys, users, customers, teams and
// organizations take their limits from the budget they name, unless set on them, and those limits
// hold exactly as their own would.
import { beforeAll, describe, expect, it } from 'vitest';
import { ask, budgetFor, costOf, eventually, outcome, reservedInput, twoInstances, type SpendGateway } from './support.ts';

const MAX_TOKENS = 100;

const instances = twoInstances();
let a: SpendGateway;
let b: SpendGateway;
beforeAll(() => {
  ({ a, b } = instances);
});

const keyFor = async (fields: Record<string, unknown>) => (await a.admin('POST', '/key/generate', fields)).body as { key: string; token: string; status?: number };

describe('budget routes', () => {
  it('create, read, update, list and delete a budget in LiteLLM’s shapes', async () => {
    const made = await a.admin('POST', '/budget/new', { budget_id: 'starter', max_budget: 5, budget_duration: '30d', rpm_limit: 10 });
    expect(made.status).toBe(200);
    expect(made.body).toMatchObject({
      budget_id: 'starter',
      max_budget: 5,
      budget_duration: '30d',
      rpm_limit: 10,
      tpm_limit: null,
      soft_budget: null,
      max_parallel_requests: null,
      created_by: 'master',
    });
    expect((await a.admin('POST', '/budget/new', { budget_id: 'starter' })).status).toBe(400);
    const negative = await a.admin('POST', '/budget/new', { max_budget: -1 });
    expect(negative.status).toBe(400);
    expect(negative.body.error.param).toBe('max_budget');
    expect((await a.admin('POST', '/budget/update', { budget_id: 'starter', max_budget: 6 })).body.max_budget).toBe(6);
    expect((await a.admin('POST', '/budget/info', { budgets: ['starter'] })).body).toMatchObject([{ budget_id: 'starter', max_budget: 6 }]);
    expect((await a.admin('GET', '/budget/list')).body.map((x: { budget_id: string }) => x.budget_id)).toContain('starter');
    expect((await a.admin('POST', '/budget/info', { budgets: ['nothing'] })).status).toBe(404);

    const unknown = await a.admin('POST', '/key/generate', { budget_id: 'nothing' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.param).toBe('budget_id');
    const used = await a.admin('POST', '/team/new', { team_id: 'starter-team', budget_id: 'starter' });
    expect(used.status).toBe(200);
    expect(used.body.warnings).toBeUndefined();
    const refused = await a.admin('POST', '/budget/delete', { id: 'starter' });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toContain('team starter-team');
    await a.admin('POST', '/team/delete', { team_ids: ['starter-team'] });
    expect((await a.admin('POST', '/budget/delete', { id: 'starter' })).body.budget_id).toBe('starter');
    expect((await a.admin('POST', '/budget/info', { budgets: ['starter'] })).status).toBe(404);
  });
});

describe('limits from a budget', () => {
  it("hold a key to its budget's max_budget exactly under concurrency, unless the key sets its own", async () => {
    await a.admin('POST', '/budget/new', { budget_id: 'two-requests', max_budget: budgetFor(2) });
    const { key } = await keyFor({ budget_id: 'two-requests' });
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => outcome((i % 2 ? a : b).client(key).chat.completions.create(ask(MAX_TOKENS)))));
    expect(results.filter((r) => r.status === 200)).toHaveLength(2);
    // The key's own max_budget wins over its budget's.
    const own = await keyFor({ budget_id: 'two-requests', max_budget: budgetFor(1) });
    expect((await outcome(a.client(own.key).chat.completions.create(ask(MAX_TOKENS)))).status).toBe(200);
    await eventually(async () => expect((await outcome(a.client(own.key).chat.completions.create(ask(MAX_TOKENS)))).status).toBe(400));
  });

  it('hold teams, users, customers and organizations that name a budget, and follow a change to the budget', async () => {
    await a.admin('POST', '/budget/new', { budget_id: 'one-request', max_budget: budgetFor(1) });
    // The end user's requests name it: a longer body, a larger worst case.
    const endUserWorst = costOf({ prompt_tokens: reservedInput(ask(MAX_TOKENS, { user: 'budgeted-customer' })), completion_tokens: MAX_TOKENS });
    await a.admin('POST', '/budget/new', { budget_id: 'one-customer-request', max_budget: endUserWorst });
    await a.admin('POST', '/team/new', { team_id: 'budgeted-team', budget_id: 'one-request' });
    await a.admin('POST', '/user/new', { user_id: 'budgeted-user', budget_id: 'one-request', auto_create_key: false });
    await a.admin('POST', '/customer/new', { user_id: 'budgeted-customer', budget_id: 'one-customer-request' });
    await a.admin('POST', '/organization/new', { organization_id: 'budgeted-org', organization_alias: 'Budgeted', budget_id: 'one-request' });
    const cases: Array<[Record<string, unknown>, Record<string, unknown>, string]> = [
      [{ team_id: 'budgeted-team' }, {}, 'team budgeted-team'],
      [{ user_id: 'budgeted-user' }, {}, 'user budgeted-user'],
      [{}, { user: 'budgeted-customer' }, 'end user budgeted-customer'],
      [{ organization_id: 'budgeted-org' }, {}, 'organization budgeted-org'],
    ];
    for (const [keyFields, extra, who] of cases) {
      const { key } = await keyFor(keyFields);
      expect((await outcome(a.client(key).chat.completions.create(ask(MAX_TOKENS, extra)))).status).toBe(200);
      await eventually(async () => {
        const second = await outcome(a.client(key).chat.completions.create(ask(MAX_TOKENS, extra)));
        expect(second.status).toBe(400);
        expect(second.error.message).toContain(who);
      });
    }
    // Raising the budget raises every holder's limit (the tests read records uncached).
    await a.admin('POST', '/budget/update', { budget_id: 'one-request', max_budget: budgetFor(3) });
    const { key } = await keyFor({ team_id: 'budgeted-team' });
    expect((await outcome(a.client(key).chat.completions.create(ask(MAX_TOKENS)))).status).toBe(200);
  });

  it("takes a budget's per-model limits", async () => {
    await a.admin('POST', '/budget/new', { budget_id: 'per-model', model_max_budget: { 'gpt-4o': { max_budget: budgetFor(1), budget_duration: '1d' } } });
    const { key } = await keyFor({ budget_id: 'per-model' });
    expect((await outcome(a.client(key).chat.completions.create(ask(MAX_TOKENS)))).status).toBe(200);
    await eventually(async () => {
      const second = await outcome(a.client(key).chat.completions.create(ask(MAX_TOKENS)));
      expect(second.status).toBe(400);
      expect(second.error.message).toContain('model gpt-4o');
    });
    expect((await outcome(a.client(key).chat.completions.create({ ...ask(MAX_TOKENS), model: 'gpt-4o-mini' }))).status).toBe(200);
  });
});
