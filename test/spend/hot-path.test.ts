// The hot path's DynamoDB budget: a warm key with a budget and limits costs one round trip before the
// upstream call, the ledger record before the answer's last byte (the day's activity rollup written
// beside it, awaited after the answer) and one settlement after it; and when
// DynamoDB is down, model requests fail closed with 503 unless allow_requests_on_db_unavailable lets
// them pass.
import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedDynamo } from '../../local/embedded-dynamodb.ts';
import { DailySpend } from '../../shared/store/daily-spend.ts';
import { itemKeys } from '../../shared/store/table.ts';
import { sendJson, startRecordingServer, type RecordingServer } from '../helpers/recording-server.ts';
import { answerWith, ask, completion, costOf, eventually, MASTER, outcome, spendConfig, startDynamo, startSpendGateway, type SpendGateway } from './support.ts';

const USAGE = { prompt_tokens: 10, completion_tokens: 10 };

let upstream: RecordingServer;

beforeAll(async () => {
  upstream = await startRecordingServer();
});
afterAll(async () => {
  await upstream.close();
});

/** How countCommands names a write to a daily activity rollup (an UpdateCommand). */
const ROLLUP = 'UpdateCommand (daily rollup)';

/** Lets the previous request's after-response writes finish. */
const settled = () => new Promise((resolve) => setTimeout(resolve, 50));

/**
 * Every command the gateway's DynamoDB client sends from now on, by name, once the writes after the
 * previous response (its settlement and daily rollups, which the client does not wait for) are done;
 * but the listing of the models stored with /model/new, made once a cache time beside whichever
 * request comes, which no request waits for.
 */
async function countCommands(gateway: SpendGateway): Promise<string[]> {
  const sent: string[] = [];
  let inFlight = 0;
  const client = gateway.store.client;
  const send = client.send.bind(client) as (...args: unknown[]) => Promise<unknown>;
  (client as { send: unknown }).send = (
    command: { constructor: { name: string }; input?: { ExpressionAttributeValues?: Record<string, unknown>; Key?: Record<string, unknown> } },
    ...rest: unknown[]
  ) => {
    const rollup = String(command.input?.Key?.['pk'] ?? '').startsWith('DAILY#');
    if (command.input?.ExpressionAttributeValues?.[':entity'] !== 'model') sent.push(rollup ? ROLLUP : command.constructor.name);
    inFlight++;
    return send(command, ...rest).finally(() => inFlight--);
  };
  // Quiet: nothing in flight, and nothing sent for a while.
  await eventually(async () => {
    const before = sent.length;
    await settled();
    expect([inFlight, sent.length]).toEqual([0, before]);
  });
  sent.length = 0;
  return sent;
}

/** The requests today's daily activity rollups count for the master key. */
async function masterKeyRollup(gateway: SpendGateway): Promise<number> {
  const today = new Date().toISOString().slice(0, 10);
  const rows = await new DailySpend(gateway.store).list('user', { from: today, to: today, entityIds: [''], api_key: 'master' });
  return rows.reduce((sum, row) => sum + row.api_requests, 0);
}

/** The upstream answers once `count` requests have arrived, all at once, so that they finish together. */
function answerTogether(count: number): void {
  const held: Array<() => void> = [];
  upstream.respond(
    (_request, res) =>
      new Promise<void>((done) => {
        held.push(() => {
          sendJson(res, 200, completion(USAGE));
          done();
        });
        if (held.length === count) for (const answer of held) answer();
      }),
  );
}

