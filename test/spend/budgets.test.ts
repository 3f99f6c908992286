// Budgets hold exactly under concurrency, across instances: each request reserves its worst-case
// cost with a conditional write on the key's item and settles to the real cost afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedDynamo } from '../../local/embedded-dynamodb.ts';
import { Counters } from '../../shared/spend/counters.ts';
import { CounterItems } from '../../shared/store/counter-items.ts';
import { BudgetCalendar, HOLD_WINDOW_MS } from '../../shared/spend/periods.ts';
import { itemKeys } from '../../shared/store/table.ts';
import { startRecordingServer, type RecordingServer } from '../helpers/recording-server.ts';
import { answerWith, ask, costOf, ESTIMATED_INPUT, eventually, outcome, reservedInput, spendConfig, startDynamo, startSpendGateway, testClock, type SpendGateway } from './support.ts';

const MAX_TOKENS = 100;
// The upstream uses every token it may: the real cost is the worst case.
const USAGE = { prompt_tokens: ESTIMATED_INPUT, completion_tokens: MAX_TOKENS };
const WORST = costOf(USAGE); // 0.01008

let dynamo: EmbeddedDynamo;
let upstream: RecordingServer;
let a: SpendGateway;
let b: SpendGateway;
const clock = testClock();

beforeAll(async () => {
  dynamo = await startDynamo();
  upstream = await startRecordingServer();
  answerWith(upstream, USAGE, 30);
  a = await startSpendGateway(dynamo.endpoint, spendConfig(upstream.url), { now: clock.now });
  b = await startSpendGateway(dynamo.endpoint, spendConfig(upstream.url), { now: clock.now });
});
afterAll(async () => {
  await a.close();
  await b.close();
  await upstream.close();
  await dynamo.close();
});

const newKey = async (fields: Record<string, unknown>) => (await a.admin('POST', '/key/generate', fields)).body as { key: string; token: string };
const spendOf = async (pk: { pk: string; sk: string }) => (await a.store.get<Record<string, number>>(pk))!;

