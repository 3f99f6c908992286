// LiteLLM's model management API (/model/new, /model/update, /model/delete, /model_group/info), driven
// over HTTP as LiteLLM's tests drive a proxy: models added through the API live in the table, and two
// gateways on one table (dynalite), as two Lambda instances are, both serve them within the store's
// cache time, with no restart. The config file's models stay read-only; credentials never come back.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { EmbeddedDynamo } from '../../local/embedded-dynamodb.ts';
import { eventually } from '../helpers/eventually.ts';
import { startFakeOpenAI } from '../helpers/fake-openai.ts';
import { MASTER, startDynamo, startKeysGateway, type KeysGateway } from '../helpers/identity.ts';
import type { RecordingServer } from '../helpers/recording-server.ts';

const UPSTREAM_KEY = 'sk-upstream-secret-7f3a9c';
const models = { 'gpt-4o': { maxOutputTokens: 16384, reasoning: false }, 'gpt-4o-mini': { maxOutputTokens: 16384, reasoning: false } };
const hi = [{ role: 'user' as const, content: 'Hi' }];

let dynamo: EmbeddedDynamo;
let configured: RecordingServer;
let added: RecordingServer;
let moved: RecordingServer;
let first: KeysGateway;
let second: KeysGateway;

beforeAll(async () => {
  dynamo = await startDynamo();
  configured = await startFakeOpenAI({ apiKey: UPSTREAM_KEY, models });
  added = await startFakeOpenAI({ apiKey: UPSTREAM_KEY, models });
  moved = await startFakeOpenAI({ apiKey: UPSTREAM_KEY, models });
  const config = `
model_list:
  - model_name: gpt-4o
    litellm_params: { model: openai/gpt-4o, api_base: "${configured.url}/v1", api_key: ${UPSTREAM_KEY} }
    model_info: { id: config-gpt-4o }
general_settings: { master_key: ${MASTER} }
`;
  // One second of cache: the second instance sees a change within it, with nothing telling it.
  first = await startKeysGateway(dynamo.endpoint, { config, cacheSeconds: 1 });
  second = await startKeysGateway(dynamo.endpoint, { config, cacheSeconds: 1 });
});
afterAll(async () => {
  for (const gateway of [first, second]) await gateway?.close();
  for (const server of [configured, added, moved]) await server?.close();
  await dynamo?.close();
});

const client = (gateway: KeysGateway) => new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: MASTER, maxRetries: 0 });
const status = (gateway: KeysGateway, model: string) =>
  client(gateway)
    .chat.completions.create({ model, messages: hi })
    .then(
      () => 200,
      (error: { status?: number }) => error.status,
    );

