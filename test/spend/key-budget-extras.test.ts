// A key's temporary budget increase (/key/update's temp_budget_increase until temp_budget_expiry), and
// the headers LiteLLM's clients read about a key's limits.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedDynamo } from '../../local/embedded-dynamodb.ts';
import { startRecordingServer, type RecordingServer } from '../helpers/recording-server.ts';
import { answerWith, ask, costOf, ESTIMATED_INPUT, eventually, outcome, spendConfig, startDynamo, startSpendGateway, testClock, type SpendGateway } from './support.ts';

const MAX_TOKENS = 100;
const USAGE = { prompt_tokens: ESTIMATED_INPUT, completion_tokens: MAX_TOKENS };
const WORST = costOf(USAGE);

let dynamo: EmbeddedDynamo;
let upstream: RecordingServer;
let gw: SpendGateway;
const clock = testClock();

beforeAll(async () => {
  dynamo = await startDynamo();
  upstream = await startRecordingServer();
  answerWith(upstream, USAGE);
  gw = await startSpendGateway(dynamo.endpoint, spendConfig(upstream.url), { now: clock.now });
});
afterAll(async () => {
  await gw.close();
  await upstream.close();
  await dynamo.close();
});

const call = (key: string) => outcome(gw.client(key).chat.completions.create(ask(MAX_TOKENS)));

describe('temp_budget_increase', () => {
  it('raises max_budget until temp_budget_expiry, and only until then', async () => {
    const { key } = (await gw.admin('POST', '/key/generate', { key_alias: 'raised', max_budget: WORST })).body;
    expect((await call(key)).status).toBe(200);
    await eventually(async () => expect((await call(key)).status).toBe(400));
    const raised = await gw.admin('POST', '/key/update', { key, temp_budget_increase: WORST, temp_budget_expiry: new Date(clock.now() + 3_600_000).toISOString() });
    expect(raised.status).toBe(200);
    expect(raised.body.warnings).toBeUndefined();
    expect((await call(key)).status).toBe(200);
    await eventually(async () => expect((await call(key)).status).toBe(400));
    // Spent up to the raised budget: past the expiry the budget is back to max_budget, and still spent.
    await gw.admin('POST', '/key/update', { key, spend: 0 });
    expect((await call(key)).status).toBe(200);
    clock.advance(3_600_001);
    try {
      await eventually(async () => {
        const refused = await call(key);
        expect(refused.status).toBe(400);
        expect(refused.error.message).toContain(`Budget=${WORST}`);
      });
    } finally {
      clock.set(Date.now());
    }
  });

  it('needs both fields, and a date it can read', async () => {
    const { key } = (await gw.admin('POST', '/key/generate', {})).body;
    const alone = await gw.admin('POST', '/key/update', { key, temp_budget_increase: 5 });
    expect(alone.status).toBe(400);
    expect(alone.body.error.param).toBe('temp_budget_expiry');
    const unreadable = await gw.admin('POST', '/key/update', { key, temp_budget_increase: 5, temp_budget_expiry: 'next week' });
    expect(unreadable.status).toBe(400);
    expect(unreadable.body.error.param).toBe('temp_budget_expiry');
  });
});

describe("a key's limit headers", () => {
  const send = (key: string) =>
    fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(ask(MAX_TOKENS)) });

  it('say the key’s spend, budget, when its rate windows reset and what is left per model', async () => {
    const { key } = (await gw.admin('POST', '/key/generate', { max_budget: 10, rpm_limit: 10, model_rpm_limit: { 'gpt-4o': 5 }, model_tpm_limit: { 'gpt-4o': 100_000 } })).body;
    const first = await send(key);
    await first.text();
    expect(first.status).toBe(200);
    expect(first.headers.get('x-litellm-key-spend')).toBe('0');
    expect(first.headers.get('x-litellm-key-max-budget')).toBe('10');
    expect(first.headers.get('x-litellm-key-remaining-requests-gpt-4o')).toBe('4');
    expect(first.headers.get('x-litellm-key-remaining-tokens-gpt-4o')).toBe('100000');
    expect(first.headers.get('x-ratelimit-remaining-requests')).toBe('4');
    expect(first.headers.get('x-ratelimit-reset-requests')).toMatch(/^\d+s$/);
    expect(first.headers.get('x-ratelimit-reset-tokens')).toMatch(/^\d+s$/);
    await eventually(async () => {
      const next = await send(key);
      await next.text();
      expect(Number(next.headers.get('x-litellm-key-spend'))).toBeCloseTo(WORST, 9);
    });
  });

  it('say the spend of a key without limits too, and no budget', async () => {
    const { key } = (await gw.admin('POST', '/key/generate', {})).body;
    const response = await send(key);
    await response.text();
    expect(response.headers.get('x-litellm-key-spend')).toBe('0');
    expect(response.headers.get('x-litellm-key-max-budget')).toBeNull();
    expect(response.headers.get('x-ratelimit-limit-requests')).toBeNull();
  });
});
