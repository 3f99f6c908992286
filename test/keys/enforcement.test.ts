// Every model request with a virtual key, through the official openai client: the enforcement order
// of issue 5, expiry, blocks (at once here, within the cache time on another instance), teams, users,
// end users.
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedDynamo } from '../../local/embedded-dynamodb.ts';
import { chat, startDynamo, startKeysGateway, type KeysGateway } from '../helpers/identity.ts';

let dynamo: EmbeddedDynamo;
let gw: KeysGateway;
/** A second instance on the same table, as another Lambda would be. */
let other: KeysGateway;
const CACHE_SECONDS = 1;
/** How far ahead of the real clock keys are judged for expiry on `gw`. */
let clockAhead = 0;

beforeAll(async () => {
  dynamo = await startDynamo();
  gw = await startKeysGateway(dynamo.endpoint, { cacheSeconds: CACHE_SECONDS, now: () => Date.now() + clockAhead });
  other = await startKeysGateway(dynamo.endpoint, { cacheSeconds: CACHE_SECONDS });
});
afterAll(async () => {
  await gw.close();
  await other.close();
  await dynamo.close();
});

const client = (key: string, at = gw) => new OpenAI({ baseURL: `${at.url}/v1`, apiKey: key, maxRetries: 0 });
const ask = (key: string, model: string, at = gw, extra: Record<string, unknown> = {}) =>
  client(key, at).chat.completions.create({ model, messages: [{ role: 'user', content: 'Hello' }], ...extra } as OpenAI.ChatCompletionCreateParamsNonStreaming);

async function newKey(fields: Record<string, unknown> = {}): Promise<{ key: string; token: string; expires: string | null }> {
  const { status, body } = await gw.call('POST', '/key/generate', fields);
  expect(status).toBe(200);
  return body;
}

describe('a generated key through the openai client', () => {
  it('calls its models, streaming too', async () => {
    const { key } = await newKey({ models: ['mock', 'mock-b'] });
    const completion = await ask(key, 'mock');
    expect(completion.choices[0]!.message.content).toContain('Hello');
    const stream = await client(key).chat.completions.create({ model: 'mock-b', messages: [{ role: 'user', content: 'Hi' }], stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toContain('Hi');
  });

  it('lists only its models in /v1/models and /model/info', async () => {
    const { key } = await newKey({ models: ['mock-b'] });
    const models = await client(key).models.list();
    expect(models.data.map((m) => m.id)).toEqual(['mock-b']);
    const info = await fetch(`${gw.url}/model/info`, { headers: { authorization: `Bearer ${key}` } }).then((r) => r.json() as Promise<{ data: Array<{ model_name: string }> }>);
    expect(info.data.map((d) => d.model_name)).toEqual(['mock-b']);
    const all = await client((await newKey()).key).models.list();
    expect(all.data.map((m) => m.id)).toEqual(['mock', 'mock-b', 'mock-c']);
  });

  it('gets 401 naming the model and the allowed ones for a model outside its list', async () => {
    const { key } = await newKey({ models: ['mock'] });
    const error = await ask(key, 'mock-b').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    const body = (error as InstanceType<typeof OpenAI.APIError>).error as Record<string, unknown>;
    expect(body).toMatchObject({ type: 'key_model_access_denied', param: 'model', code: '401' });
    expect(body['message']).toBe('key not allowed to access model. This key can only access models=["mock"]. Tried to access mock-b.');
  });

  it('gets 400 listing only its own models for an unknown model, before the access check', async () => {
    const { key } = await newKey({ models: ['mock-c'] });
    const error = await ask(key, 'gpt-nothing').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    const message = (error as Error).message;
    expect(message).toContain('This key may call: mock-c.');
    expect(message).not.toContain('mock-b');
  });

  it('is refused with 401 when missing or unknown', async () => {
    const unknown = await ask('sk-made-up-key-0000', 'mock').catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(OpenAI.AuthenticationError);
    const missing = await fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify(chat('mock')) });
    expect(missing.status).toBe(401);
  });

  it('stops working once expired', async () => {
    const { key, expires } = await newKey({ duration: '2s' });
    expect((await ask(key, 'mock')).choices).toHaveLength(1);
    clockAhead = Date.parse(expires!) - Date.now() + 50;
    const error = await ask(key, 'mock').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((error as Error).message).toContain('expired');
    clockAhead = 0;
  });
});

