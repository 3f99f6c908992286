// SIGTERM (what ECS sends a Fargate task it stops, and what `npm start` gets from a process manager):
// the local server stops taking connections, answers the stream in flight to its last event, records its
// spend, and exits 0. The server runs as `npm start` runs it, in a child process, over a dynalite this
// test holds, so the ledger can be read after the process is gone.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedDynamo } from '../../local/embedded-dynamodb.ts';
import type { Store } from '../../shared/store/store.ts';
import { itemKeys } from '../../shared/store/table.ts';
import { openTestStore } from '../helpers/identity.ts';
import { sendSse, startRecordingServer, type RecordingServer } from '../helpers/recording-server.ts';
import { serverEnv } from '../helpers/server-env.ts';
import { completion, MASTER, spendConfig, startDynamo } from '../spend/support.ts';

const EVENTS = 8;
const GAP_MS = 250;

let dynamo: EmbeddedDynamo;
let table: Store;
let upstream: RecordingServer;
let server: ChildProcess | undefined;

beforeAll(async () => {
  dynamo = await startDynamo();
  table = await openTestStore(dynamo.endpoint, 0);
  // A stream that takes two seconds: long enough for SIGTERM to land in the middle of it.
  upstream = await startRecordingServer(async (_request, res) => {
    const chunk = (body: Record<string, unknown>) => `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o', ...body })}\n\n`;
    const words = Array.from({ length: EVENTS }, (_, i) => chunk({ choices: [{ index: 0, delta: { content: `w${i} ` }, finish_reason: null }] }));
    await sendSse(
      res,
      [
        ...words,
        chunk({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }),
        chunk({ choices: [], usage: completion({ prompt_tokens: 12, completion_tokens: EVENTS }).usage }),
        'data: [DONE]\n\n',
      ],
      GAP_MS,
    );
  });
});
afterAll(async () => {
  if (server && server.exitCode === null) server.kill('SIGKILL');
  await upstream.close();
  await dynamo.close();
});

function startServer(): Promise<string> {
  const config = join(mkdtempSync(join(tmpdir(), 'tollgate-sigterm-')), 'gateway.config.yaml');
  writeFileSync(config, spendConfig(upstream.url));
  server = spawn(process.execPath, ['--import', 'tsx', 'local/server.ts'], {
    env: serverEnv({ DYNAMODB_ENDPOINT: dynamo.endpoint, GATEWAY_CONFIG: config, PORT: '0', HOST: '127.0.0.1' }),
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

describe('SIGTERM', () => {
  it('finishes the stream in flight, records its spend, refuses new connections, and exits 0', async () => {
    const url = await startServer();
    const response = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${MASTER}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: 'a long answer, please' }] }),
    });
    expect(response.status).toBe(200);
    const requestId = response.headers.get('x-litellm-call-id')!;
    const reader = response.body!.getReader();
    let body = new TextDecoder().decode((await reader.read()).value);

    const exited = once(server!, 'exit');
    server!.kill('SIGTERM');
    // The listener closes at once: a new client is turned away while the stream goes on.
    await expect
      .poll(
        () =>
          fetch(`${url}/health/liveliness`).then(
            () => 'answered',
            () => 'refused',
          ),
        { timeout: 5000 },
      )
      .toBe('refused');

    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      body += new TextDecoder().decode(value);
    }
    expect(body).toContain(`w${EVENTS - 1} `);
    expect(body.trimEnd().endsWith('data: [DONE]')).toBe(true);
    const [code] = await exited;
    expect(code).toBe(0);

    const { Item } = await table.client.send(new GetCommand({ TableName: table.table, Key: itemKeys.spendLog(requestId) }));
    expect(Item).toMatchObject({ request_id: requestId, completion_tokens: EVENTS });
    expect(Item!['spend']).toBeGreaterThan(0);
  });
});
