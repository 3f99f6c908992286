// The "done when", through the real local server (local/server.ts, as `npm start` runs it):
// a key from POST /key/generate and one from the CLI call only their models, stop when blocked,
// deleted or expired, and survive a restart of the server on the same data folder.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, describe, expect, it } from 'vitest';
import { serverEnv } from '../helpers/server-env.ts';

const MASTER = 'sk-local-server-master';
const dir = mkdtempSync(join(tmpdir(), 'tollgate-local-'));
const dataDir = join(dir, 'data');
const configPath = join(dir, 'gateway.config.yaml');
writeFileSync(
  configPath,
  `model_list:
  - model_name: mock
    litellm_params: { model: mock/echo }
  - model_name: mock-b
    litellm_params: { model: mock/echo }
general_settings: { master_key: ${MASTER} }
`,
);
let server: ChildProcess | undefined;

afterAll(async () => {
  await stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Starts local/server.ts on a free port with the test's data folder and waits for its URL. */
function start(env: Record<string, string> = {}): Promise<string> {
  server = spawn(process.execPath, ['--import', 'tsx', 'local/server.ts'], {
    env: serverEnv({ PORT: '0', GATEWAY_CONFIG: configPath, TOLLGATE_DATA_DIR: dataDir, ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (data: Buffer) => {
      output += data.toString();
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
      if (url) resolve(url);
    };
    server!.stdout!.on('data', onData);
    server!.stderr!.on('data', onData);
    server!.once('exit', (code) => reject(new Error(`local server exited with ${code}: ${output}`)));
  });
}

async function stop(): Promise<void> {
  if (!server || server.exitCode !== null) return;
  const exited = new Promise((resolve) => server!.once('exit', resolve));
  server.kill('SIGTERM');
  await exited;
}

const cli = (url: string, args: string[]) =>
  new Promise<string>((resolve, reject) => {
    execFile(process.execPath, ['local/cli/tollgate.mjs', ...args, '--url', url], { env: { ...process.env, TOLLGATE_MASTER_KEY: MASTER } }, (error, out, err) =>
      error ? reject(new Error(err)) : resolve(out),
    );
  });

const ask = (url: string, key: string, model: string) =>
  new OpenAI({ baseURL: `${url}/v1`, apiKey: key, maxRetries: 0 }).chat.completions.create({ model, messages: [{ role: 'user', content: 'Hello' }] });

describe('virtual keys through the local server', () => {
  it('work, are limited to their models, stop when blocked, deleted or expired, and survive a restart', async () => {
    let url = await start();
    expect(existsSync(join(dataDir, 'tollgate.lock'))).toBe(true);
    const generated = await fetch(`${url}/key/generate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${MASTER}`, 'content-type': 'application/json' },
      body: JSON.stringify({ models: ['mock'], key_alias: 'survives' }),
    }).then((r) => r.json() as Promise<{ key: string }>);
    const fromCli = JSON.parse(await cli(url, ['keys', 'create', '--models', 'mock-b'])) as { key: string };
    const shortLived = JSON.parse(await cli(url, ['keys', 'create', '--duration', '2s'])) as { key: string };
    expect((await ask(url, generated.key, 'mock')).choices[0]!.message.content).toContain('Hello');
    expect((await ask(url, fromCli.key, 'mock-b')).choices).toHaveLength(1);
    await expect(ask(url, generated.key, 'mock-b')).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    await expect(ask(url, fromCli.key, 'mock')).rejects.toBeInstanceOf(OpenAI.AuthenticationError);

    await stop();
    expect(existsSync(join(dataDir, 'tollgate.lock'))).toBe(false);
    url = await start();

    expect((await ask(url, generated.key, 'mock')).choices).toHaveLength(1);
    expect((await ask(url, fromCli.key, 'mock-b')).choices).toHaveLength(1);
    await cli(url, ['keys', 'block', fromCli.key]);
    await expect(ask(url, fromCli.key, 'mock-b')).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    await cli(url, ['keys', 'delete', generated.key]);
    await expect(ask(url, generated.key, 'mock')).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    const waitForExpiry = 2100 - (Date.now() - Date.parse(JSON.parse(await cli(url, ['keys', 'info', shortLived.key])).info.created_at));
    if (waitForExpiry > 0) await new Promise((resolve) => setTimeout(resolve, waitForExpiry));
    await expect(ask(url, shortLived.key, 'mock')).rejects.toThrow(/expired/);
  });
});

describe('scheduled key rotation in the local server', () => {
  it('rotates a key with auto_rotate once its rotation_interval has passed', async () => {
    await stop();
    const url = await start({ TOLLGATE_KEY_ROTATION_CHECK_SECONDS: '1' });
    const admin = (path: string, body: unknown) =>
      fetch(`${url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${MASTER}`, 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) => r.json() as Promise<any>);
    const made = await admin('/key/generate', { key_alias: 'rotates-locally', auto_rotate: true, rotation_interval: '1s' });
    expect((await ask(url, made.key, 'mock')).choices).toHaveLength(1);
    const deadline = Date.now() + 20_000;
    let info: any;
    do {
      await new Promise((resolve) => setTimeout(resolve, 250));
      info = await admin('/key/info', { key: made.key });
    } while (!info.error && Date.now() < deadline);
    // The old key is gone: regenerated into a new one under the same alias.
    await expect(ask(url, made.key, 'mock')).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    const listed = await fetch(`${url}/key/list?key_alias=rotates-locally`, { headers: { authorization: `Bearer ${MASTER}` } }).then((r) => r.json() as Promise<{ keys: string[] }>);
    expect(listed.keys).toHaveLength(1);
    expect(listed.keys[0]).not.toBe(made.token);
    await stop();
  }, 60_000);
});
