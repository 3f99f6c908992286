// No transactions: concurrent creations and deletions race on conditional writes, and exactly the
// right ones win, with nothing half-made left behind.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedDynamo } from '../../local/embedded-dynamodb.ts';
import { itemKeys } from '../../shared/store/table.ts';
import { chat, startDynamo, startKeysGateway, type KeysGateway } from '../helpers/identity.ts';

let dynamo: EmbeddedDynamo;
let a: KeysGateway;
let b: KeysGateway;

beforeAll(async () => {
  dynamo = await startDynamo();
  a = await startKeysGateway(dynamo.endpoint);
  b = await startKeysGateway(dynamo.endpoint);
});
afterAll(async () => {
  await a.close();
  await b.close();
  await dynamo.close();
});

const times = <T>(n: number, make: (i: number) => Promise<T>) => Promise.all(Array.from({ length: n }, (_, i) => make(i)));

describe('concurrent admin writes on two instances', () => {
  it('of many keys with one alias, exactly one is created', async () => {
    const results = await times(12, (i) => (i % 2 ? a : b).call('POST', '/key/generate', { key_alias: 'race', models: ['mock'] }));
    const won = results.filter((r) => r.status === 200);
    expect(won).toHaveLength(1);
    expect(results.filter((r) => r.status === 400).every((r) => r.body.error.param === 'key_alias')).toBe(true);
    expect(await a.store.list('key', { key_alias: 'race' })).toHaveLength(1);
    expect((await a.store.get<{ token: string }>(itemKeys.alias('race')))?.token).toBe(won[0]!.body.token);
  });

  it('of many keys without aliases, all are created', async () => {
    const results = await times(10, (i) => (i % 2 ? a : b).call('POST', '/key/generate', { team_id: null, metadata: { n: i } }));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(new Set(results.map((r) => r.body.token)).size).toBe(10);
  });

  it('deleting one key from both instances at once deletes it once, with one audit record', async () => {
    const { body: made } = await a.call('POST', '/key/generate', { key_alias: 'del-race' });
    const results = await times(6, (i) => (i % 2 ? a : b).call('POST', '/key/delete', { keys: [made.key] }));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status !== 200).every((r) => r.status === 404)).toBe(true);
    expect(await a.store.get(itemKeys.key(made.token))).toBeUndefined();
    expect(await a.store.get(itemKeys.alias('del-race'))).toBeUndefined();
    const audit = await a.call('GET', `/audit?object_id=${made.token}&action=deleted`);
    expect(audit.body.total).toBe(1);
  });

  it('creating and deleting one alias over and over leaves either a whole key or nothing', async () => {
    const rounds = await times(8, async (i) => {
      const gw = i % 2 ? a : b;
      const made = await gw.call('POST', '/key/generate', { key_alias: 'churn' });
      if (made.status === 200) await gw.call('POST', '/key/delete', { key_aliases: ['churn'] });
      return made.status;
    });
    expect(rounds.every((status) => status === 200 || status === 400)).toBe(true);
    expect(rounds).toContain(200);
    const alias = await a.store.get<{ token: string }>(itemKeys.alias('churn'));
    const keys = await a.store.list<{ token: string }>('key', { key_alias: 'churn' });
    // Either both are gone, or the alias points at the one key that holds it.
    if (alias) expect(keys.map((k) => k.token)).toEqual([alias.token]);
    else expect(keys).toEqual([]);
    // And the alias can be taken again once free.
    if (!alias) expect((await a.call('POST', '/key/generate', { key_alias: 'churn' })).status).toBe(200);
  });

  it('a key used while it is deleted either answers or is refused, never 500', async () => {
    const { body: made } = await a.call('POST', '/key/generate', {});
    const statuses = await times(10, (i) => (i === 5 ? b.call('POST', '/key/delete', { keys: [made.key] }) : a.call('POST', '/v1/chat/completions', chat('mock'), made.key)).then((r) => r.status));
    expect(statuses.every((s) => s === 200 || s === 401)).toBe(true);
  });
});
