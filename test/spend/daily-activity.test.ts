// LiteLLM's /user/daily/activity, /team/daily/activity and /tag/daily/activity against dynalite: the
// daily rollups each recorded request adds to (shared/store/daily-spend.ts), in LiteLLM's
// SpendAnalyticsPaginatedResponse shape, with its filters and pages, each caller seeing what is theirs.
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeleteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { EmbeddedDynamo } from '../../local/embedded-dynamodb.ts';
import { ENTITY_INDEX } from '../../shared/store/table.ts';
import { sendJson, startRecordingServer, type RecordingServer } from '../helpers/recording-server.ts';
import { completion, costOf, eventually, MASTER, outcome, spendConfig, startDynamo, startSpendGateway, type SpendGateway, type TestUsage } from './support.ts';

const USAGE: TestUsage = { prompt_tokens: 10, completion_tokens: 20 };
const today = new Date().toISOString().slice(0, 10);
const range = `start_date=${today}&end_date=${today}`;

let dynamo: EmbeddedDynamo;
let upstream: RecordingServer;
let gw: SpendGateway;

beforeAll(async () => {
  dynamo = await startDynamo();
  upstream = await startRecordingServer();
  // A message saying "fail" gets a 400 from the upstream (not retried): a failed request in the rollups.
  upstream.respond((request, res: ServerResponse) => {
    const failing = JSON.stringify(request.json?.messages ?? '').includes('fail');
    if (failing) sendJson(res, 400, { error: { message: 'bad request', type: 'invalid_request_error', param: null, code: null } });
    else sendJson(res, 200, completion(USAGE));
  });
  gw = await startSpendGateway(dynamo.endpoint, spendConfig(upstream.url));
});
afterAll(async () => {
  await gw?.close();
  await upstream?.close();
  await dynamo?.close();
});

async function call(method: string, path: string, key = MASTER): Promise<{ status: number; body: any }> {
  const response = await fetch(`${gw.url}${path}`, { method, headers: { authorization: `Bearer ${key}` } });
  return { status: response.status, body: await response.json() };
}

const chat = (key: string, model = 'gpt-4o', content = 'hi', tags?: string[]) =>
  outcome(gw.client(key).chat.completions.create({ model, messages: [{ role: 'user', content }], ...(tags && { metadata: { tags } }) } as any));

/** Waits until the rollups of `path` count `requests` (they are written after each response). */
const settled = (path: string, requests: number, key = MASTER) =>
  eventually(async () => {
    const answer = await call('GET', path, key);
    expect(answer.body.metadata?.total_api_requests).toBe(requests);
    return answer.body;
  });

let alice: { key: string; token: string };
let bob: { key: string; token: string };
let lone: { key: string; token: string };

beforeAll(async () => {
  await gw.admin('POST', '/user/new', { user_id: 'alice', user_role: 'internal_user', auto_create_key: false });
  await gw.admin('POST', '/user/new', { user_id: 'bob', user_role: 'internal_user', auto_create_key: false });
  await gw.admin('POST', '/team/new', {
    team_id: 'search',
    team_alias: 'Search',
    members_with_roles: [
      { user_id: 'alice', role: 'admin' },
      { user_id: 'bob', role: 'user' },
    ],
  });
  alice = (await gw.admin('POST', '/key/generate', { user_id: 'alice', team_id: 'search', key_alias: 'alice-key' })).body;
  bob = (await gw.admin('POST', '/key/generate', { user_id: 'bob', team_id: 'search' })).body;
  lone = (await gw.admin('POST', '/key/generate', {})).body;
  await gw.admin('POST', '/tag/new', { name: 'ads' });
  const results = await Promise.all([
    chat(alice.key),
    chat(alice.key),
    chat(alice.key, 'gpt-4o-mini', 'hi', ['ads']),
    chat(alice.key, 'gpt-4o', 'fail'),
    chat(bob.key, 'gpt-4o', 'hi', ['ads', 'beta']),
    chat(lone.key),
  ]);
  expect(results.map((r) => r.status)).toEqual([200, 200, 200, 400, 200, 200]);
  await settled(`/user/daily/activity?${range}`, 6);
}, 60_000);

