// The local server under load in a child process, over a DynamoDB (dynalite) this test holds: kill -9
// it mid-load, start a gateway again over the same table (its clock 61 s on, past every lease), and
// the books must balance: every answer a client received has its ledger record, every key's spend is
// the sum of its ledger records, and no key is left locked by the requests the dead process held.
// And under master-key load, whose records are group-committed: every answered request has its record.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedDynamo } from '../../local/embedded-dynamodb.ts';
import { Ledger } from '../../shared/store/ledger.ts';
import type { Store } from '../../shared/store/store.ts';
import { itemKeys } from '../../shared/store/table.ts';
import { openTestStore } from '../helpers/identity.ts';
import { sendJson, sendSse, sleep, startRecordingServer, type RecordingServer } from '../helpers/recording-server.ts';
import { ask, completion, eventually, MASTER, spendConfig, startDynamo, startSpendGateway, testClock } from './support.ts';

const KEYS = 4;
const CLIENTS_PER_KEY = 6;
/** Answers the clients must have received before the kill, so that it lands mid-load. */
const ANSWERS_BEFORE_KILL = 60;

let dynamo: EmbeddedDynamo;
let upstream: RecordingServer;
let table: Store;
let server: ChildProcess | undefined;
const dir = mkdtempSync(join(tmpdir(), 'tollgate-kill-'));

beforeAll(async () => {
  dynamo = await startDynamo();
  upstream = await startRecordingServer();
  table = await openTestStore(dynamo.endpoint, 0);
  // An upstream that takes a little while, so that many requests are in flight at any moment.
  upstream.respond(async (request, res: ServerResponse) => {
    await sleep(5 + Math.random() * 30);
    const usage = { prompt_tokens: 20 + Math.floor(Math.random() * 50), completion_tokens: 10 + Math.floor(Math.random() * 80) };
    if (!request.json?.stream) return sendJson(res, 200, completion(usage));
    const chunk = (body: Record<string, unknown>) => `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o', ...body })}\n\n`;
    await sendSse(
      res,
      [
        chunk({ choices: [{ index: 0, delta: { content: 'hel' }, finish_reason: null }] }),
        chunk({ choices: [{ index: 0, delta: { content: 'lo' }, finish_reason: 'stop' }] }),
        chunk({ choices: [], usage: completion(usage).usage }),
        'data: [DONE]\n\n',
      ],
      3,
    );
  });
});
afterAll(async () => {
  if (server && server.exitCode === null) server.kill('SIGKILL');
  await upstream.close();
  await dynamo.close();
  rmSync(dir, { recursive: true, force: true });
});

/** `npm start`'s server (local/server.ts) over the test's table; resolves with its URL. */
function startServer(): Promise<string> {
  const config = join(dir, 'gateway.config.yaml');
  writeFileSync(config, spendConfig(upstream.url));
  server = spawn(process.execPath, ['--import', 'tsx', 'local/server.ts'], {
    env: { ...process.env, DYNAMODB_ENDPOINT: dynamo.endpoint, GATEWAY_CONFIG: config, PORT: '0', HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (data: Buffer) => {
      if (output.length < 10_000) output += data.toString();
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
      if (url) resolve(url);
    };
    server!.stdout!.on('data', onData);
    server!.stderr!.on('data', onData);
    server!.once('exit', (code) => reject(new Error(`the server exited with ${code}: ${output}`)));
  });
}

/** One chat request: its request id if the client received the whole answer (JSON, or a stream through [DONE]). */
async function chat(url: string, key: string, stream: boolean): Promise<string | undefined> {
  try {
    const response = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ...ask(100), stream }),
    });
    const body = await response.text();
    const whole = response.status === 200 && (stream ? body.trimEnd().endsWith('data: [DONE]') : JSON.parse(body).choices?.length === 1);
    return whole ? response.headers.get('x-litellm-call-id')! : undefined;
  } catch {
    return undefined; // the server died under it
  }
}

