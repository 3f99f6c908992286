// Admin and end-user input bounded by what the table holds and by sane product limits: numbers
// DynamoDB (or its document client) refuses, durations past what a date holds, `__proto__` keys, ids
// too long for a DynamoDB key. Each is a 400 that names the limit, with nothing written; and a value
// DynamoDB refuses is never mistaken for a database outage.
import { DynamoDBServiceException } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedDynamo } from '../../local/embedded-dynamodb.ts';
import { itemKeys } from '../../shared/store/table.ts';
import { chat, MASTER, startDynamo, startKeysGateway, type KeysGateway } from '../helpers/identity.ts';
import { startRecordingServer, type RecordingServer } from '../helpers/recording-server.ts';
import { answerWith, ask, outcome, spendConfig, startSpendGateway } from '../spend/support.ts';

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

/** POSTs raw JSON text, so that literals JSON.stringify cannot write (1e999) reach the gateway as sent. */
async function postText(path: string, text: string, key = MASTER, headers: Record<string, string> = {}) {
  const response = await fetch(`${gw.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers }, body: text });
  return { status: response.status, body: (await response.json()) as any };
}

const long = 'a'.repeat(3000);

describe('admin input the table cannot hold', () => {
  it.each([
    ['/key/generate', '{"max_budget": 1e20}', 'max_budget', 'at most 1000000'],
    ['/key/generate', '{"max_budget": 1e-200}', 'max_budget', '1e-130'],
    ['/key/generate', '{"spend": 1e16}', 'spend', 'at most 1000000'],
    ['/key/generate', '{"metadata": {"a": 1e999}}', 'metadata.a', 'finite'],
    ['/key/generate', '{"metadata": {"a": [1, 1e300]}}', 'metadata.a[1]', '2^53'],
    ['/key/generate', '{"rpm_limit": 1e300}', 'rpm_limit', '2^53'],
    ['/key/generate', '{"duration": "99999999999999999999d"}', 'duration', 'ten years'],
    ['/key/generate', '{"max_budget": 0.02, "budget_duration": "99999999999999d"}', 'budget_duration', 'ten years'],
    ['/key/generate', '{"model_max_budget": {"mock": {"budget_limit": 1, "time_period": "5000d"}}}', 'model_max_budget.mock.time_period', 'ten years'],
    ['/key/generate', '{"metadata": {"__proto__": {"admin": true}}}', 'metadata.__proto__', '__proto__'],
    ['/key/generate', '{"metadata": {"": 1}}', 'metadata.', 'empty key'],
    ['/key/generate', '{"metadata": {"a": "\\ud800"}}', 'metadata.a', 'lone surrogate'],
    ['/key/generate', `{"metadata": {"deep": ${'['.repeat(40)}${']'.repeat(40)}}}`, `metadata.deep${'[0]'.repeat(28)}`, '30 levels'],
    ['/key/generate', JSON.stringify({ key_alias: long }), 'key_alias', '1024 bytes'],
    ['/key/generate', JSON.stringify({ key_alias: '€'.repeat(400) }), 'key_alias', '1024 bytes'],
    ['/team/new', JSON.stringify({ team_id: long }), 'team_id', '1024 bytes'],
    ['/team/new', '{"max_budget": 1e20}', 'max_budget', 'at most 1000000'],
    ['/team/new', '{"metadata": {"__proto__": 1}}', 'metadata.__proto__', '__proto__'],
    ['/user/new', JSON.stringify({ user_id: long }), 'user_id', '1024 bytes'],
    ['/user/new', JSON.stringify({ teams: [long] }), 'teams.0', '1024 bytes'],
    ['/user/new', '{"spend": 1e16}', 'spend', 'at most 1000000'],
    ['/customer/new', JSON.stringify({ user_id: long }), 'user_id', '1024 bytes'],
    ['/customer/new', '{"user_id": "c", "max_budget": 1e20}', 'max_budget', 'at most 1000000'],
    ['/customer/block', JSON.stringify({ user_ids: [long] }), 'user_ids.0', '1024 bytes'],
  ])('POST %s %s is a 400 naming %s and its limit, with nothing written', async (path, text, param, limit) => {
    const before = (await gw.store.list('key')).length + (await gw.store.list('team')).length + (await gw.store.list('user')).length + (await gw.store.list('customer')).length;
    const { status, body } = await postText(path, text);
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ type: 'invalid_request_error', param, code: '400' });
    expect(body.error.message).toContain(limit);
    const after = (await gw.store.list('key')).length + (await gw.store.list('team')).length + (await gw.store.list('user')).length + (await gw.store.list('customer')).length;
    expect(after).toBe(before);
  });

  it('checks updates as it checks creations', async () => {
    const { body: made } = await gw.call('POST', '/key/generate', { key_alias: 'limits-update' });
    for (const text of ['{"max_budget": 1e20}', '{"metadata": {"a": 1e999}}', `{"key_alias": "${long}"}`, '{"budget_duration": "99999999999999d"}']) {
      const { status } = await postText('/key/update', `{"key": "${made.key}", ${text.slice(1)}`);
      expect(status).toBe(400);
    }
    expect((await gw.call('POST', '/key/info', { key: made.key })).body.info).toMatchObject({ key_alias: 'limits-update', max_budget: null, budget_duration: null });
  });

  it('keeps the limits at their edges: $1,000,000, ten years, 1024-byte ids', async () => {
    const { status, body } = await gw.call('POST', '/key/generate', { max_budget: 1_000_000, duration: '3650d', budget_duration: '120mo', key_alias: 'k'.repeat(1024) });
    expect(status).toBe(200);
    expect(body).toMatchObject({ max_budget: 1_000_000, budget_duration: '120mo' });
    expect((await gw.call('POST', '/team/new', { team_id: 't'.repeat(1024) })).status).toBe(200);
  });

  it('answers a lookup by an id too long to be stored with 404, not a database error', async () => {
    for (const path of [`/team/info?team_id=${long}`, `/user/info?user_id=${long}`, `/customer/info?end_user_id=${long}`]) {
      const { status, body } = await gw.call('GET', path);
      expect(status).toBe(404);
      expect(body.error.type).toBe('not_found_error');
    }
  });
});

describe('end user ids on model routes', () => {
  it('refuses a `user` or x-litellm-customer-id too long for a DynamoDB key with a 400, not a 503', async () => {
    const { key } = (await gw.call('POST', '/key/generate', {})).body;
    const inBody = await postText('/v1/chat/completions', JSON.stringify(chat('mock', { user: long })), key);
    expect(inBody.status).toBe(400);
    expect(inBody.body.error).toMatchObject({ param: 'user' });
    expect(inBody.body.error.message).toContain('1024 bytes');
    const inHeader = await postText('/v1/chat/completions', JSON.stringify(chat('mock')), key, { 'x-litellm-customer-id': long });
    expect(inHeader.status).toBe(400);
    expect(inHeader.body.error).toMatchObject({ param: 'x-litellm-customer-id' });
    const anthropic = await postText('/v1/messages', JSON.stringify({ model: 'mock', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }], metadata: { user_id: long } }), key);
    expect(anthropic.status).toBe(400);
    expect(anthropic.body).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
  });
});

describe('budgets with a duration stored before durations were bounded', () => {
  let upstream: RecordingServer;
  beforeAll(async () => {
    upstream = await startRecordingServer();
    answerWith(upstream, { prompt_tokens: 10, completion_tokens: 10 });
  });
  afterAll(async () => {
    await upstream.close();
  });

  it('hold their budget, and a DynamoDB validation error is never let through as an outage', async () => {
    const spendDynamo = await startDynamo();
    // allow_requests_on_db_unavailable: an outage would let requests through unaccounted.
    const gateway = await startSpendGateway(spendDynamo.endpoint, spendConfig(upstream.url, '  allow_requests_on_db_unavailable: true'));
    try {
      const { key, token } = (await gateway.admin('POST', '/key/generate', { max_budget: 0.005 })).body;
      await gateway.store.update(itemKeys.key(token), { budget_duration: '99999999999999d' });
      // $0.005 holds a request of max_tokens 10 (worst case $0.00108), not one of max_tokens 100 ($0.01008).
      expect((await outcome(gateway.client(key).chat.completions.create(ask(10)))).status).toBe(200);
      const over = await outcome(gateway.client(key).chat.completions.create(ask(100)));
      expect(over.status).toBe(400);
      expect(over.error.type).toBe('budget_exceeded');

      const client = gateway.store.client;
      const send = client.send.bind(client) as (...args: unknown[]) => Promise<unknown>;
      (client as { send: unknown }).send = (command: { constructor: { name: string } }, ...rest: unknown[]) => {
        if (command.constructor.name === 'UpdateCommand') {
          return Promise.reject(new DynamoDBServiceException({ name: 'ValidationException', $fault: 'client', message: 'Number overflow', $metadata: { httpStatusCode: 400 } }));
        }
        return send(command, ...rest);
      };
      const { key: other } = (await gateway.admin('POST', '/key/generate', { max_budget: 5 })).body;
      const refused = await outcome(gateway.client(other).chat.completions.create(ask(10)));
      expect(refused.status).toBe(500);
      expect(JSON.stringify(refused.error)).not.toContain('cannot reach');
      expect(gateway.log.text()).not.toContain('let through without budget and limit checks');
    } finally {
      await gateway.close();
      await spendDynamo.close();
    }
  });
});
