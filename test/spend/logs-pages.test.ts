// Spend logs in bounded pages: GET /spend/logs answers LiteLLM's bare list a page at a time (default
// 100, at most 1000, x-total-count saying how many there are), and LiteLLM's GET /spend/logs/v2
// answers {data, total, page, page_size, total_pages} with its parameters, filters and defaults. The
// ledger holds records written by the real Ledger into dynalite.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedDynamo } from '../../local/embedded-dynamodb.ts';
import { Ledger, type SpendLog } from '../../shared/store/ledger.ts';
import { MASTER, spendConfig, startDynamo, startSpendGateway, type SpendGateway } from './support.ts';

const DAY_MS = 86_400_000;
let dynamo: EmbeddedDynamo;
let gateway: SpendGateway;
let own: { key: string; token: string };
const now = Date.now();
const OTHER = 'b'.repeat(64);

/** Record i: three days back at most, one a minute apart; every 10th failed; spend grows with i. */
function record(i: number, apiKey: string): SpendLog {
  const start = new Date(now - i * 60_000 - (i % 3) * DAY_MS).toISOString();
  return {
    request_id: `req-${apiKey.slice(0, 4)}-${i}`,
    call_type: 'acompletion',
    api_key: apiKey,
    key_alias: apiKey === OTHER ? 'team-search-prod' : 'own-key',
    spend: (i + 1) / 1000,
    provider_cost: (i + 1) / 1000,
    prompt_tokens: i,
    completion_tokens: 1,
    total_tokens: i + 1,
    cached_tokens: 0,
    cache_creation_input_tokens: 0,
    startTime: start,
    endTime: start,
    completionStartTime: null,
    request_duration_ms: 1000 - i,
    time_to_first_token_ms: null,
    model: 'gpt-4o-2024-08-06',
    model_id: 'dep-1',
    model_group: i % 2 ? 'gpt-4o-mini' : 'gpt-4o',
    custom_llm_provider: 'openai',
    user: null,
    team_id: null,
    end_user: null,
    status: i % 10 === 0 ? 'failure' : 'success',
    usage_estimated: false,
    metadata: {},
  };
}

beforeAll(async () => {
  dynamo = await startDynamo();
  gateway = await startSpendGateway(dynamo.endpoint, spendConfig('http://127.0.0.1:1'));
  own = (await gateway.admin('POST', '/key/generate', {})).body;
  const ledger = new Ledger(gateway.store, undefined);
  const writes = [...Array.from({ length: 180 }, (_, i) => record(i, OTHER)), ...Array.from({ length: 30 }, (_, i) => record(i, own.token))];
  for (let i = 0; i < writes.length; i += 25) await Promise.all(writes.slice(i, i + 25).map((log) => ledger.create(log)));
});
afterAll(async () => {
  await gateway.close();
  await dynamo.close();
});

async function get(path: string, key = MASTER) {
  const response = await fetch(`${gateway.url}${path}`, { headers: { authorization: `Bearer ${key}` } });
  return { status: response.status, headers: response.headers, body: (await response.json()) as any };
}

const newestFirst = (logs: SpendLog[]) => logs.every((log, i) => i === 0 || logs[i - 1]!.startTime >= log.startTime);
const today = new Date(now).toISOString().slice(0, 10);
const weekAgo = new Date(now - 7 * DAY_MS).toISOString().slice(0, 10);

describe('GET /spend/logs', () => {
  it('answers a page of at most 100 records by default, newest first, with x-total-count', async () => {
    const { status, headers, body } = await get('/spend/logs');
    expect(status).toBe(200);
    expect(body).toHaveLength(100);
    expect(newestFirst(body)).toBe(true);
    expect(headers.get('x-total-count')).toBe('210');
  });

  it('pages with page and page_size, up to 1000 a page', async () => {
    const first = (await get('/spend/logs?page_size=150')).body as SpendLog[];
    const second = (await get('/spend/logs?page_size=150&page=2')).body as SpendLog[];
    expect(first).toHaveLength(150);
    expect(second).toHaveLength(60);
    expect(new Set([...first, ...second].map((log) => log.request_id)).size).toBe(210);
    expect((await get('/spend/logs?page_size=1000')).body).toHaveLength(210);
    const tooBig = await get('/spend/logs?page_size=1001');
    expect(tooBig.status).toBe(400);
    expect(tooBig.body.error).toMatchObject({ param: 'page_size', message: expect.stringContaining('1000') });
  });

  it('still filters by key, and still summarizes a date range by day', async () => {
    const { body, headers } = await get(`/spend/logs?api_key=${OTHER}&page_size=1000`);
    expect(body).toHaveLength(180);
    expect(headers.get('x-total-count')).toBe('180');
    const days = (await get(`/spend/logs?start_date=${weekAgo}&end_date=${today}`)).body as Array<{ spend: number }>;
    expect(days.length).toBeGreaterThanOrEqual(3);
    const total = days.reduce((sum, day) => sum + day.spend, 0);
    expect(total).toBeCloseTo((180 * 181) / 2 / 1000 + (30 * 31) / 2 / 1000, 6);
  });
});