describe('kill -9 under load, then a restart', () => {
  it('loses no answered request, charges every key exactly its ledger records, and locks no key', async () => {
    const url = await startServer();
    const admin = (path: string, body: unknown) =>
      fetch(`${url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${MASTER}`, 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) => r.json() as Promise<any>);
    // Keys with a budget and a parallel limit (the dead process's holds would lock them), and one with no limits.
    const keys: Array<{ key: string; token: string }> = [];
    for (let i = 0; i < KEYS; i++) keys.push(await admin('/key/generate', i === 0 ? {} : { max_budget: 50, max_parallel_requests: CLIENTS_PER_KEY - 1 }));

    const answered = new Set<string>();
    let killed = false;
    const clients = keys.flatMap(({ key }) =>
      Array.from({ length: CLIENTS_PER_KEY }, async (_, i) => {
        while (!killed) {
          const id = await chat(url, key, i % 2 === 1);
          if (id && !killed) answered.add(id);
        }
      }),
    );
    await eventually(async () => expect(answered.size).toBeGreaterThanOrEqual(ANSWERS_BEFORE_KILL), 15_000);
    // Ids answered up to the kill; an answer arriving as the process dies may not be counted, never the reverse.
    const answeredBeforeKill = new Set(answered);
    server!.kill('SIGKILL');
    killed = true;
    await Promise.all(clients);

    // The restart: another gateway over the same table, 61 s later.
    const clock = testClock(Date.now() + 61_000);
    const restarted = await startSpendGateway(dynamo.endpoint, spendConfig(upstream.url), { now: clock.now });
    try {
      for (const { key } of keys) expect(await chat(restarted.url, key, false)).toBeDefined();

      const ledger = new Ledger(table, undefined);
      const from = new Date(Date.now() - 600_000).toISOString();
      const to = new Date(clock.now() + 600_000).toISOString();
      for (const { token } of keys) {
        const { item, records } = await eventually(async () => {
          const item = (await table.get<Record<string, any>>(itemKeys.key(token)))!;
          expect(Object.keys(item).filter((name) => name.startsWith('in_flight:'))).toEqual([]);
          return { item, records: await ledger.list({ from, to, api_key: token }, clock.now()) };
        }, 10_000);
        const recorded = Math.round(records.reduce((sum, record) => sum + record.spend, 0) * 1e9) / 1e9;
        expect(item['spend']).toBeCloseTo(recorded, 9);
        expect(item['parallel_requests'] ?? 0).toBe(0);
        expect(item['lapsed_usd'] ?? 0).toBe(0);
        if (item['budget_committed'] !== undefined) expect(item['budget_committed']).toBeCloseTo(item['spend'], 9);
      }
      for (const id of answeredBeforeKill) {
        expect(await table.get(itemKeys.spendLog(id)), `answered request ${id} has a ledger record`).toMatchObject({ status: 'success' });
      }
    } finally {
      await restarted.close();
    }
  });
});

describe('kill -9 under master-key load, whose ledger records are group-committed', () => {
  // Up to a minute: starting a server process under tsx takes most of it on a loaded machine.
  it('loses the record of no answered request', async () => {
    const url = await startServer();
    const answered = new Set<string>();
    let killed = false;
    // Many at once, so that records are batched (shared/store/group-commit.ts) when the process dies.
    const clients = Array.from({ length: KEYS * CLIENTS_PER_KEY }, async (_, i) => {
      while (!killed) {
        const id = await chat(url, MASTER, i % 2 === 1);
        if (id && !killed) answered.add(id);
      }
    });
    await eventually(async () => expect(answered.size).toBeGreaterThanOrEqual(ANSWERS_BEFORE_KILL), 15_000);
    const answeredBeforeKill = new Set(answered);
    server!.kill('SIGKILL');
    killed = true;
    await Promise.all(clients);
    for (const id of answeredBeforeKill) {
      expect(await table.get(itemKeys.spendLog(id)), `answered request ${id} has a ledger record`).toMatchObject({ status: 'success', api_key: 'master' });
    }
  }, 60_000);
});
