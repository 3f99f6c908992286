// Group commit of ledger records (shared/store/group-commit.ts) against dynalite: what DynamoDB leaves
// unprocessed is sent again until stored, and a write that fails fails every put waiting on it (so
// each of their requests withholds its answer) while later puts go on.
import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedDynamo } from '../../local/embedded-dynamodb.ts';
import { itemCommits } from '../../shared/store/group-commit.ts';
import type { Store } from '../../shared/store/store.ts';
import { isOutage } from '../../shared/store/unavailable.ts';
import { openTestStore } from '../helpers/identity.ts';
import { startDynamo } from './support.ts';

let dynamo: EmbeddedDynamo;
let store: Store;

beforeAll(async () => {
  dynamo = await startDynamo();
  store = await openTestStore(dynamo.endpoint, 0);
});
afterAll(async () => {
  await dynamo.close();
});

type Send = (command: { constructor: { name: string }; input: any }, ...rest: unknown[]) => Promise<any>;

/** Wraps the store client's send with `around`, which gets the real send; returns the restore. */
function intercept(around: (send: Send, command: Parameters<Send>[0], ...rest: unknown[]) => Promise<any>): () => void {
  const client = store.client as unknown as { send: Send };
  const original = client.send;
  const send = original.bind(client);
  client.send = (command, ...rest) => around(send, command, ...rest);
  return () => {
    client.send = original;
  };
}

const item = (id: string) => ({ pk: `GC#${id}`, sk: 'GC', value: id });
const stored = async (id: string) => (await store.get<Record<string, unknown>>({ pk: `GC#${id}`, sk: 'GC' }))?.['value'];

describe('group commit', () => {
  it('sends again what DynamoDB left unprocessed, until every item is stored', async () => {
    let leftOver = true;
    const restore = intercept(async (send, command, ...rest) => {
      const result = await send(command, ...rest);
      if (command.constructor.name !== 'BatchWriteCommand' || !leftOver) return result;
      leftOver = false;
      // As if DynamoDB had throttled the last two: undo them and hand them back.
      const requests = command.input.RequestItems[store.table] as Array<{ PutRequest: { Item: { pk: string; sk: string } } }>;
      const unprocessed = requests.slice(-2);
      for (const request of unprocessed) await store.delete({ pk: request.PutRequest.Item.pk, sk: request.PutRequest.Item.sk });
      return { ...result, UnprocessedItems: { [store.table]: unprocessed } };
    });
    try {
      const commits = itemCommits(store);
      const ids = Array.from({ length: 6 }, (_, i) => `unprocessed-${i}`);
      await Promise.all(ids.map((id) => commits.add(item(id))));
      expect(leftOver).toBe(false);
      for (const id of ids) expect(await stored(id)).toBe(id);
    } finally {
      restore();
    }
  });

  it('fails every put of a write that failed, as an outage, and goes on with the next', async () => {
    let failing = true;
    const restore = intercept((send, command, ...rest) => {
      if (failing && command.constructor.name === 'BatchWriteCommand') return Promise.reject(new ProvisionedThroughputExceededException({ message: 'throttled', $metadata: {} }));
      return send(command, ...rest);
    });
    try {
      const commits = itemCommits(store);
      const results = await Promise.allSettled(['a', 'b', 'c'].map((id) => commits.add(item(`failed-${id}`))));
      for (const result of results) {
        expect(result.status).toBe('rejected');
        expect(isOutage((result as PromiseRejectedResult).reason)).toBe(true);
      }
      failing = false;
      await commits.add(item('after'));
      expect(await stored('after')).toBe('after');
    } finally {
      restore();
    }
  });
});
