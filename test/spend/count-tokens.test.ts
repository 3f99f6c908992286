// POST /v1/messages/count_tokens is a request like any other to the limits, though it costs nothing:
// it counts toward rpm (LiteLLM counts every request), is refused for a key whose budget is spent,
// and leaves no spend and no ledger record. Through the official Anthropic SDK.
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedDynamo } from '../../local/embedded-dynamodb.ts';
import { startRecordingServer, type RecordingServer } from '../helpers/recording-server.ts';
import { answerWith, ask, costOf, eventually, outcome, reservedInput, spendConfig, startDynamo, startSpendGateway, type SpendGateway } from './support.ts';

let upstream: RecordingServer;
let dynamo: EmbeddedDynamo;
let gateway: SpendGateway;
// The chat request uses all it may: its cost is its worst case, so one spends the budget exactly.
const USAGE = { prompt_tokens: reservedInput(ask(10)), completion_tokens: 10 };

beforeAll(async () => {
  upstream = await startRecordingServer();
  answerWith(upstream, USAGE);
  dynamo = await startDynamo();
  gateway = await startSpendGateway(dynamo.endpoint, spendConfig(upstream.url));
});
afterAll(async () => {
  await gateway.close();
  await dynamo.close();
  await upstream.close();
});

const anthropic = (key: string) => new Anthropic({ baseURL: gateway.url, apiKey: key, maxRetries: 0 });
const count = (key: string) => anthropic(key).messages.countTokens({ model: 'gpt-4o', messages: [{ role: 'user', content: 'How many tokens is this?' }] });

async function failure(call: Promise<unknown>): Promise<{ status?: number; error?: any; headers?: Headers }> {
  try {
    await call;
    return { status: 200 };
  } catch (error) {
    if (error instanceof Anthropic.APIError) return { status: error.status, error: error.error, headers: error.headers as Headers };
    throw error;
  }
}

describe('POST /v1/messages/count_tokens', () => {
  it('is refused for a key with a $0 budget, as every model route is', async () => {
    const { key } = (await gateway.admin('POST', '/key/generate', { max_budget: 0 })).body;
    const refused = await failure(count(key));
    expect(refused.status).toBe(400);
    expect(refused.error).toMatchObject({ type: 'error', error: { type: 'invalid_request_error', message: expect.stringContaining('over budget') } });
    expect((await outcome(gateway.client(key).chat.completions.create(ask(10)))).status).toBe(400);
  });

  it('is refused once the budget is spent, and not before', async () => {
    const cost = costOf(USAGE);
    const { key } = (await gateway.admin('POST', '/key/generate', { max_budget: cost })).body;
    expect((await count(key)).input_tokens).toBeGreaterThan(0);
    expect((await outcome(gateway.client(key).chat.completions.create(ask(10)))).status).toBe(200);
    await eventually(async () => expect((await gateway.admin('GET', `/key/info?key=${key}`)).body.info.spend).toBe(cost));
    expect((await failure(count(key))).status).toBe(400);
  });

  it('counts toward rpm_limit with the model requests', async () => {
    const { key } = (await gateway.admin('POST', '/key/generate', { rpm_limit: 2 })).body;
    expect((await count(key)).input_tokens).toBeGreaterThan(0);
    expect((await outcome(gateway.client(key).chat.completions.create(ask(10)))).status).toBe(200);
    const limited = await failure(count(key));
    expect(limited.status).toBe(429);
    expect(limited.error).toMatchObject({ type: 'error', error: { type: 'rate_limit_error', message: expect.stringContaining('rpm_limit') } });
    expect(limited.headers?.get('retry-after')).toBeTruthy();
  });

  it('costs nothing, leaves no ledger record, and gives its parallel slot back', async () => {
    const { key, token } = (await gateway.admin('POST', '/key/generate', { max_budget: 1, max_parallel_requests: 1 })).body;
    for (let i = 0; i < 3; i++) {
      expect((await count(key)).input_tokens).toBeGreaterThan(0);
      // Its slot is given back after the response: wait for it before the next one.
      await eventually(async () => expect((await gateway.store.get<Record<string, unknown>>({ pk: `KEY#${token}`, sk: 'KEY' }))?.['parallel_requests']).toBe(0));
    }
    const info = (await gateway.admin('GET', `/key/info?key=${key}`)).body.info;
    expect(info.spend).toBe(0);
    const logs = (await gateway.admin('GET', `/spend/logs?api_key=${token}`)).body;
    expect(logs).toEqual([]);
  });
});
