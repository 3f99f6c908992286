// Load shedding (issue 12, point 8): while the store is behind, new requests get a 503 with
// Retry-After at once instead of queueing store calls without bound, and the requests already taken
// finish. The store is made to fall behind for real: DynamoDB traffic goes through a proxy that stops
// forwarding, so calls pile up unanswered exactly as they do when DynamoDB (or a CPU-starved local
// dynalite) cannot keep up.
import { connect, createServer, type Server, type Socket } from 'node:net';
import { Readable } from 'node:stream';
import OpenAI from 'openai';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedDynamo } from '../../local/embedded-dynamodb.ts';
import { virtualKeyOptions } from '../../shared/keys/gateway-options.ts';
import { storeFromEnv } from '../../shared/store/open.ts';
import { itemKeys } from '../../shared/store/table.ts';
import type { Store } from '../../shared/store/store.ts';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';
import { CONFIG, MASTER, startDynamo } from '../helpers/identity.ts';
import { ADMIN_API } from '../../shared/admin-api.ts';

const MAX_IN_FLIGHT = 4;
/** Long enough that a busy machine's store does not shed the requests the test means to be taken. */
const MAX_WAIT_MS = 1000;

/** A TCP proxy to DynamoDB that can stop passing bytes on (the store "falls behind") and start again. */
interface StallingProxy {
  endpoint: string;
  stall(): void;
  resume(): void;
  close(): Promise<void>;
}

