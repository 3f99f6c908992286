// Unconditional writes of many items: BatchWriteItem, 25 requests a call (DynamoDB's most), until DynamoDB has processed them all. What it
// leaves unprocessed (throttled, or over a partition's capacity) is sent again after a growing pause;
// after MAX_ATTEMPTS the call fails as a throttled one would, which the spend tracker counts as an
// outage (unavailable.ts).
import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Store } from './store.ts';

export const MAX_BATCH = 25;
const MAX_ATTEMPTS = 8;
const FIRST_PAUSE_MS = 25;

/** Stores items unconditionally: one PutItem for one, BatchWriteItem for more. */
export async function putItems(store: Store, items: Array<Record<string, unknown>>): Promise<void> {
  if (items.length === 1) await store.client.send(new PutCommand({ TableName: store.table, Item: items[0] }));
  else
    await writeBatches(
      store,
      items.map((Item) => ({ PutRequest: { Item } })),
    );
}

export async function writeBatches(store: Store, requests: Array<Record<string, unknown>>): Promise<void> {
  const calls: Array<Promise<void>> = [];
  for (let i = 0; i < requests.length; i += MAX_BATCH) calls.push(writeBatch(store, requests.slice(i, i + MAX_BATCH)));
  await Promise.all(calls);
}

async function writeBatch(store: Store, requests: Array<Record<string, unknown>>): Promise<void> {
  let pending = requests;
  for (let attempt = 0; pending.length; attempt++) {
    if (attempt === MAX_ATTEMPTS) {
      throw new ProvisionedThroughputExceededException({ message: `DynamoDB left ${pending.length} batched writes unprocessed after ${MAX_ATTEMPTS} attempts`, $metadata: {} });
    }
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, FIRST_PAUSE_MS * 2 ** (attempt - 1)));
    const result = await store.client.send(new BatchWriteCommand({ RequestItems: { [store.table]: pending } }));
    pending = (result.UnprocessedItems?.[store.table] ?? []) as typeof pending;
  }
}