describe('budgets', () => {
  it('lets no more than the budget through when 100 requests arrive at once on two instances', async () => {
    const budget = Math.round(WORST * 10 * 1e9) / 1e9;
    const { key, token } = await newKey({ max_budget: budget });
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => outcome((i % 2 ? a : b).client(key).chat.completions.create(ask(MAX_TOKENS)))));
    const passed = results.filter((r) => r.status === 200);
    expect(passed).toHaveLength(10);
    const refused = results.filter((r) => r.status !== 200);
    expect(refused.every((r) => r.status === 400 && r.error.type === 'budget_exceeded')).toBe(true);
    const item = await eventually(async () => {
      const item = await spendOf(itemKeys.key(token));
      expect(item['parallel_requests']).toBe(0);
      return item;
    });
    expect(item['spend']).toBeLessThanOrEqual(budget);
    expect(item['spend']).toBeCloseTo(budget, 9);
    // Every reservation was settled: committed spend is the spend, nothing is held.
    expect(item['budget_committed']).toBeCloseTo(item['spend']!, 9);
    expect(upstream.requests.length).toBeGreaterThanOrEqual(10);
  });

  it('passes a request that fits what is left ($1 left, a worst case of about $0.02)', async () => {
    const { key } = await newKey({ max_budget: 1.5, spend: 0.5 });
    const result = await outcome(a.client(key).chat.completions.create(ask(199)));
    expect(result.status).toBe(200);
  });

  it('refuses with 400 budget_exceeded naming the key, its spend and its budget', async () => {
    const { key, token } = await newKey({ key_alias: 'almost-spent', max_budget: 1, spend: 0.995 });
    const result = await outcome(a.client(key).chat.completions.create(ask(MAX_TOKENS)));
    expect(result.status).toBe(400);
    expect(result.error).toMatchObject({ type: 'budget_exceeded', code: '400', param: null });
    expect(result.error.message).toContain('key almost-spent');
    expect(result.error.message).toContain('Spend=0.995');
    expect(result.error.message).toContain('Budget=1');
    expect(result.error.message).not.toContain(key);
    expect((await spendOf(itemKeys.key(token)))['spend']).toBe(0.995);
  });

  it('follows an admin who resets spend with /key/update', async () => {
    const { key, token } = await newKey({ max_budget: WORST });
    expect((await outcome(a.client(key).chat.completions.create(ask(MAX_TOKENS)))).status).toBe(200);
    await eventually(async () => expect((await outcome(a.client(key).chat.completions.create(ask(MAX_TOKENS)))).status).toBe(400));
    expect((await a.admin('POST', '/key/update', { key, spend: 0 })).status).toBe(200);
    expect((await outcome(a.client(key).chat.completions.create(ask(MAX_TOKENS)))).status).toBe(200);
    await eventually(async () => expect((await spendOf(itemKeys.key(token)))['spend']).toBeCloseTo(WORST, 12));
    expect((await outcome(a.client(key).chat.completions.create(ask(MAX_TOKENS)))).status).toBe(400);
  });

  it('holds teams, users, end users and per-model budgets to theirs, naming who ran out', async () => {
    await a.admin('POST', '/team/new', { team_id: 'frugal-team', max_budget: WORST });
    await a.admin('POST', '/user/new', { user_id: 'frugal-user', max_budget: WORST });
    // The end user's requests name it: a longer body, a larger worst case.
    await a.admin('POST', '/customer/new', {
      user_id: 'frugal-end-user',
      max_budget: costOf({ prompt_tokens: reservedInput(ask(MAX_TOKENS, { user: 'frugal-end-user' })), completion_tokens: MAX_TOKENS }),
    });
    const cases: Array<[Record<string, unknown>, Record<string, unknown>, string]> = [
      [{ team_id: 'frugal-team' }, {}, 'team frugal-team'],
      [{ user_id: 'frugal-user' }, {}, 'user frugal-user'],
      [{}, { user: 'frugal-end-user' }, 'end user frugal-end-user'],
      [{ key_alias: 'per-model', model_max_budget: { 'gpt-4o': { budget_limit: WORST, time_period: '1d' } } }, {}, 'key per-model, model gpt-4o'],
    ];
    for (const [keyFields, extra, who] of cases) {
      const { key } = await newKey(keyFields);
      expect((await outcome(a.client(key).chat.completions.create(ask(MAX_TOKENS, extra)))).status).toBe(200);
      await eventually(async () => {
        const second = await outcome(a.client(key).chat.completions.create(ask(MAX_TOKENS, extra)));
        expect(second.status).toBe(400);
        expect(second.error.message).toContain(who);
      });
    }
    // The per-model budget leaves the key's other models alone.
    const { key } = await newKey({ model_max_budget: { 'gpt-4o': WORST / 2 } });
    expect((await outcome(a.client(key).chat.completions.create(ask(MAX_TOKENS)))).status).toBe(400);
    expect((await outcome(a.client(key).chat.completions.create({ ...ask(MAX_TOKENS), model: 'gpt-4o-mini' }))).status).toBe(200);
  });

  it('applies to /v1/messages and /v1/embeddings too', async () => {
    const { key } = await newKey({ max_budget: 0.001 });
    const messages = await fetch(`${a.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': key, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o', max_tokens: 1000, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(messages.status).toBe(400);
    expect(((await messages.json()) as any).error.message).toContain('ExceededBudget');
    const { key: tiny } = await newKey({ max_budget: 0.00001 });
    const embedding = await outcome(a.client(tiny).embeddings.create({ model: 'embedder', input: 'x'.repeat(400) }));
    expect(embedding.status).toBe(400);
    expect(embedding.error.type).toBe('budget_exceeded');
  });
});

describe('budget periods', () => {
  it('starts a new period at midnight UTC for "1d", without any job: spend resets in the first write of the day', async () => {
    clock.set(Date.parse('2026-11-25T23:59:30.000Z'));
    try {
      const { key, token } = await newKey({ max_budget: WORST, budget_duration: '1d' });
      const info = async () => (await a.admin('GET', `/key/info?key=${key}`)).body.info;
      // /key/info shows the period from the start, as LiteLLM's does, before any request wrote counters.
      expect(await info()).toMatchObject({ spend: 0, budget_reset_at: '2026-11-26T00:00:00.000Z' });
      expect((await outcome(a.client(key).chat.completions.create(ask(MAX_TOKENS)))).status).toBe(200);
      await eventually(async () => expect((await outcome(a.client(key).chat.completions.create(ask(MAX_TOKENS)))).status).toBe(400));
      expect(await spendOf(itemKeys.key(token))).toMatchObject({ budget_period_start: '2026-11-25T00:00:00.000Z', budget_reset_at: '2026-11-26T00:00:00.000Z' });
      expect((await info()).spend).toBeCloseTo(WORST, 12);

      clock.set(Date.parse('2026-11-26T00:00:05.000Z'));
      // The new day's period, before any request of it: nothing spent in it yet.
      expect(await info()).toMatchObject({ spend: 0, budget_reset_at: '2026-11-27T00:00:00.000Z' });
      expect((await outcome(a.client(key).chat.completions.create(ask(MAX_TOKENS)))).status).toBe(200);
      const item = await eventually(async () => {
        const item = await spendOf(itemKeys.key(token));
        expect(item['parallel_requests']).toBe(0);
        return item;
      });
      expect(item).toMatchObject({ budget_period_start: '2026-11-26T00:00:00.000Z', budget_reset_at: '2026-11-27T00:00:00.000Z' });
      expect(item['spend']).toBeCloseTo(WORST, 12);
    } finally {
      clock.set(Date.now());
    }
  });

  it('releases a reservation nobody renews (its instance died) within two hold windows, charging what its ledger record says: nothing without one', async () => {
    const { key, token } = await newKey({ max_budget: WORST * 1.5 });
    // A reservation as a gateway makes it, by an instance that then dies before settling or renewing.
    const crashed = new Counters(new CounterItems(a.store), new BudgetCalendar());
    const account = { kind: 'key' as const, id: token, item: itemKeys.key(token), record: {}, meters: [{ prefix: '', label: 'key', limits: { maxBudget: WORST * 1.5 } }] };
    const booking = { requestId: 'died-before-answering', window: 0, worst: WORST, meters: [{ prefix: '', holds: true, countsTokens: false }] };
    expect((await crashed.reserve(account, booking, clock.now())).ok).toBe(true);
    expect((await outcome(a.client(key).chat.completions.create(ask(MAX_TOKENS)))).status).toBe(400);
    clock.advance(2 * HOLD_WINDOW_MS);
    try {
      expect((await outcome(a.client(key).chat.completions.create(ask(MAX_TOKENS)))).status).toBe(200);
      const item = await eventually(async () => {
        const item = await spendOf(itemKeys.key(token));
        expect(item['parallel_requests']).toBe(0);
        expect(item['in_flight:died-before-answering']).toBeUndefined();
        return item;
      });
      expect(item['spend']).toBeCloseTo(WORST, 12);
      expect(item['budget_committed']).toBeCloseTo(WORST, 12);
      expect(item['lapsed_usd']).toBe(0);
      expect(await a.store.get(itemKeys.spendLog('died-before-answering'))).toMatchObject({ status: 'failure', spend: 0, call_type: 'abandoned' });
    } finally {
      clock.set(Date.now());
    }
  });
});