async function stallingProxy(target: string): Promise<StallingProxy> {
  const { port } = new URL(target);
  const sockets = new Set<Socket>();
  let stalled = false;
  const server: Server = createServer((client) => {
    const upstream = connect(Number(port), '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {});
    }
    client.pipe(upstream).pipe(client);
    // After pipe(), which resumes its source.
    if (stalled) for (const socket of [client, upstream]) socket.pause();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    stall: () => {
      stalled = true;
      for (const socket of sockets) socket.pause();
    },
    resume: () => {
      stalled = false;
      for (const socket of sockets) socket.resume();
    },
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

let dynamo: EmbeddedDynamo;
let proxy: StallingProxy;
/** Sheds past MAX_IN_FLIGHT calls under way. */
let store: Store;
let gateway: TestGateway;
/** Sheds once a backlog's oldest call has waited MAX_WAIT_MS. */
let waitingStore: Store;
let waitingGateway: TestGateway;

async function sheddingGateway(limits: Record<string, string>): Promise<{ store: Store; gateway: TestGateway }> {
  const env: Record<string, string> = { TOLLGATE_KEY_CACHE_SECONDS: '60', ...limits };
  const store = storeFromEnv({ env: (name) => env[name], endpoint: proxy.endpoint });
  await store.createTableIfMissing();
  return { store, gateway: await startGateway(CONFIG, {}, { ...virtualKeyOptions(store), adminApi: ADMIN_API }) };
}

beforeAll(async () => {
  dynamo = await startDynamo();
  proxy = await stallingProxy(dynamo.endpoint);
  ({ store, gateway } = await sheddingGateway({ TOLLGATE_MAX_DB_CALLS_IN_FLIGHT: String(MAX_IN_FLIGHT) }));
  ({ store: waitingStore, gateway: waitingGateway } = await sheddingGateway({ TOLLGATE_MAX_DB_WAIT_MS: String(MAX_WAIT_MS) }));
});
afterAll(async () => {
  proxy.resume();
  await gateway.close();
  await waitingGateway.close();
  await proxy.close();
  await dynamo.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function settled(at = store): Promise<void> {
  while (at.load.inFlight > 0) await sleep(10);
}

async function newKey(at: TestGateway): Promise<string> {
  const generated = await fetch(`${at.url}/key/generate`, { method: 'POST', headers: { authorization: `Bearer ${MASTER}` }, body: JSON.stringify({ max_budget: 100, rpm_limit: 1000 }) });
  return ((await generated.json()) as { key: string }).key;
}

describe('load shedding', () => {
  it('answers new requests 503 with Retry-After while the store is behind, and lets the ones already taken finish', async () => {
    const key = await newKey(gateway);
    const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: key, maxRetries: 0 });
    const ask = () => client.chat.completions.create({ model: 'mock', messages: [{ role: 'user', content: 'hello' }] });
    await ask(); // the key is now cached: from here on, only reservations and settlements reach the store
    await settled();

    proxy.stall();
    // Ten requests pass the door together and wait there for the rest of their bodies; then all ten
    // go on to their reservations at once. A check made before their calls are sent would pass them all.
    let sendRest!: () => void;
    const rest = new Promise<void>((resolve) => (sendRest = resolve));
    const outcomes: Array<{ status: number; retryAfter: unknown; body: any }> = [];
    const burst = Array.from({ length: 10 }, () =>
      request(`${gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: Readable.from(
          (async function* () {
            yield '{"model":"mock",';
            await rest;
            yield '"messages":[{"role":"user","content":"hello"}]}';
          })(),
        ),
      }).then(async (response) => void outcomes.push({ status: response.statusCode, retryAfter: response.headers['retry-after'], body: await response.body.json() })),
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    sendRest();
    // The ones over the bound are answered while the store still says nothing; the others wait on it.
    for (let waited = 0; outcomes.length < 10 - MAX_IN_FLIGHT && waited < 5000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(outcomes).toHaveLength(10 - MAX_IN_FLIGHT);
    for (const outcome of outcomes) {
      expect(outcome).toMatchObject({ status: 503, retryAfter: '1', body: { error: { type: 'service_unavailable_error', code: '503', param: null } } });
      expect(outcome.body.error.message).toContain('TOLLGATE_MAX_DB_CALLS_IN_FLIGHT');
    }
    // Any other route that needs the key is refused at the door meanwhile; the health probes are not.
    expect((await fetch(`${gateway.url}/v1/models`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(503);
    expect((await fetch(`${gateway.url}/health/liveliness`)).status).toBe(200);

    proxy.resume();
    await Promise.all(burst);
    const taken = outcomes.slice(10 - MAX_IN_FLIGHT);
    expect(taken).toHaveLength(MAX_IN_FLIGHT);
    for (const { status, body } of taken) expect({ status, content: body.choices[0].message.content }).toMatchObject({ status: 200, content: expect.stringContaining('hello') });
    await settled();
    expect((await ask()).choices[0]!.message.content).toContain('hello');
  });

  it('answers 503 once a backlog of calls has waited longer than TOLLGATE_MAX_DB_WAIT_MS, under the count bound', async () => {
    const key = await newKey(waitingGateway);
    const client = new OpenAI({ baseURL: `${waitingGateway.url}/v1`, apiKey: key, maxRetries: 0 });
    const ask = () => client.chat.completions.create({ model: 'mock', messages: [{ role: 'user', content: 'hello' }] });
    await ask();
    await settled(waitingStore);

    proxy.stall();
    const taken = Array.from({ length: 20 }, () => ask());
    while (waitingStore.load.inFlight < 20) await sleep(10);
    await sleep(MAX_WAIT_MS + 50);
    const refused = await ask().catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OpenAI.APIError);
    expect((refused as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
    expect((refused as Error).message).toMatch(/20 calls are waiting on this instance, the oldest for \d+ ms \(at most 1000, TOLLGATE_MAX_DB_WAIT_MS\)/);

    proxy.resume();
    for (const completion of await Promise.all(taken)) expect(completion.choices[0]!.message.content).toContain('hello');
    await settled(waitingStore);
    expect((await ask()).choices[0]!.message.content).toContain('hello');
  });

  it('makes one read of an item that many requests miss together, and caches no read a write overtook', async () => {
    const gets: Array<() => void> = [];
    let holdGets = false;
    store.client.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        if (context.commandName === 'GetItemCommand') await new Promise<void>((resolve) => (holdGets ? gets.push(resolve) : resolve()));
        return result;
      },
      { step: 'initialize', name: 'heldGets' },
    );
    try {
      holdGets = true;
      const team = itemKeys.team(`team-${Date.now()}`);
      const together = Array.from({ length: 50 }, () => store.cachedGet(team));
      while (gets.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      expect(store.load.inFlight).toBe(1);
      // The read has its answer (no such team); a write lands before it is handed back.
      await store.create(team, 'team', { team_id: 'written' });
      holdGets = false;
      for (const release of gets.splice(0)) release();
      expect(await Promise.all(together)).toEqual(Array(50).fill(undefined));
      expect(await store.cachedGet(team)).toMatchObject({ team_id: 'written' });
    } finally {
      holdGets = false;
      for (const release of gets.splice(0)) release();
      store.client.middlewareStack.remove('heldGets');
    }
  });
});