describe('blocks and deletions across instances', () => {
  it('a blocked key is refused at once here and within the cache time on another instance', async () => {
    const { key } = await newKey();
    expect((await ask(key, 'mock', other)).choices).toHaveLength(1); // `other` has it cached now
    expect((await gw.call('POST', '/key/block', { key })).status).toBe(200);
    await expect(ask(key, 'mock', gw)).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    // The trade-off: the other instance still serves from its cache for a moment.
    expect((await ask(key, 'mock', other)).choices).toHaveLength(1);
    const blockedAt = Date.now();
    let refusedAfter: number | undefined;
    while (Date.now() - blockedAt < CACHE_SECONDS * 1000 + 1000) {
      const result = await ask(key, 'mock', other).catch((e: unknown) => e);
      if (result instanceof OpenAI.AuthenticationError) {
        refusedAfter = Date.now() - blockedAt;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(refusedAfter).toBeDefined();
    expect(refusedAfter!).toBeLessThanOrEqual(CACHE_SECONDS * 1000 + 500);
  });

  it('a deleted key is refused at once', async () => {
    const { key } = await newKey();
    expect((await ask(key, 'mock')).choices).toHaveLength(1);
    await gw.call('POST', '/key/delete', { keys: [key] });
    await expect(ask(key, 'mock')).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
  });
});

describe('teams, users and end users', () => {
  it('a team narrows its keys to its models, with team_model_access_denied', async () => {
    await gw.call('POST', '/team/new', { team_id: 'enf-team', models: ['mock', 'mock-b'] });
    const { key } = await newKey({ team_id: 'enf-team' });
    expect((await ask(key, 'mock-b')).choices).toHaveLength(1);
    const error = await ask(key, 'mock-c').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(((error as InstanceType<typeof OpenAI.APIError>).error as Record<string, unknown>)['type']).toBe('team_model_access_denied');
    expect((await client(key).models.list()).data.map((m) => m.id)).toEqual(['mock', 'mock-b']);
  });

  it("a user's models narrow their keys, with user_model_access_denied, for fallbacks and /v1/messages too", async () => {
    await gw.call('POST', '/user/new', { user_id: 'enf-user-models', models: ['mock'], auto_create_key: false });
    // The key itself names no models: only the user's list narrows it.
    const user = await newKey({ user_id: 'enf-user-models' });
    expect((await ask(user.key, 'mock')).choices).toHaveLength(1);
    const error = await ask(user.key, 'mock-b').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((error as InstanceType<typeof OpenAI.APIError>).error as Record<string, unknown>).toMatchObject({ type: 'user_model_access_denied', param: 'model' });
    expect((error as Error).message).toContain('User enf-user-models can only access models=["mock"]');
    expect((await client(user.key).models.list()).data.map((m) => m.id)).toEqual(['mock']);
    // A fallback the request names is a model it asks for.
    await expect(ask(user.key, 'mock', gw, { fallbacks: ['mock-b'] })).rejects.toMatchObject({ status: 401 });
    // A key of its own that names the model does not widen the user's list.
    const { key: own } = await newKey({ user_id: 'enf-user-models', models: ['mock-b'] });
    await expect(ask(own, 'mock-b')).rejects.toMatchObject({ status: 401 });
    const anthropic = new Anthropic({ baseURL: gw.url, apiKey: user.key, maxRetries: 0 });
    const message = { model: 'mock-b', max_tokens: 5, messages: [{ role: 'user' as const, content: 'Hi' }] };
    await expect(anthropic.messages.create(message)).rejects.toMatchObject({ status: 401, error: { type: 'error', error: { type: 'authentication_error' } } });
    await expect(anthropic.messages.countTokens({ model: 'mock-b', messages: message.messages })).rejects.toMatchObject({ status: 401 });
  });

  it('a blocked team stops its keys with a clear 401', async () => {
    await gw.call('POST', '/team/new', { team_id: 'enf-blocked-team' });
    const { key } = await newKey({ team_id: 'enf-blocked-team' });
    await gw.call('POST', '/team/block', { team_id: 'enf-blocked-team' });
    const error = await ask(key, 'mock').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((error as Error).message).toContain('team enf-blocked-team is blocked');
    await gw.call('POST', '/team/unblock', { team_id: 'enf-blocked-team' });
    expect((await ask(key, 'mock')).choices).toHaveLength(1);
  });

  it('a blocked user stops their keys', async () => {
    const { body: user } = await gw.call('POST', '/user/new', { user_id: 'enf-user' });
    await gw.call('POST', '/user/update', { user_id: 'enf-user', blocked: true });
    const error = await ask(user.key, 'mock').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((error as Error).message).toContain('user enf-user is blocked');
  });

  it("a blocked end user (the request's `user`) is refused with any key, the master key included", async () => {
    const { key } = await newKey();
    await gw.call('POST', '/customer/block', { user_ids: ['enf-customer'] });
    for (const caller of [key, 'sk-test-master-key']) {
      const error = await ask(caller, 'mock', gw, { user: 'enf-customer' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
      expect((error as Error).message).toContain('End user "enf-customer"');
    }
    expect((await ask(key, 'mock', gw, { user: 'someone-else' })).choices).toHaveLength(1);
    await gw.call('POST', '/customer/unblock', { user_ids: ['enf-customer'] });
    expect((await ask(key, 'mock', gw, { user: 'enf-customer' })).choices).toHaveLength(1);
  });

  it("names the end user by LiteLLM's x-litellm-customer-id / x-litellm-end-user-id headers before the body's `user`", async () => {
    const { key } = await newKey();
    await gw.call('POST', '/customer/block', { user_ids: ['header-customer'] });
    for (const header of ['x-litellm-customer-id', 'x-litellm-end-user-id']) {
      const error = await client(key)
        .chat.completions.create({ model: 'mock', messages: [{ role: 'user', content: 'Hi' }], user: 'someone-else' }, { headers: { [header]: 'header-customer' } })
        .catch((e: unknown) => e);
      expect(error, header).toBeInstanceOf(OpenAI.AuthenticationError);
      expect((error as Error).message).toContain('End user "header-customer"');
    }
  });
});
