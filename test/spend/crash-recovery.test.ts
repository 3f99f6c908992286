// Books that do not drift when an instance dies: a request's ledger record is written before its
// answer's last byte (the commit point); its bookings on the accounts' items keep a lease it renews
// while it runs; whoever writes to an item after a lease ran out charges the dead instance's
// requests what their ledger records say (nothing, for requests that never reached the record) and
// releases their holds, so no key stays locked. "Dying" here: an instance whose DynamoDB calls never
// return from some moment on, as if the process was killed there.
import type { ServerResponse } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedDynamo } from '../../local/embedded-dynamodb.ts';
import { HOLD_WINDOW_MS } from '../../shared/spend/periods.ts';
import type { SpendOverrides } from '../../shared/spend/from-config.ts';
import type { Store } from '../../shared/store/store.ts';
import { itemKeys } from '../../shared/store/table.ts';
import { openTestStore } from '../helpers/identity.ts';
import { sendJson, sendSse, startRecordingServer, type RecordingServer } from '../helpers/recording-server.ts';
import { ask, completion, costOf, eventually, outcome, spendConfig, startDynamo, startSpendGateway, testClock, type SpendGateway } from './support.ts';

const USAGE = { prompt_tokens: 20, completion_tokens: 50 };
const COST = costOf(USAGE);

let dynamo: EmbeddedDynamo;
let upstream: RecordingServer;
/** Reads the table as it is, whatever happens to the instances. */
let table: Store;
const clock = testClock();
const started: SpendGateway[] = [];
const funerals: Array<() => void> = [];

beforeAll(async () => {
  dynamo = await startDynamo();
  upstream = await startRecordingServer();
  table = await openTestStore(dynamo.endpoint, 0);
});
afterEach(async () => {
  for (const bury of funerals.splice(0)) bury();
  for (const gateway of started.splice(0)) await gateway.close();
  clock.set(Date.now());
  answer();
});
afterAll(async () => {
  await upstream.close();
  await dynamo.close();
});

async function gateway(overrides: SpendOverrides = {}): Promise<SpendGateway> {
  const started_ = await startSpendGateway(dynamo.endpoint, spendConfig(upstream.url), { now: clock.now, leaseCheckMs: 10, ...overrides });
  started.push(started_);
  return started_;
}

/** The upstream answers with USAGE once `until` resolves (streamed when asked). */
function answer(until: Promise<unknown> = Promise.resolve()): void {
  upstream.respond(async (request, res: ServerResponse) => {
    await until;
    if (!request.json?.stream) return sendJson(res, 200, completion(USAGE));
    const chunk = (body: Record<string, unknown>) => `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o', ...body })}\n\n`;
    await sendSse(res, [chunk({ choices: [{ index: 0, delta: { content: 'hello' }, finish_reason: 'stop' }] }), chunk({ choices: [], usage: completion(USAGE).usage }), 'data: [DONE]\n\n']);
  });
}

/** The upstream holds every request until `release()`; `called` resolves once `count` of them arrived. */
function holdingUpstream(count = 1): { called: Promise<void>; release(): void } {
  const released = latch();
  const called = latch();
  let arrived = 0;
  upstream.respond(async (_request, res: ServerResponse) => {
    if (++arrived === count) called.open();
    await released.promise;
    sendJson(res, 200, completion(USAGE));
  });
  return { called: called.promise, release: released.open };
}