describe('/user/daily/activity', () => {
  it("answers an admin everyone's day in LiteLLM's shape, broken down by model, provider, key and user", async () => {
    const body = await settled(`/user/daily/activity?${range}`, 6);
    const cost = costOf(USAGE);
    expect(body.results).toHaveLength(1);
    const [day] = body.results;
    expect(day.date).toBe(today);
    expect(day.metrics).toEqual({
      spend: expect.closeTo(cost * 5, 9),
      flat_cost: 0,
      prompt_tokens: 50,
      completion_tokens: 100,
      cache_read_input_tokens: 0,
      cache_creation_input_tokens: 0,
      compression_saved_tokens: 0,
      compression_savings_spend: 0,
      prompt_caching_savings_spend: 0,
      gateway_injected_caching_savings_spend: 0,
      autorouter_savings_spend: 0,
      total_tokens: 150,
      successful_requests: 5,
      failed_requests: 1,
      api_requests: 6,
      total_response_time_ms: expect.any(Number),
      timed_requests: 6,
    });
    expect(Object.keys(day.breakdown).sort()).toEqual(['api_keys', 'endpoints', 'entities', 'mcp_servers', 'model_groups', 'models', 'providers']);
    expect(day.breakdown.models['gpt-4o'].metrics.api_requests).toBe(5);
    expect(day.breakdown.models['gpt-4o-mini'].metrics.spend).toBeCloseTo(cost, 9);
    expect(day.breakdown.model_groups['gpt-4o-mini'].metrics.api_requests).toBe(1);
    expect(day.breakdown.providers.openai.metrics.api_requests).toBe(6);
    expect(day.breakdown.api_keys[alice.token]).toEqual({
      metrics: expect.objectContaining({ api_requests: 4, failed_requests: 1 }),
      metadata: { key_alias: 'alice-key', team_id: 'search', user_id: 'alice' },
    });
    expect(day.breakdown.models['gpt-4o'].api_key_breakdown[alice.token].metrics.api_requests).toBe(3);
    expect(day.breakdown.entities.alice.metrics.api_requests).toBe(4);
    expect(day.breakdown.entities.Unassigned.metrics.api_requests).toBe(1);
    expect(body.metadata).toMatchObject({
      total_spend: expect.closeTo(cost * 5, 9),
      total_api_requests: 6,
      total_successful_requests: 5,
      total_failed_requests: 1,
      total_tokens: 150,
      page: 1,
      total_pages: 1,
      has_more: false,
    });
  });

  it('filters by user, model and key (a raw key or its hash), and pages rows newest day first', async () => {
    expect((await call('GET', `/user/daily/activity?${range}&user_id=alice`)).body.metadata.total_api_requests).toBe(4);
    expect((await call('GET', `/user/daily/activity?${range}&model=gpt-4o-mini`)).body.metadata.total_api_requests).toBe(1);
    expect((await call('GET', `/user/daily/activity?${range}&api_key=${bob.key}`)).body.metadata.total_api_requests).toBe(1);
    expect((await call('GET', `/user/daily/activity?${range}&api_key=${bob.token}`)).body.metadata.total_api_requests).toBe(1);
    // Rows: alice × (gpt-4o, gpt-4o-mini), bob, the key without a user.
    const first = (await call('GET', `/user/daily/activity?${range}&page_size=3`)).body;
    expect(first.metadata).toMatchObject({ page: 1, total_pages: 2, has_more: true });
    const second = (await call('GET', `/user/daily/activity?${range}&page_size=3&page=2`)).body;
    expect(second.metadata).toMatchObject({ page: 2, total_pages: 2, has_more: false });
    expect(first.metadata.total_api_requests + second.metadata.total_api_requests).toBe(6);
  });

  it('shows a user their own activity only, and a key without a user its own requests', async () => {
    const own = await call('GET', `/user/daily/activity?${range}`, bob.key);
    expect(own.status).toBe(200);
    expect(own.body.metadata.total_api_requests).toBe(1);
    expect(Object.keys(own.body.results[0].breakdown.entities)).toEqual(['bob']);
    const other = await call('GET', `/user/daily/activity?${range}&user_id=alice`, bob.key);
    expect(other.status).toBe(403);
    expect(other.body.error.message).toContain('own user');
    const alone = await call('GET', `/user/daily/activity?${range}`, lone.key);
    expect(alone.body.metadata.total_api_requests).toBe(1);
    expect(Object.keys(alone.body.results[0].breakdown.api_keys)).toEqual([lone.token]);
  });

  it('refuses a request without both dates, or with a malformed one, with the parameter to fix', async () => {
    const missing = await call('GET', `/user/daily/activity?start_date=${today}`);
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatchObject({ param: 'end_date', type: 'invalid_request_error' });
    expect((await call('GET', `/user/daily/activity?start_date=yesterday&end_date=${today}`)).body.error.param).toBe('start_date');
    expect((await call('GET', `/user/daily/activity?${range}&page_size=0`)).body.error.param).toBe('page_size');
  });

  it('is served from the rollups, not the ledger: the answer holds once the spend records are gone', async () => {
    const before = (await call('GET', `/user/daily/activity?${range}`)).body;
    const records = await gw.store.client.send(
      new QueryCommand({ TableName: gw.store.table, IndexName: ENTITY_INDEX, KeyConditionExpression: 'entity = :e', ExpressionAttributeValues: { ':e': `spend_log#${today}` } }),
    );
    expect(records.Items?.length).toBeGreaterThanOrEqual(6);
    for (const item of records.Items ?? []) await gw.store.client.send(new DeleteCommand({ TableName: gw.store.table, Key: { pk: item['pk'], sk: item['sk'] } }));
    expect((await call('GET', `/user/daily/activity?${range}`)).body).toEqual(before);
  });
});