describe('model management', () => {
  it('adds a model that every instance serves, with its credential masked in every answer and log', async () => {
    const created = await first.call('POST', '/model/new', {
      model_name: 'team-model',
      litellm_params: { model: 'openai/gpt-4o-mini', api_base: `${added.url}/v1`, api_key: UPSTREAM_KEY, rpm: 100 },
      model_info: { id: 'db-model-1', description: 'added at runtime' },
    });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ model_id: 'db-model-1', model_name: 'team-model', model_info: { id: 'db-model-1', description: 'added at runtime' }, created_by: 'master' });
    expect(created.body.litellm_params).toMatchObject({ model: 'openai/gpt-4o-mini', api_base: `${added.url}/v1`, rpm: 100 });
    expect(JSON.stringify(created.body)).not.toContain(UPSTREAM_KEY);

    // The instance that stored it serves it at once; the other within its cache time.
    const answer = await client(first).chat.completions.create({ model: 'team-model', messages: hi });
    expect(answer.model).toBe('team-model');
    expect(added.requests.at(-1)?.json.model).toBe('gpt-4o-mini');
    await eventually(async () => ((await status(second, 'team-model')) === 200 ? true : undefined));

    const info = await second.call('GET', '/model/info?litellm_model_id=db-model-1');
    expect(info.body.data).toHaveLength(1);
    expect(info.body.data[0]).toMatchObject({ model_name: 'team-model', model_info: { id: 'db-model-1', db_model: true, litellm_provider: 'openai' } });
    const all = await second.call('GET', '/model/info');
    expect(all.body.data.find((m: any) => m.model_info.id === 'config-gpt-4o').model_info.db_model).toBe(false);
    expect(JSON.stringify(all.body)).not.toContain(UPSTREAM_KEY);

    const groups = await second.call('GET', '/model_group/info');
    expect(groups.status).toBe(200);
    expect(groups.body.data.map((g: any) => g.model_group).sort()).toEqual(['gpt-4o', 'team-model']);
    expect(groups.body.data.find((g: any) => g.model_group === 'team-model')).toMatchObject({ providers: ['openai'], rpm: 100, mode: 'chat' });
    expect((await second.call('GET', '/model_group/info?model_group=gpt-4o')).body.data.map((g: any) => g.model_group)).toEqual(['gpt-4o']);

    for (const gateway of [first, second]) expect(gateway.log.text()).not.toContain(UPSTREAM_KEY);
  });

  it('updates a stored model (merged litellm_params, rename) and every instance follows', async () => {
    const updated = await first.call('POST', '/model/update', { model_name: 'team-model-v2', litellm_params: { api_base: `${moved.url}/v1`, api_key: null }, model_info: { id: 'db-model-1' } });
    expect(updated.status).toBe(200);
    // A null leaves the stored value: the key still works, and the model and rpm are kept.
    expect(updated.body).toMatchObject({ model_id: 'db-model-1', model_name: 'team-model-v2', litellm_params: { model: 'openai/gpt-4o-mini', api_base: `${moved.url}/v1`, rpm: 100 } });
    expect(JSON.stringify(updated.body)).not.toContain(UPSTREAM_KEY);

    await eventually(async () => ((await status(second, 'team-model-v2')) === 200 ? true : undefined));
    expect(moved.requests.at(-1)?.json.model).toBe('gpt-4o-mini');
    await eventually(async () => ((await status(second, 'team-model')) === 400 ? true : undefined));
  });

  it("refuses to edit a config file's model, in LiteLLM's words, and leaves it serving", async () => {
    const refused = await first.call('POST', '/model/update', { litellm_params: { api_base: `${moved.url}/v1` }, model_info: { id: 'config-gpt-4o' } });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toBe("Can't edit model. Model in config. Store model in db via `/model/new`. to edit.");
    expect((await first.call('POST', '/model/delete', { id: 'config-gpt-4o' })).status).toBe(400);
    expect((await first.call('POST', '/model/new', { model_name: 'x', litellm_params: { model: 'openai/gpt-4o', api_key: 'sk-x' }, model_info: { id: 'config-gpt-4o' } })).status).toBe(400);
    const before = configured.requests.length;
    expect(await status(first, 'gpt-4o')).toBe(200);
    expect(configured.requests.length).toBe(before + 1);
  });

  it('takes a bare model name and nulls as LiteLLM does: the provider the price table lists, null as absent', async () => {
    vi.stubEnv('OPENAI_API_KEY', UPSTREAM_KEY);
    try {
      // LiteLLM's e2e tests send `api_key: os.getenv(...)`, null when unset: the provider's variable is read instead.
      const created = await first.call('POST', '/model/new', {
        model_name: 'bare-model',
        litellm_params: { model: 'gpt-4o-mini', api_base: `${added.url}/v1`, api_key: null },
        model_info: { id: 'db-bare', description: null },
      });
      expect(created.status).toBe(200);
      expect(created.body.model_info).toEqual({ id: 'db-bare' });
      await client(first).chat.completions.create({ model: 'bare-model', messages: hi });
      expect(added.requests.at(-1)?.json.model).toBe('gpt-4o-mini');
      expect(added.requests.at(-1)?.headers['authorization']).toBe(`Bearer ${UPSTREAM_KEY}`);
    } finally {
      vi.unstubAllEnvs();
      await first.call('POST', '/model/delete', { id: 'db-bare' });
    }
  });

  it('refuses what the config file would refuse, storing nothing', async () => {
    const unknown = await first.call('POST', '/model/new', { model_name: 'bad', litellm_params: { model: 'nosuchprovider/model-x', api_key: UPSTREAM_KEY } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toContain('unknown provider "nosuchprovider"');
    expect(unknown.body.error.message).not.toContain(UPSTREAM_KEY);
    const missing = await first.call('POST', '/model/new', { model_name: 'bad', litellm_params: { model: 'openai/gpt-4o', api_key: 'os.environ/TOLLGATE_TEST_UNSET_KEY' } });
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toContain('TOLLGATE_TEST_UNSET_KEY is not set');
    expect((await first.call('POST', '/model/new', { model_name: 'bad', litellm_params: {} })).status).toBe(400);
    expect((await first.call('GET', '/model/info')).body.data.map((m: any) => m.model_name)).not.toContain('bad');
    expect((await first.call('POST', '/model/update', { litellm_params: { rpm: 1 }, model_info: { id: 'no-such-model' } })).status).toBe(400);
  });

  it("is the proxy admin's: a virtual key gets LiteLLM's 401, and reads only the groups it may call", async () => {
    const key = (await first.call('POST', '/key/generate', { models: ['gpt-4o'] })).body.key;
    const refused = await first.call('POST', '/model/new', { model_name: 'mine', litellm_params: { model: 'openai/gpt-4o', api_key: 'sk-x' } }, key);
    expect(refused.status).toBe(401);
    expect((await first.call('POST', '/model/delete', { id: 'db-model-1' }, key)).status).toBe(401);
    expect((await first.call('GET', '/model_group/info', undefined, key)).body.data.map((g: any) => g.model_group)).toEqual(['gpt-4o']);
  });

  it('deletes a stored model: no instance serves it after the cache time', async () => {
    const deleted = await first.call('POST', '/model/delete', { id: 'db-model-1' });
    expect(deleted).toEqual({ status: 200, body: { message: 'Model: db-model-1 deleted successfully' } });
    expect(await status(first, 'team-model-v2')).toBe(400);
    await eventually(async () => ((await status(second, 'team-model-v2')) === 400 ? true : undefined));
    const again = await first.call('POST', '/model/delete', { id: 'db-model-1' });
    expect(again.status).toBe(400);
    expect(again.body.error.message).toContain('Model with id=db-model-1 not found in db');
  });
});