describe('DynamoDB round trips per request', () => {
  let dynamo: EmbeddedDynamo;
  let gateway: SpendGateway;
  beforeAll(async () => {
    dynamo = await startDynamo();
    gateway = await startSpendGateway(dynamo.endpoint, spendConfig(upstream.url), {}, 5);
  });
  afterAll(async () => {
    await gateway.close();
    await dynamo.close();
  });

  it('is one conditional write before the upstream call for a warm key with budget, budget windows and limits, three after (the ledger record, its daily rollup, the settlement)', async () => {
    const { key } = (
      await gateway.admin('POST', '/key/generate', {
        max_budget: 10,
        budget_duration: '1d',
        budget_limits: [
          { budget_duration: '1d', max_budget: 5 },
          { budget_duration: '1mo', max_budget: 50 },
        ],
        rpm_limit: 100,
        tpm_limit: 100_000,
        max_parallel_requests: 5,
        model_rpm_limit: { 'gpt-4o': 50 },
      })
    ).body;
    answerWith(upstream, USAGE);
    await gateway.client(key).chat.completions.create(ask(50)); // warms the key cache
    const sent = await countCommands(gateway);
    let beforeUpstream: string[] = [];
    upstream.respond((_request, res) => {
      beforeUpstream = [...sent];
      sendJson(res, 200, completion(USAGE));
    });
    await gateway.client(key).chat.completions.create(ask(50));
    expect(beforeUpstream).toEqual(['UpdateCommand']);
    await eventually(async () => expect([...sent].sort()).toEqual(['PutCommand', 'UpdateCommand', 'UpdateCommand', ROLLUP]));
  });

  it('adds one round trip for a team with limits of its own', async () => {
    await gateway.admin('POST', '/team/new', { team_id: 'limited', max_budget: 10 });
    const { key } = (await gateway.admin('POST', '/key/generate', { team_id: 'limited', rpm_limit: 100 })).body;
    answerWith(upstream, USAGE);
    await gateway.client(key).chat.completions.create(ask(50));
    const sent = await countCommands(gateway);
    let beforeUpstream: string[] = [];
    upstream.respond((_request, res) => {
      beforeUpstream = [...sent];
      sendJson(res, 200, completion(USAGE));
    });
    await gateway.client(key).chat.completions.create(ask(50));
    expect(beforeUpstream).toEqual(['UpdateCommand', 'UpdateCommand']);
  });

  it('costs the master key one round trip, its ledger record, before the answer, and nothing before the upstream call', async () => {
    answerWith(upstream, USAGE);
    await gateway.client(MASTER).chat.completions.create(ask(50));
    await settled();
    const sent = await countCommands(gateway);
    let beforeUpstream: string[] = [];
    upstream.respond((_request, res) => {
      beforeUpstream = [...sent];
      sendJson(res, 200, completion(USAGE));
    });
    await gateway.client(MASTER).chat.completions.create(ask(50));
    // Writes only: the router's shared cooldowns are read again (a GetItem) whenever their short cache
    // has lapsed, which a slow machine's pause between the two requests may make happen here.
    const writes = (names: string[]) => names.filter((name) => name !== 'GetCommand');
    expect(writes(beforeUpstream)).toEqual([]);
    expect(writes(sent)[0]).toBe('PutCommand');
    await settled();
    // After the answer, only the day's activity rollup (shared/store/daily-spend.ts), which no client waits for.
    expect(writes(sent)).toEqual(['PutCommand', ROLLUP]);
  });

  it('shares one BatchWriteItem among master-key requests that finish together, every record written before its answer', async () => {
    const TOGETHER = 20;
    answerTogether(TOGETHER);
    const sent = await countCommands(gateway);
    const counted = await masterKeyRollup(gateway);
    const ids = await Promise.all(
      Array.from({ length: TOGETHER }, async () => {
        const { response } = await gateway.client(MASTER).chat.completions.create(ask(50)).withResponse();
        const id = response.headers.get('x-litellm-call-id')!;
        // Answered: its record is there already.
        expect(await gateway.store.get(itemKeys.spendLog(id))).toMatchObject({ request_id: id, api_key: 'master', status: 'success' });
        return id;
      }),
    );
    expect(new Set(ids).size).toBe(TOGETHER);
    const writes = sent.filter((name) => name === 'PutCommand' || name === 'BatchWriteCommand');
    expect(writes).toContain('BatchWriteCommand');
    expect(writes.length).toBeLessThan(TOGETHER);
    // Their day's activity too: one rollup item (the master key, no user), added to in fewer writes than requests.
    await eventually(async () => expect(await masterKeyRollup(gateway)).toBe(counted + TOGETHER));
    const rollups = sent.filter((name) => name === ROLLUP).length;
    expect(rollups).toBeGreaterThan(0);
    expect(rollups).toBeLessThan(TOGETHER);
  });
});

describe('settlements of requests on one key that finish together', () => {
  it('share UpdateItems, and charge the key exactly once each', async () => {
    const dynamo = await startDynamo();
    const gateway = await startSpendGateway(dynamo.endpoint, spendConfig(upstream.url), {}, 5);
    try {
      const TOGETHER = 10;
      const { key, token } = (await gateway.admin('POST', '/key/generate', { max_budget: 10, rpm_limit: 1000, max_parallel_requests: TOGETHER })).body;
      answerWith(upstream, USAGE);
      await gateway.client(key).chat.completions.create(ask(50));
      await settled();
      answerTogether(TOGETHER);
      const sent = await countCommands(gateway);
      await Promise.all(Array.from({ length: TOGETHER }, () => gateway.client(key).chat.completions.create(ask(50))));
      const item = await eventually(async () => {
        const { Item } = await gateway.store.client.send(new GetCommand({ TableName: gateway.store.table, Key: itemKeys.key(token), ConsistentRead: true }));
        expect(Object.keys(Item!).filter((name) => name.startsWith('in_flight:'))).toEqual([]);
        return Item!;
      });
      const charged = Math.round(costOf(USAGE) * (TOGETHER + 1) * 1e9) / 1e9;
      expect(item).toMatchObject({ spend: charged, budget_committed: charged, parallel_requests: 0 });
      // One reservation each; the settlements fewer than one each, and so are the daily rollup's adds.
      const settlements = sent.filter((name) => name === 'UpdateCommand').length - TOGETHER;
      expect(settlements).toBeGreaterThan(0);
      expect(settlements).toBeLessThan(TOGETHER);
      const rollups = sent.filter((name) => name === ROLLUP).length;
      expect(rollups).toBeGreaterThan(0);
      expect(rollups).toBeLessThan(TOGETHER);
    } finally {
      await gateway.close();
      await dynamo.close();
    }
  });
});

