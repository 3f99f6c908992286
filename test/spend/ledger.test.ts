// The spend ledger: one record per request, written after the response (a client that leaves early
// is still recorded), spend added to the key, team, user and end user items, and GET /spend/logs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedDynamo } from '../../local/embedded-dynamodb.ts';
import { itemKeys } from '../../shared/store/table.ts';
import { startRecordingServer, type RecordingServer } from '../helpers/recording-server.ts';
import { answerWith, ask, costOf, eventually, MASTER, spendConfig, startDynamo, startSpendGateway, testClock, type SpendGateway } from './support.ts';

const USAGE = { prompt_tokens: 1000, completion_tokens: 200 };
const PROVIDER_COST = costOf(USAGE); // 0.01 + 0.02
// Keys are charged the provider's cost plus the configured 10% margin; the ledger keeps both.
const COST = Math.round(PROVIDER_COST * 1.1 * 1e9) / 1e9;

let dynamo: EmbeddedDynamo;
let upstream: RecordingServer;
let gateway: SpendGateway;
let key: string;
let token: string;
// Records carry the real start time; the tracker's clock (retention) starts there too.
const clock = testClock();
const TODAY = new Date().toISOString().slice(0, 10);
const YESTERDAY = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);

beforeAll(async () => {
  dynamo = await startDynamo();
  upstream = await startRecordingServer();
  answerWith(upstream, USAGE);
  gateway = await startSpendGateway(dynamo.endpoint, `${spendConfig(upstream.url, '  maximum_spend_logs_retention_period: 7d')}litellm_settings:\n  cost_margin_config: { openai: 0.1 }\n`, {
    now: clock.now,
  });
  expect((await gateway.admin('POST', '/team/new', { team_id: 'team-a' })).status).toBe(200);
  expect((await gateway.admin('POST', '/user/new', { user_id: 'user-a' })).status).toBe(200);
  expect((await gateway.admin('POST', '/customer/new', { user_id: 'end-a' })).status).toBe(200);
  const generated = await gateway.admin('POST', '/key/generate', { key_alias: 'ledger-key', team_id: 'team-a', user_id: 'user-a' });
  key = generated.body.key;
  token = generated.body.token;
});
afterAll(async () => {
  await gateway.close();
  await upstream.close();
  await dynamo.close();
});

const logsFor = async (query: string, as = MASTER) => {
  const response = await fetch(`${gateway.url}/spend/logs?${query}`, { headers: { authorization: `Bearer ${as}` } });
  return { status: response.status, body: (await response.json()) as any };
};