describe('/team/daily/activity', () => {
  it("answers the team's day with its alias, to an admin and to the team's admin, not to a member", async () => {
    const body = (await call('GET', `/team/daily/activity?${range}&team_ids=search`)).body;
    expect(body.metadata.total_api_requests).toBe(5);
    expect(body.results[0].breakdown.entities.search).toMatchObject({ metadata: { team_alias: 'Search' }, metrics: { api_requests: 5 } });
    expect((await call('GET', `/team/daily/activity?${range}`, alice.key)).body.metadata.total_api_requests).toBe(5);
    expect((await call('GET', `/team/daily/activity?${range}&team_ids=search`, bob.key)).status).toBe(403);
    expect((await call('GET', `/team/daily/activity?${range}`, bob.key)).body.results).toEqual([]);
    expect((await call('GET', `/team/daily/activity?${range}&exclude_team_ids=search`)).body.results).toEqual([]);
  });
});

describe('/tag/daily/activity', () => {
  it('answers each tag’s day to admins only; a request with two tags counts toward both', async () => {
    const ads = (await call('GET', `/tag/daily/activity?${range}&tags=ads`)).body;
    expect(ads.metadata.total_api_requests).toBe(2);
    expect(Object.keys(ads.results[0].breakdown.entities)).toEqual(['ads']);
    const all = (await call('GET', `/tag/daily/activity?${range}`)).body;
    expect(all.results[0].breakdown.entities.beta.metrics.api_requests).toBe(1);
    expect((await call('GET', `/tag/daily/activity?${range}`, alice.key)).status).toBe(401);
  });
});

describe('rollups under concurrency', () => {
  it('count every one of many concurrent requests on the same key (an atomic ADD per request)', async () => {
    const key = (await gw.admin('POST', '/key/generate', { user_id: 'carol' })).body.key as string;
    const results = await Promise.all(Array.from({ length: 30 }, () => chat(key)));
    expect(results.every((r) => r.status === 200)).toBe(true);
    const body = await settled(`/user/daily/activity?${range}&user_id=carol`, 30);
    expect(body.metadata.total_spend).toBeCloseTo(costOf(USAGE) * 30, 9);
  }, 30_000);
});
