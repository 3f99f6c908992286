// What clients ask before their first model call: the model list and one model by id, through the
// official OpenAI and Anthropic SDKs (each in its own shape), and the root they probe with HEAD.
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedDynamo } from '../../local/embedded-dynamodb.ts';
import { MASTER, startDynamo, startKeysGateway, type KeysGateway } from '../helpers/identity.ts';

let dynamo: EmbeddedDynamo;
let gw: KeysGateway;
let limitedKey: string;

beforeAll(async () => {
  dynamo = await startDynamo();
  gw = await startKeysGateway(dynamo.endpoint);
  limitedKey = (await gw.call('POST', '/key/generate', { models: ['mock-b'] })).body.key;
});
afterAll(async () => {
  await gw.close();
  await dynamo.close();
});

const openai = (key = MASTER) => new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: key, maxRetries: 0 });
const anthropic = (key = MASTER) => new Anthropic({ baseURL: gw.url, apiKey: key, maxRetries: 0 });

describe('GET /v1/models/{id}', () => {
  it('answers the OpenAI SDK with the model', async () => {
    const model = await openai().models.retrieve('mock-b');
    expect(model).toMatchObject({ id: 'mock-b', object: 'model', owned_by: 'tollgate' });
    expect(typeof model.created).toBe('number');
  });

  it('is a 404 in OpenAI format for a model that does not exist, or that the key may not use', async () => {
    for (const [key, id] of [
      [MASTER, 'no-such-model'],
      [limitedKey, 'mock'],
    ] as const) {
      const error = await openai(key)
        .models.retrieve(id)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OpenAI.NotFoundError);
      expect((error as InstanceType<typeof OpenAI.NotFoundError>).error).toMatchObject({ type: 'not_found_error', param: 'model', code: '404' });
    }
    expect((await openai(limitedKey).models.retrieve('mock-b')).id).toBe('mock-b');
  });

  it('needs a key, like the list', async () => {
    const response = await fetch(`${gw.url}/v1/models/mock`);
    expect(response.status).toBe(401);
  });
});

describe("the models in Anthropic's shape, for Anthropic-format callers", () => {
  it('lists them for the Anthropic SDK', async () => {
    const page = await anthropic(limitedKey).models.list();
    expect(page.data).toEqual([{ type: 'model', id: 'mock-b', display_name: 'mock-b', created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) }]);
    expect(page.has_more).toBe(false);
  });

  it("retrieves one, and a missing one is Anthropic's not_found_error", async () => {
    expect(await anthropic().models.retrieve('mock-c')).toMatchObject({ type: 'model', id: 'mock-c' });
    const error = await anthropic()
      .models.retrieve('nope')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.NotFoundError);
    expect((error as InstanceType<typeof Anthropic.NotFoundError>).error).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
  });

  it("keeps OpenAI's shape for callers without anthropic-version", async () => {
    const list = await openai().models.list();
    expect(list.data.map((m) => m.object)).toEqual(['model', 'model', 'model']);
  });
});

describe('the root and HEAD', () => {
  it('answers GET / and HEAD / with 200 and no key', async () => {
    const get = await fetch(`${gw.url}/`);
    expect(get.status).toBe(200);
    expect(await get.json()).toMatchObject({ status: 'ok' });
    const head = await fetch(`${gw.url}/`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('answers HEAD on any GET route as GET would, without the body', async () => {
    const head = await fetch(`${gw.url}/v1/models`, { method: 'HEAD', headers: { authorization: `Bearer ${MASTER}` } });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toContain('application/json');
    expect(await head.text()).toBe('');
    expect((await fetch(`${gw.url}/v1/models`, { method: 'HEAD' })).status).toBe(401);
    expect((await fetch(`${gw.url}/health/liveliness`, { method: 'HEAD' })).status).toBe(200);
  });

  it('is still a 405 on a route that has no GET', async () => {
    const head = await fetch(`${gw.url}/v1/chat/completions`, { method: 'HEAD', headers: { authorization: `Bearer ${MASTER}` } });
    expect(head.status).toBe(405);
  });
});