describe('the spend ledger', () => {
  it('records a request with who, what, tokens, both costs and timings, and adds its cost to every account', async () => {
    const { data, response } = await gateway
      .client(key)
      .chat.completions.create(ask(300, { user: 'end-a' }))
      .withResponse();
    expect(data.choices[0]!.message.content).toBe('hello');
    const requestId = response.headers.get('x-litellm-call-id')!;
    const [log] = await eventually(async () => {
      const { body } = await logsFor(`request_id=${requestId}`);
      expect(body).toHaveLength(1);
      return body;
    });
    expect(log).toMatchObject({
      request_id: requestId,
      call_type: 'acompletion',
      api_key: token,
      key_alias: 'ledger-key',
      team_id: 'team-a',
      user: 'user-a',
      end_user: 'end-a',
      model_group: 'gpt-4o',
      model: 'gpt-4o',
      custom_llm_provider: 'openai',
      prompt_tokens: 1000,
      completion_tokens: 200,
      total_tokens: 1200,
      status: 'success',
      usage_estimated: false,
    });
    expect(log.spend).toBeCloseTo(COST, 12);
    expect(log.provider_cost).toBeCloseTo(PROVIDER_COST, 12);
    expect(log.metadata.cost_breakdown).toEqual({ provider_cost: log.provider_cost, charged: log.spend });
    expect(Date.parse(log.endTime)).toBeGreaterThanOrEqual(Date.parse(log.startTime));
    expect(log.time_to_first_token_ms).toBeGreaterThanOrEqual(0);
    // Neither the raw key nor the provider credential is in the record.
    expect(JSON.stringify(log)).not.toContain(key);
    expect(JSON.stringify(log)).not.toContain('sk-upstream-secret');

    for (const item of [itemKeys.key(token), itemKeys.team('team-a'), itemKeys.user('user-a'), itemKeys.customer('end-a')]) {
      expect((await gateway.store.get<{ spend: number }>(item))!.spend).toBeCloseTo(COST, 12);
    }
    const info = (await gateway.admin('GET', `/key/info?key=${key}`)).body.info;
    expect(info.spend).toBeCloseTo(COST, 12);
    // The tracker's own counters stay on the item, out of LiteLLM-shaped answers.
    expect(Object.keys(info).filter((k) => /^(budget_committed|hold_|rl_|parallel_requests$|model:)/.test(k))).toEqual([]);
  });

  it('prices a streamed request exactly as the same request not streamed', async () => {
    const client = gateway.client(key);
    const plain = await client.chat.completions.create(ask(300)).withResponse();
    const stream = await client.chat.completions.create({ ...ask(300), stream: true }).withResponse();
    for await (const _ of stream.data) {
      /* drain */
    }
    const ids = [plain.response.headers.get('x-litellm-call-id'), stream.response.headers.get('x-litellm-call-id')];
    const spends = await eventually(async () => {
      const found = await Promise.all(ids.map(async (id) => (await logsFor(`request_id=${id}`)).body[0]));
      expect(found.every(Boolean)).toBe(true);
      return found.map((log) => log.spend);
    });
    expect(spends[0]).toBeCloseTo(COST, 12);
    expect(spends[1]).toBe(spends[0]);
  });

  it('still records a stream whose client went away mid-answer, priced from what was sent', async () => {
    upstream.respond(async (_request, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const chunk = { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o', choices: [{ index: 0, delta: { content: 'partial answer ' }, finish_reason: null }] };
      for (let i = 0; i < 200 && !res.destroyed; i++) {
        res.write(`data: ${JSON.stringify(chunk)}\n\n`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      res.end();
    });
    const before = (await gateway.store.get<{ spend: number }>(itemKeys.key(token)))!.spend;
    const controller = new AbortController();
    const stream = await gateway
      .client(key)
      .chat.completions.create({ ...ask(300), stream: true }, { signal: controller.signal })
      .withResponse();
    const requestId = stream.response.headers.get('x-litellm-call-id');
    let received = 0;
    try {
      for await (const _ of stream.data) if (++received === 3) controller.abort();
    } catch {
      // The client's own abort.
    }
    expect(received).toBe(3);
    const [log] = await eventually(async () => {
      const { body } = await logsFor(`request_id=${requestId}`);
      expect(body).toHaveLength(1);
      return body;
    });
    expect(log.usage_estimated).toBe(true);
    expect(log.completion_tokens).toBeGreaterThan(0);
    expect(log.spend).toBeGreaterThan(0);
    expect((await gateway.store.get<{ spend: number }>(itemKeys.key(token)))!.spend).toBeCloseTo(before + log.spend, 9);
    answerWith(upstream, USAGE);
  });

  it('lists records by key, team, user, end user and date range; a key sees only its own', async () => {
    const other = (await gateway.admin('POST', '/key/generate', {})).body;
    await gateway.client(other.key).chat.completions.create(ask(300));
    await eventually(async () => expect((await logsFor(`api_key=${other.token}`)).body).toHaveLength(1));

    const all = (await logsFor('')).body as any[];
    expect(all.length).toBeGreaterThanOrEqual(5);
    expect((await logsFor(`api_key=${key}`)).body.every((log: any) => log.api_key === token)).toBe(true);
    expect((await logsFor('team_id=team-a')).body).toHaveLength(all.length - 1);
    expect((await logsFor('user_id=user-a')).body).toHaveLength(all.length - 1);
    expect((await logsFor('end_user=end-a')).body).toHaveLength(1);
    expect((await logsFor(`end_date=${YESTERDAY}&summarize=false`)).body).toHaveLength(0);
    expect((await logsFor(`start_date=${TODAY}&end_date=${TODAY}&summarize=false`)).body).toHaveLength(all.length);

    // LiteLLM's summary: one row per day with spend by model and by key.
    const [day] = (await logsFor(`start_date=${TODAY}&end_date=${TODAY}`)).body;
    expect(day.startTime).toBe(TODAY);
    expect(day.spend).toBeCloseTo(
      all.reduce((sum, log) => sum + log.spend, 0),
      9,
    );
    expect(Object.keys(day.users).sort()).toEqual([token, other.token].sort());

    const own = await logsFor('', other.key);
    expect(own.status).toBe(200);
    expect(own.body.map((log: any) => log.api_key)).toEqual([other.token]);
    const foreign = await logsFor(`api_key=${token}`, other.key);
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.param).toBe('api_key');
    expect((await logsFor('start_date=yesterday')).body.error).toMatchObject({ param: 'start_date', code: '400' });
  });

  it('keeps records for the retention period only', async () => {
    const all = (await logsFor('')).body as any[];
    const item = all[0];
    const stored = await gateway.store.get<{ ttl: number }>({ pk: `SPEND#${item.request_id}`, sk: 'SPEND' });
    expect(stored!.ttl).toBe(Math.ceil((Date.parse(item.startTime) + 7 * 86_400_000) / 1000));
    clock.advance(8 * 86_400_000);
    try {
      expect((await logsFor(`start_date=${TODAY}&end_date=${TODAY}&summarize=false`)).body).toHaveLength(0);
    } finally {
      clock.set(Date.now());
    }
  });
});

describe('GET /global/spend/report', () => {
  it("groups spend by day and by team, key, customer or model, in LiteLLM's shape", async () => {
    const report = async (groupBy: string) => (await gateway.admin('GET', `/global/spend/report?start_date=${TODAY}&end_date=${TODAY}&group_by=${groupBy}`)).body;
    const [byTeam] = await report('team');
    expect(byTeam.group_by_day).toBe(TODAY);
    const team = byTeam.teams.find((t: any) => t.team_name === 'team-a');
    expect(team.metadata[0]).toMatchObject({ model: 'gpt-4o' });
    expect(team.metadata[0].total_tokens).toBeGreaterThan(0);
    expect(byTeam.teams.map((t: any) => t.team_name)).toContain('Unassigned Team');
    const [byKey] = await report('api_key');
    expect(byKey.api_keys.map((k: any) => k.api_key)).toContain(token);
    const [byCustomer] = await report('customer');
    expect(byCustomer.customers.find((c: any) => c.customer === 'end-a').total_spend).toBeCloseTo(COST, 12);
    const [byModel] = await report('model');
    expect(byModel.models.map((m: any) => m.model)).toEqual(['gpt-4o']);
    const total = (groups: any[]) => groups.reduce((sum, g) => sum + g.total_spend, 0);
    expect(total(byModel.models)).toBeCloseTo(total(byTeam.teams), 9);
    expect((await gateway.admin('GET', '/global/spend/report?group_by=planet')).body.error.param).toBe('group_by');
    // A name every object has is not a grouping either: a 400, not a 500.
    const inherited = await gateway.admin('GET', `/global/spend/report?start_date=${TODAY}&end_date=${TODAY}&group_by=constructor`);
    expect(inherited.status).toBe(400);
    expect(inherited.body.error.param).toBe('group_by');
  });
});
