// key_type and allowed_routes hold on every route: a virtual key calls only the kinds of route its
// key_type allows, narrowed to its allowed_routes (paths, path prefixes, LiteLLM's route groups).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedDynamo } from '../../local/embedded-dynamodb.ts';
import { chat, startDynamo, startKeysGateway, type KeysGateway } from '../helpers/identity.ts';

let dynamo: EmbeddedDynamo;
let gw: KeysGateway;

beforeAll(async () => {
  dynamo = await startDynamo();
  gw = await startKeysGateway(dynamo.endpoint, { cacheSeconds: 0 });
});
afterAll(async () => {
  await gw.close();
  await dynamo.close();
});

/** The statuses of a model call, a model list, reading its own info and making a key, with a key of these fields. */
async function statuses(fields: Record<string, unknown>) {
  const made = await gw.call('POST', '/key/generate', fields);
  expect(made.status).toBe(200);
  expect(made.body.warnings).toBeUndefined();
  const key = made.body.key as string;
  return {
    chat: (await gw.call('POST', '/v1/chat/completions', chat('mock'), key)).status,
    models: (await gw.call('GET', '/v1/models', undefined, key)).status,
    info: (await gw.call('GET', '/key/info', undefined, key)).status,
    generate: (await gw.call('POST', '/key/generate', {}, key)).status,
  };
}

describe('key_type', () => {
  it('default (or none) is not narrowed; llm_api only calls models; read_only only reads; management only manages', async () => {
    // Making a key is then up to the key's role: these keys have no user, so no role (LiteLLM's 401).
    expect(await statuses({})).toEqual({ chat: 200, models: 200, info: 200, generate: 401 });
    expect(await statuses({ key_type: 'default' })).toEqual({ chat: 200, models: 200, info: 200, generate: 401 });
    expect(await statuses({ key_type: 'llm_api' })).toEqual({ chat: 200, models: 200, info: 403, generate: 403 });
    expect(await statuses({ key_type: 'read_only' })).toEqual({ chat: 403, models: 403, info: 200, generate: 403 });
    expect(await statuses({ key_type: 'management' })).toEqual({ chat: 403, models: 403, info: 403, generate: 401 });
  });

  it('says why it refuses, in OpenAI’s error shape', async () => {
    const { key } = (await gw.call('POST', '/key/generate', { key_alias: 'reader', key_type: 'read_only' })).body;
    const refused = await gw.call('POST', '/v1/chat/completions', chat('mock'), key);
    expect(refused.body.error).toMatchObject({ type: 'permission_error', code: '403' });
    expect(refused.body.error.message).toContain('key reader has key_type "read_only"');
    expect(refused.body.error.message).not.toContain(key);
  });
});

describe('allowed_routes', () => {
  it('narrows a key to the paths, prefixes and route groups it names', async () => {
    expect(await statuses({ allowed_routes: ['/v1/chat/completions'] })).toEqual({ chat: 200, models: 403, info: 403, generate: 403 });
    expect(await statuses({ allowed_routes: ['/v1/*'] })).toEqual({ chat: 200, models: 200, info: 403, generate: 403 });
    expect(await statuses({ allowed_routes: ['info_routes'] })).toEqual({ chat: 403, models: 403, info: 200, generate: 403 });
    expect(await statuses({ allowed_routes: ['llm_api_routes'] })).toEqual({ chat: 200, models: 200, info: 403, generate: 403 });
  });

  it('is checked on the path as sent: another path of the same route is another route', async () => {
    const { key } = (await gw.call('POST', '/key/generate', { allowed_routes: ['/v1/chat/completions'] })).body;
    expect((await gw.call('POST', '/chat/completions', chat('mock'), key)).status).toBe(403);
  });
});
