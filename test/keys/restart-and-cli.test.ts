// Keys survive a restart (dynalite on disk, as `npm start` runs it), and the `tollgate` CLI manages
// keys, teams and users of a running gateway.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedDynamo } from '../../local/embedded-dynamodb.ts';
import { MASTER, startDynamo, startKeysGateway, type KeysGateway } from '../helpers/identity.ts';

const CLI = fileURLToPath(new URL('../../local/cli/tollgate.mjs', import.meta.url));

describe('a gateway restart', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tollgate-data-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('keeps keys, their settings and their blocks', async () => {
    let dynamo = await startDynamo(dataDir);
    let gw = await startKeysGateway(dynamo.endpoint);
    const { body: kept } = await gw.call('POST', '/key/generate', { models: ['mock'], key_alias: 'survivor' });
    const { body: blocked } = await gw.call('POST', '/key/generate', {});
    await gw.call('POST', '/key/block', { key: blocked.key });
    await gw.close();
    await dynamo.close();

    dynamo = await startDynamo(dataDir);
    gw = await startKeysGateway(dynamo.endpoint);
    try {
      const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: kept.key, maxRetries: 0 });
      const completion = await client.chat.completions.create({ model: 'mock', messages: [{ role: 'user', content: 'still here?' }] });
      expect(completion.choices[0]!.message.content).toContain('still here?');
      await expect(client.chat.completions.create({ model: 'mock-b', messages: [{ role: 'user', content: 'x' }] })).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
      expect((await gw.call('POST', '/v1/chat/completions', { model: 'mock', messages: [{ role: 'user', content: 'x' }] }, blocked.key)).status).toBe(401);
      expect((await gw.call('POST', '/key/generate', { key_alias: 'survivor' })).status).toBe(400);
    } finally {
      await gw.close();
      await dynamo.close();
    }
  });
});

describe('npx tollgate', () => {
  let dynamo: EmbeddedDynamo;
  let gw: KeysGateway;
  beforeAll(async () => {
    dynamo = await startDynamo();
    gw = await startKeysGateway(dynamo.endpoint);
  });
  afterAll(async () => {
    await gw.close();
    await dynamo.close();
  });

  /** Runs the CLI as `npx tollgate` would (the package's bin), against the test gateway. */
  const tollgate = (args: string[], env: Record<string, string> = { TOLLGATE_MASTER_KEY: MASTER }) =>
    new Promise<{ code: number; out: string; err: string }>((resolve) => {
      execFile(process.execPath, [CLI, ...args, '--url', gw.url], { env: { PATH: process.env['PATH'] ?? '', ...env } }, (error, out, err) =>
        resolve({ code: error ? (error.code as number) : 0, out, err }),
      );
    });

  it('creates a key with models and a budget, which then calls only its models', async () => {
    const created = await tollgate(['keys', 'create', '--models', 'mock,mock-b', '--max-budget', '10', '--key-alias', 'from-cli', '--metadata', '{"team":"x"}']);
    expect(created.code).toBe(0);
    const key = JSON.parse(created.out);
    expect(key).toMatchObject({ models: ['mock', 'mock-b'], max_budget: 10, key_alias: 'from-cli', metadata: { team: 'x' } });
    const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: key.key, maxRetries: 0 });
    expect((await client.chat.completions.create({ model: 'mock-b', messages: [{ role: 'user', content: 'hi' }] })).choices).toHaveLength(1);
    await expect(client.chat.completions.create({ model: 'mock-c', messages: [{ role: 'user', content: 'hi' }] })).rejects.toBeInstanceOf(OpenAI.AuthenticationError);

    const info = await tollgate(['keys', 'info', key.key]);
    expect(JSON.parse(info.out).info.key_alias).toBe('from-cli');
    expect(JSON.parse((await tollgate(['keys', 'list', '--key-alias', 'from-cli'])).out).keys).toEqual([key.token]);
    expect((await tollgate(['keys', 'block', key.key])).code).toBe(0);
    await expect(client.chat.completions.create({ model: 'mock', messages: [{ role: 'user', content: 'hi' }] })).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    expect(JSON.parse((await tollgate(['keys', 'delete', key.key], { TOLLGATE_MASTER_KEY: MASTER })).out)).toEqual({ deleted_keys: [key.key] });
  });

  it('manages teams and users', async () => {
    expect(JSON.parse((await tollgate(['teams', 'create', '--team-id', 'cli-team', '--models', 'mock'])).out).team_id).toBe('cli-team');
    const user = JSON.parse((await tollgate(['users', 'create', '--user-id', 'cli-user', '--user-email', 'u@example.com'])).out);
    expect(user).toMatchObject({ user_id: 'cli-user', user_email: 'u@example.com' });
    expect(user.key).toMatch(/^sk-/);
    expect(JSON.parse((await tollgate(['teams', 'add-member', 'cli-team', 'cli-user', '--role', 'admin'])).out).members_with_roles).toEqual([
      { role: 'admin', user_id: 'default_user_id', user_email: null },
      { role: 'admin', user_id: 'cli-user', user_email: null },
    ]);
    expect(JSON.parse((await tollgate(['teams', 'info', 'cli-team'])).out).team_info.team_id).toBe('cli-team');
    expect(JSON.parse((await tollgate(['users', 'block', 'cli-user'])).out).blocked).toBe(true);
    expect((await gw.call('POST', '/v1/chat/completions', { model: 'mock', messages: [{ role: 'user', content: 'x' }] }, user.key)).status).toBe(401);
    expect(JSON.parse((await tollgate(['users', 'list'])).out).users.map((u: any) => u.user_id)).toContain('cli-user');
    expect(JSON.parse((await tollgate(['users', 'delete', 'cli-user'])).out)).toEqual({ deleted_users: ['cli-user'] });
    expect(JSON.parse((await tollgate(['teams', 'delete', 'cli-team'])).out)).toEqual({ deleted_teams: ['cli-team'] });
  });

  it("says what went wrong: the gateway's message, a missing master key, a bad flag", async () => {
    const refused = await tollgate(['keys', 'create', '--max-budget', '-5']);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('max_budget');
    const noKey = await tollgate(['keys', 'list'], {});
    expect(noKey.code).toBe(2);
    expect(noKey.err).toContain('TOLLGATE_MASTER_KEY');
    const wrongKey = await tollgate(['keys', 'list', '--master-key', 'sk-wrong']);
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.err).toContain('401');
    const badFlag = await tollgate(['keys', 'create', '--colour', 'red']);
    expect(badFlag.code).toBe(2);
    expect(badFlag.err).toContain('--colour');
    expect((await tollgate(['nothing'])).err).toContain('usage: tollgate');
  });
});