describe("the daily rollups on a long-running server, which gathers each write's adds for a while", () => {
  it('writes the adds of requests one at a time together, every request counted', async () => {
    const dynamo = await startDynamo();
    const gateway = await startSpendGateway(dynamo.endpoint, spendConfig(upstream.url), { rollupGatherMs: 3000 }, 5);
    try {
      const ONE_BY_ONE = 5;
      answerWith(upstream, USAGE);
      const sent = await countCommands(gateway);
      const counted = await masterKeyRollup(gateway);
      for (let i = 0; i < ONE_BY_ONE; i++) await gateway.client(MASTER).chat.completions.create(ask(50));
      await eventually(async () => expect(await masterKeyRollup(gateway)).toBe(counted + ONE_BY_ONE), 10_000);
      // One write per gathering time (two if this machine took over 3 s for the five), not one per request.
      const rollups = sent.filter((name) => name === ROLLUP).length;
      expect(rollups).toBeGreaterThan(0);
      expect(rollups).toBeLessThanOrEqual(2);
    } finally {
      await gateway.close();
      await dynamo.close();
    }
  });
});

describe('when DynamoDB cannot be reached', () => {
  for (const allow of [false, true]) {
    it(allow ? 'lets requests through with allow_requests_on_db_unavailable, logging the missed accounting' : 'fails model requests closed with 503 saying so', async () => {
      const dynamo = await startDynamo();
      const gateway = await startSpendGateway(dynamo.endpoint, spendConfig(upstream.url, allow ? '  allow_requests_on_db_unavailable: true' : ''), {}, 60);
      try {
        const { key } = (await gateway.admin('POST', '/key/generate', { max_budget: 10 })).body;
        answerWith(upstream, USAGE);
        expect((await outcome(gateway.client(key).chat.completions.create(ask(50)))).status).toBe(200);
        await settled();
        await dynamo.close();
        const result = await outcome(gateway.client(key).chat.completions.create(ask(50)));
        if (allow) {
          expect(result.status).toBe(200);
          await eventually(async () => expect(gateway.log.text()).toContain('spend not recorded'));
          expect(gateway.log.text()).toContain('allow_requests_on_db_unavailable');
        } else {
          expect(result.status).toBe(503);
          expect(result.error).toMatchObject({ type: 'service_unavailable_error', code: '503' });
          expect(result.error.message).toContain('DynamoDB');
          expect(result.error.message).toContain('allow_requests_on_db_unavailable');
        }
      } finally {
        await gateway.close();
      }
    });
  }
});

describe("when one account's reservation fails and allow_requests_on_db_unavailable lets the request through", () => {
  it("gives back the other accounts' reservations exactly once", async () => {
    const dynamo = await startDynamo();
    const gateway = await startSpendGateway(dynamo.endpoint, spendConfig(upstream.url, '  allow_requests_on_db_unavailable: true'), {}, 0);
    try {
      await gateway.admin('POST', '/team/new', { team_id: 'throttled', max_budget: 10 });
      const { key, token } = (await gateway.admin('POST', '/key/generate', { team_id: 'throttled', max_budget: 10, max_parallel_requests: 5 })).body;
      // The team's reservation is throttled once; the key's goes through.
      const client = gateway.store.client;
      const send = client.send.bind(client) as (...args: unknown[]) => Promise<unknown>;
      let throttle = true;
      (client as { send: unknown }).send = (command: { constructor: { name: string }; input: { Key?: { pk?: string } } }, ...rest: unknown[]) => {
        if (throttle && command.constructor.name === 'UpdateCommand' && command.input.Key?.pk === 'TEAM#throttled') {
          throttle = false;
          return Promise.reject(new ProvisionedThroughputExceededException({ message: 'throttled', $metadata: {} }));
        }
        return send(command, ...rest);
      };
      answerWith(upstream, USAGE);
      expect((await outcome(gateway.client(key).chat.completions.create(ask(50)))).status).toBe(200);
      expect(throttle).toBe(false);
      const cost = costOf(USAGE);
      await eventually(async () => expect((await gateway.admin('GET', `/key/info?key=${token}`)).body.info.spend).toBe(cost));
      await settled();
      const { Item } = await client.send(new GetCommand({ TableName: gateway.store.table, Key: itemKeys.key(token) }));
      expect(Item).toMatchObject({ spend: cost, budget_committed: cost, parallel_requests: 0 });
    } finally {
      await gateway.close();
      await dynamo.close();
    }
  });
});