describe('GET /spend/logs/v2', () => {
  const v2 = (params: string, key = MASTER) => get(`/spend/logs/v2?start_date=${weekAgo}&end_date=${today}${params}`, key);

  it("answers LiteLLM's page shape, 50 records newest first by default", async () => {
    const { status, body } = await v2('');
    expect(status).toBe(200);
    expect(Object.keys(body).sort()).toEqual(['data', 'page', 'page_size', 'total', 'total_pages']);
    expect(body).toMatchObject({ total: 210, page: 1, page_size: 50, total_pages: 5 });
    expect(body.data).toHaveLength(50);
    expect(newestFirst(body.data)).toBe(true);
    const last = (await v2('&page=5')).body;
    expect(last.data).toHaveLength(10);
    expect((await v2('&page=6')).body.data).toEqual([]);
  });

  it('requires start_date and end_date, and keeps page_size within 1 to 100', async () => {
    const missing = await get('/spend/logs/v2?page=1');
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toContain('Start date and end date are required');
    for (const bad of ['&page_size=101', '&page_size=0', '&page=0', '&page=x']) expect((await v2(bad)).status, bad).toBe(400);
    expect((await v2('&page_size=100')).body.data).toHaveLength(100);
  });

  it('takes LiteLLM\'s "YYYY-MM-DD HH:MM:SS" dates as UTC', async () => {
    const from = new Date(now - 2 * 60_000 - 1000).toISOString().slice(0, 19).replace('T', ' ');
    const to = new Date(now + 60_000).toISOString().slice(0, 19).replace('T', ' ');
    const { body } = await get(`/spend/logs/v2?start_date=${encodeURIComponent(from)}&end_date=${encodeURIComponent(to)}`);
    // Records 0, 1 and 2 minutes back, of which those on today (i % 3 == 0 stays today): 0 from each key.
    expect(body.data.map((log: SpendLog) => log.request_id).sort()).toEqual([`req-${OTHER.slice(0, 4)}-0`, `req-${own.token.slice(0, 4)}-0`].sort());
  });

  it('filters as LiteLLM does', async () => {
    expect((await v2(`&api_key=${own.key}`)).body.total).toBe(30);
    expect((await v2('&status_filter=failure')).body.total).toBe(18 + 3);
    expect((await v2('&model_group=gpt-4o-mini')).body.total).toBe(90 + 15);
    expect((await v2('&key_alias=search')).body.total).toBe(180);
    expect((await v2('&min_spend=0.1&max_spend=0.15')).body.total).toBe(51);
    const one = (await v2(`&request_id=req-${OTHER.slice(0, 4)}-7`)).body;
    expect(one).toMatchObject({ total: 1, data: [{ request_id: `req-${OTHER.slice(0, 4)}-7` }] });
    for (const bad of ['&min_spend=lots', '&session_id=s1', '&sort_by=colour', '&sort_order=up']) expect((await v2(bad)).status, bad).toBe(400);
  });

  it('sorts by sort_by and sort_order', async () => {
    const dearest = (await v2('&sort_by=spend&page_size=3')).body.data.map((log: SpendLog) => log.spend);
    expect(dearest).toEqual([0.18, 0.179, 0.178]);
    const oldest = (await v2('&sort_order=asc&page_size=100')).body.data as SpendLog[];
    expect(oldest.every((log, i) => i === 0 || oldest[i - 1]!.startTime <= log.startTime)).toBe(true);
    const quickest = (await v2('&sort_by=request_duration_ms&sort_order=asc&page_size=1')).body.data[0];
    expect(quickest.request_duration_ms).toBe(1000 - 179);
  });

  it('shows a virtual key only its own records', async () => {
    const { body } = await v2('', own.key);
    expect(body.total).toBe(30);
    expect(body.data.every((log: SpendLog) => log.api_key === own.token)).toBe(true);
    expect((await v2(`&api_key=${OTHER}`, own.key)).status).toBe(403);
  });
});