function latch(): { promise: Promise<void>; open(): void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/**
 * Lets `gateway`'s DynamoDB calls through until `diesAfter` says the call just made was its last:
 * from then on no call returns (the process is gone), until the test buries it.
 */
function mortal(gateway: SpendGateway, diesAfter: (command: { constructor: { name: string }; input: any }) => boolean): { dead: Promise<void> } {
  const client = gateway.store.client;
  const send = client.send.bind(client) as (...args: unknown[]) => Promise<unknown>;
  const death = latch();
  let dead = false;
  let buried: () => void = () => {};
  const grave = new Promise<never>((_, reject) => (buried = () => reject(new Error('the instance is dead'))));
  grave.catch(() => {});
  funerals.push(() => buried());
  (client as { send: unknown }).send = async (command: { constructor: { name: string }; input: any }, ...rest: unknown[]) => {
    if (dead) return grave;
    const result = await send(command, ...rest);
    if (diesAfter(command)) {
      dead = true;
      death.open();
    }
    return result;
  };
  return { dead: death.promise };
}

const isLedgerWrite = (command: { constructor: { name: string }; input: any }) => command.constructor.name === 'PutCommand' && String(command.input.Item?.pk).startsWith('SPEND#');
const counters = async (token: string) => (await table.get<Record<string, any>>(itemKeys.key(token)))!;
const recordOf = async (requestId: string) => table.get<Record<string, any>>(itemKeys.spendLog(requestId));
const bookingsOf = (item: Record<string, unknown>) => Object.keys(item).filter((name) => name.startsWith('in_flight:'));
/** Waits until the key's item shows no request in flight and its books balance. */
const balanced = (token: string) =>
  eventually(async () => {
    const item = await counters(token);
    expect(bookingsOf(item)).toEqual([]);
    expect(item['parallel_requests']).toBe(0);
    expect(item['budget_committed']).toBeCloseTo(item['spend'], 9);
    return item;
  });

describe('the commit point', () => {
  it("writes the ledger record before the answer's last byte: JSON, and [DONE] of a stream", async () => {
    const a = await gateway();
    const { key } = (await a.admin('POST', '/key/generate', {})).body;
    const client = a.store.client;
    const send = client.send.bind(client) as (...args: unknown[]) => Promise<unknown>;
    let held = latch();
    let holding = latch();
    (client as { send: unknown }).send = async (command: { constructor: { name: string }; input: any }, ...rest: unknown[]) => {
      if (isLedgerWrite(command)) {
        holding.open();
        await held.promise;
      }
      return send(command, ...rest);
    };
    answer();
    for (const stream of [false, true]) {
      held = latch();
      holding = latch();
      let body = '';
      let answered = false;
      const request = fetch(`${a.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ ...ask(100), stream }),
      }).then(async (response) => {
        for await (const part of response.body!) body += Buffer.from(part).toString();
        answered = true;
        return response;
      });
      await holding.promise;
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(answered).toBe(false);
      if (stream) {
        expect(body).toContain('hello');
        expect(body).not.toContain('[DONE]');
      }
      held.open();
      const response = await request;
      expect(body).toContain(stream ? '[DONE]' : '"hello"');
      expect(await recordOf(response.headers.get('x-litellm-call-id')!)).toMatchObject({ status: 'success', spend: COST });
    }
  });
});

describe('an instance that dies', () => {
  it('after the ledger record, before settling: whoever writes to the key next charges it what the record says', async () => {
    const a = await gateway();
    const { key, token } = (await a.admin('POST', '/key/generate', { max_budget: 1, max_parallel_requests: 1 })).body;
    mortal(a, isLedgerWrite);
    answer();
    const { response } = await a.client(key).chat.completions.create(ask(100)).withResponse();
    const answeredId = response.headers.get('x-litellm-call-id')!;
    expect(await recordOf(answeredId)).toMatchObject({ spend: COST });
    expect(await counters(token)).toMatchObject({ spend: 0, parallel_requests: 1 });

    clock.advance(2 * HOLD_WINDOW_MS);
    const b = await gateway();
    expect((await outcome(b.client(key).chat.completions.create(ask(100)))).status).toBe(200);
    const item = await balanced(token);
    expect(item['spend']).toBeCloseTo(2 * COST, 12);
    expect(item['lapsed_usd']).toBe(0);
  });

  it('before its answer: nothing is charged, an abandoned record says why, and the key is not locked past two hold windows', async () => {
    const a = await gateway();
    const { key, token } = (await a.admin('POST', '/key/generate', { max_budget: 1, max_parallel_requests: 1 })).body;
    const upstreamCalled = latch();
    upstream.respond((_request, res: ServerResponse) => {
      upstreamCalled.open();
      sendJson(res, 200, completion(USAGE));
    });
    const { dead } = mortal(a, (command) => command.constructor.name === 'UpdateCommand');
    const client = new AbortController();
    const lost = outcome(a.client(key).chat.completions.create(ask(100), { signal: client.signal }));
    await Promise.all([dead, upstreamCalled.promise]);
    const booked = bookingsOf(await counters(token));
    expect(booked).toHaveLength(1);
    client.abort();
    await lost;

    answer();
    const b = await gateway();
    // Within its lease the dead request still holds the one parallel slot...
    expect((await outcome(b.client(key).chat.completions.create(ask(100)))).status).toBe(429);
    // ...and two hold windows on it no longer does.
    clock.advance(2 * HOLD_WINDOW_MS);
    expect((await outcome(b.client(key).chat.completions.create(ask(100)))).status).toBe(200);
    const item = await balanced(token);
    expect(item['spend']).toBeCloseTo(COST, 12);
    expect(await recordOf(booked[0]!.slice('in_flight:'.length))).toMatchObject({ call_type: 'abandoned', status: 'failure', spend: 0 });
  });

  it('holds of a dead instance that fill the budget are recovered at once when they refuse a request', async () => {
    const a = await gateway();
    const { key, token } = (await a.admin('POST', '/key/generate', { max_budget: 0.02 })).body;
    mortal(a, isLedgerWrite);
    answer();
    await a.client(key).chat.completions.create(ask(100));
    clock.advance(2 * HOLD_WINDOW_MS);
    // The dead request's worst case lapsed but is still committed until its ledger record is charged.
    const b = await gateway();
    expect((await outcome(b.client(key).chat.completions.create(ask(100)))).status).toBe(200);
    expect((await balanced(token))['spend']).toBeCloseTo(2 * COST, 12);
  });
});

describe('a live request', () => {
  it('renews its hold while it runs past many hold windows, so nobody takes it for dead', async () => {
    const a = await gateway();
    const b = await gateway();
    const { key, token } = (await a.admin('POST', '/key/generate', { max_budget: 1, max_parallel_requests: 1 })).body;
    const held = holdingUpstream();
    const long = outcome(a.client(key).chat.completions.create(ask(100)));
    await held.called;
    for (let window = 0; window < 4; window++) {
      // Into the next window, past the moment within it by which every request renews.
      const renewed = Math.floor(clock.now() / HOLD_WINDOW_MS) + 1;
      clock.set(renewed * HOLD_WINDOW_MS + HOLD_WINDOW_MS / 4 + 10);
      await eventually(async () => expect((await counters(token))['hold_window']).toBe(renewed));
    }
    expect((await outcome(b.client(key).chat.completions.create(ask(100)))).status).toBe(429);
    held.release();
    expect((await long).status).toBe(200);
    answer();
    expect((await outcome(b.client(key).chat.completions.create(ask(100)))).status).toBe(200);
    expect((await balanced(token))['spend']).toBeCloseTo(2 * COST, 12);
  });

  it('that stalled past its lease and was written off is refused at its commit point, and charged nothing', async () => {
    // An instance that stops renewing (an event loop stalled for longer than the lease).
    const a = await gateway({ leaseCheckMs: 3_600_000 });
    const b = await gateway();
    const { key, token } = (await a.admin('POST', '/key/generate', { max_budget: 1 })).body;
    const held = holdingUpstream();
    const stalled = outcome(a.client(key).chat.completions.create(ask(100)));
    await held.called;
    clock.advance(2 * HOLD_WINDOW_MS);
    answer();
    expect((await outcome(b.client(key).chat.completions.create(ask(100)))).status).toBe(200);
    await eventually(async () => expect(bookingsOf(await counters(token))).toEqual([]));
    held.release();
    const result = await stalled;
    expect(result.status).toBe(503);
    expect(result.error.message).toContain('lease');
    expect((await balanced(token))['spend']).toBeCloseTo(COST, 12);
  });
});

describe('a key regenerated with requests in flight', () => {
  it('charges their spend to the new key, and the old key stops working', async () => {
    const a = await gateway();
    const { key, token } = (await a.admin('POST', '/key/generate', { key_alias: 'rotating', max_budget: 1, max_parallel_requests: 10 })).body;
    const held = holdingUpstream(5);
    const inFlight = Array.from({ length: 5 }, () => outcome(a.client(key).chat.completions.create(ask(100))));
    await held.called;
    const regenerated = await a.admin('POST', '/key/regenerate', { key });
    expect(regenerated.status).toBe(200);
    held.release();
    expect((await Promise.all(inFlight)).map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);

    const fresh = regenerated.body as { key: string; token: string };
    const item = await balanced(fresh.token);
    expect(item['spend']).toBeCloseTo(5 * COST, 12);
    expect((await outcome(a.client(key).chat.completions.create(ask(100)))).status).toBe(401);
    answer();
    expect((await outcome(a.client(fresh.key).chat.completions.create(ask(100)))).status).toBe(200);
    expect((await a.admin('GET', `/key/info?key=${fresh.key}`)).body.info).toMatchObject({ key_alias: 'rotating' });
    expect((await a.admin('GET', `/key/info?key=${token}`)).status).toBe(404);
    expect((await balanced(fresh.token))['spend']).toBeCloseTo(6 * COST, 12);
  });
});
