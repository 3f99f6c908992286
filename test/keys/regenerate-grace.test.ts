// /key/regenerate with grace_period: the old key keeps working until then, and only until then, as the
// new key: its requests count on the new key's counters and are recorded under the new key, never on a
// budget of their own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedDynamo } from '../../local/embedded-dynamodb.ts';
import { chat, startDynamo, startKeysGateway, type KeysGateway } from '../helpers/identity.ts';

let dynamo: EmbeddedDynamo;
let gw: KeysGateway;
let offset = 0;

beforeAll(async () => {
  dynamo = await startDynamo();
  gw = await startKeysGateway(dynamo.endpoint, { cacheSeconds: 0, now: () => Date.now() + offset });
});
afterAll(async () => {
  await gw.close();
  await dynamo.close();
});

describe('POST /key/regenerate with grace_period', () => {
  it('lets the old key work as the new one until the grace period ends, then refuses it', async () => {
    const old = (await gw.call('POST', '/key/generate', { key_alias: 'graceful', rpm_limit: 3 })).body;
    const made = await gw.call('POST', '/key/regenerate', { key: old.key, grace_period: '1h' });
    expect(made.status).toBe(200);
    expect(made.body.warnings).toBeUndefined();
    const fresh = made.body;

    expect((await gw.call('POST', '/v1/chat/completions', chat('mock'), old.key)).status).toBe(200);
    expect((await gw.call('POST', '/v1/chat/completions', chat('mock'), fresh.key)).status).toBe(200);
    expect((await gw.call('POST', '/v1/chat/completions', chat('mock'), old.key)).status).toBe(200);
    // One rate limit for both: the old key's requests count on the new key's counters.
    const fourth = await gw.call('POST', '/v1/chat/completions', chat('mock'), fresh.key);
    expect(fourth.status).toBe(429);
    expect(fourth.body.error.message).toContain('key graceful');
    const logs = (await gw.call('GET', `/spend/logs?api_key=${fresh.token}&summarize=false`)).body as Array<{ api_key: string }>;
    expect(logs).toHaveLength(3);
    expect(logs.every((log) => log.api_key === fresh.token)).toBe(true);
    // /key/info of the old key: it is no key of its own.
    expect((await gw.call('GET', `/key/info?key=${old.token}`)).status).toBe(404);

    offset = 3_600_001;
    try {
      const after = await gw.call('POST', '/v1/chat/completions', chat('mock'), old.key);
      expect(after.status).toBe(401);
    } finally {
      offset = 0;
    }
  });

  it('without grace_period, refuses the old key at once', async () => {
    const old = (await gw.call('POST', '/key/generate', {})).body;
    expect((await gw.call('POST', '/key/regenerate', { key: old.key })).status).toBe(200);
    expect((await gw.call('POST', '/v1/chat/completions', chat('mock'), old.key)).status).toBe(401);
  });

  it('refuses a grace_period it cannot read', async () => {
    const old = (await gw.call('POST', '/key/generate', {})).body;
    const bad = await gw.call('POST', '/key/regenerate', { key: old.key, grace_period: 'a while' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.param).toBe('grace_period');
  });
});
