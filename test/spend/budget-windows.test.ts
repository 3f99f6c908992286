// Several budget windows at once (`budget_limits`): each window is a meter of its own on the key's or the
// team's item, reserved and settled in the same conditional write as the item's other limits, so every
// window holds exactly under concurrency across instances, and each resets on its own calendar.
import { beforeAll, describe, expect, it } from 'vitest';
import { itemKeys } from '../../shared/store/table.ts';
import { ask, budgetFor, eventually, outcome, testClock, twoInstances, type SpendGateway } from './support.ts';

const MAX_TOKENS = 100;

const clock = testClock();
const instances = twoInstances({ now: clock.now });
let a: SpendGateway;
let b: SpendGateway;
beforeAll(() => {
  ({ a, b } = instances);
});

const itemOf = async (key: { pk: string; sk: string }) => (await a.store.get<Record<string, number>>(key))!;
const settledItem = (key: { pk: string; sk: string }) =>
  eventually(async () => {
    const item = await itemOf(key);
    expect(item['window:1d:parallel_requests']).toBe(0);
    return item;
  });

/** `n` requests at once, split over both instances: how many passed, and that every refusal was a budget's. */
async function burst(key: string, n = 100): Promise<number> {
  const results = await Promise.all(Array.from({ length: n }, (_, i) => outcome((i % 2 ? a : b).client(key).chat.completions.create(ask(MAX_TOKENS)))));
  expect(results.filter((r) => r.status !== 200).every((r) => r.status === 400 && r.error.type === 'budget_exceeded')).toBe(true);
  return results.filter((r) => r.status === 200).length;
}

describe('budget windows under concurrency, on two instances', () => {
  it('lets exactly 5 of 100 through a key whose daily window fits 5 and monthly window fits 50', async () => {
    const made = await a.admin('POST', '/key/generate', {
      budget_limits: [
        { budget_duration: '1d', max_budget: budgetFor(5) },
        { budget_duration: '30d', max_budget: budgetFor(50) },
      ],
    });
    expect(made.status).toBe(200);
    expect(made.body.warnings).toBeUndefined();
    expect(await burst(made.body.key)).toBe(5);
    const item = await settledItem(itemKeys.key(made.body.token));
    expect(item['window:1d:spend']).toBeCloseTo(budgetFor(5), 9);
    expect(item['window:30d:spend']).toBeCloseTo(budgetFor(5), 9);
    expect(item['window:30d:budget_committed']).toBeCloseTo(budgetFor(5), 9);
    // The key's own spend counts every request too.
    expect(item['spend']).toBeCloseTo(budgetFor(5), 9);
  });

  it('lets exactly 3 through when the monthly window is the tighter one', async () => {
    const made = await a.admin('POST', '/key/generate', {
      budget_limits: [
        { budget_duration: '1d', max_budget: budgetFor(50) },
        { budget_duration: '1mo', max_budget: budgetFor(3) },
      ],
    });
    expect(await burst(made.body.key, 30)).toBe(3);
  });

  it("holds a team's windows the same way for all of its keys", async () => {
    await a.admin('POST', '/team/new', { team_id: 'windowed', budget_limits: [{ budget_duration: '1d', max_budget: budgetFor(4) }] });
    const keys = await Promise.all([0, 1].map(async () => (await a.admin('POST', '/key/generate', { team_id: 'windowed' })).body.key as string));
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => outcome((i % 2 ? a : b).client(keys[i % 2]!).chat.completions.create(ask(MAX_TOKENS)))));
    expect(results.filter((r) => r.status === 200)).toHaveLength(4);
    const refusal = results.find((r) => r.status !== 200)!;
    expect(refusal.error.message).toContain('team windowed, 1d budget window');
  });
});

describe('budget windows over time', () => {
  it('resets the daily window at midnight while the monthly one keeps counting, and /key/info says how each stands', async () => {
    clock.set(Date.parse('2026-11-10T23:59:30.000Z'));
    try {
      const made = await a.admin('POST', '/key/generate', {
        key_alias: 'two-windows',
        budget_limits: [
          { budget_duration: '1d', max_budget: budgetFor(2) },
          { budget_duration: '1mo', max_budget: budgetFor(3) },
        ],
      });
      const { key, token } = made.body;
      for (let i = 0; i < 2; i++) expect((await outcome(a.client(key).chat.completions.create(ask(MAX_TOKENS)))).status).toBe(200);
      await settledItem(itemKeys.key(token));
      const third = await outcome(a.client(key).chat.completions.create(ask(MAX_TOKENS)));
      expect(third.status).toBe(400);
      expect(third.error.message).toContain('key two-windows, 1d budget window over budget');
      expect(third.error.message).toContain('2026-11-11T00:00:00.000Z');

      clock.set(Date.parse('2026-11-11T00:00:05.000Z'));
      const info = (await a.admin('GET', `/key/info?key=${token}`)).body.info;
      expect(info.budget_limits).toEqual([
        { budget_duration: '1d', max_budget: budgetFor(2), reset_at: '2026-11-12T00:00:00.000Z' },
        { budget_duration: '1mo', max_budget: budgetFor(3), reset_at: '2026-12-01T00:00:00.000Z' },
      ]);
      // A new day: nothing spent in the daily window yet, two requests in the month.
      expect(info.budget_limits_usage).toEqual({ '1d': { current_spend: 0 }, '1mo': { current_spend: Math.round(budgetFor(2) * 1e4) / 1e4 } });
      expect(Object.keys(info).some((name) => name.startsWith('window:'))).toBe(false);

      expect((await outcome(a.client(key).chat.completions.create(ask(MAX_TOKENS)))).status).toBe(200);
      await settledItem(itemKeys.key(token));
      const fourth = await outcome(a.client(key).chat.completions.create(ask(MAX_TOKENS)));
      expect(fourth.status).toBe(400);
      expect(fourth.error.message).toContain('key two-windows, 1mo budget window over budget');
      const item = await itemOf(itemKeys.key(token));
      expect(item['window:1d:spend']).toBeCloseTo(budgetFor(1), 9);
      expect(item['window:1mo:spend']).toBeCloseTo(budgetFor(3), 9);
    } finally {
      clock.set(Date.now());
    }
  });

  it('refuses budget_limits that name one duration twice, or a duration it cannot read', async () => {
    const twice = await a.admin('POST', '/key/generate', {
      budget_limits: [
        { budget_duration: '1d', max_budget: 1 },
        { budget_duration: '1d', max_budget: 2 },
      ],
    });
    expect(twice.status).toBe(400);
    expect(twice.body.error.param).toBe('budget_limits');
    const unreadable = await a.admin('POST', '/team/new', { budget_limits: [{ budget_duration: 'fortnight', max_budget: 1 }] });
    expect(unreadable.status).toBe(400);
    expect(unreadable.body.error.param).toBe('budget_limits.0.budget_duration');
  });
});
