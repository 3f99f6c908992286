// The response cache's entries in the one table (docs/DATA-MODEL.md, "Response cache"): one item per
// cached answer, its JSON gzip-compressed (DynamoDB holds 400 KB per item), spread over 16 partitions
// per namespace by the first hex digit of its hash so that a namespace can be flushed by querying them,
// without a scan. Entries carry the table's `ttl`; readers ignore expired ones themselves (DynamoDB
// deletes late, dynalite never).
import { gunzipSync, gzipSync } from 'node:zlib';
import { BatchWriteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { keyFits } from './limits.ts';
import type { Store } from './store.ts';
import type { ItemKey } from './table.ts';

/**
 * The most a compressed answer may hold to be cached: the 400 KB item limit less room for the key and
 * the other attributes. Larger answers are answered, never cached (README "Caching").
 */
export const MAX_CACHED_BYTES = 380 * 1024;

const SHARDS = '0123456789abcdef';

export interface CacheEntry {
  /** The answer as stored (JSON-able). */
  value: unknown;
  /** Epoch ms when it was stored (`s-maxage` compares it). */
  createdMs: number;
  /** Epoch ms after which it is gone. */
  expiresMs: number;
  /** What the answer was charged when it was fetched, USD: what a hit saves. */
  cost: number;
}

/** Where an entry lives: `namespace` ('' for none) and the hex hash of what it answers. */
export interface CacheAddress {
  namespace: string;
  hash: string;
}

export class CacheEntries {
  constructor(private readonly store: Store) {}

  /** The entry, unless absent or expired at `now`. */
  async get(address: CacheAddress, now: number): Promise<CacheEntry | undefined> {
    const key = itemKey(address);
    if (!keyFits(key.pk)) return undefined;
    const { Item } = await this.store.client.send(new GetCommand({ TableName: this.store.table, Key: key }));
    return Item && readEntry(Item, now);
  }

  /** Stores `entry` unless its compressed answer is over MAX_CACHED_BYTES; returns whether it did. */
  async put(address: CacheAddress, entry: CacheEntry): Promise<boolean> {
    const key = itemKey(address);
    const attributes = entryAttributes(entry);
    if (attributes.value.byteLength > MAX_CACHED_BYTES || !keyFits(key.pk)) return false;
    await this.store.client.send(new PutCommand({ TableName: this.store.table, Item: { ...key, ...attributes } }));
    return true;
  }

  /** Deletes the entries (absent ones are no error). */
  async delete(addresses: CacheAddress[]): Promise<void> {
    await this.deleteKeys(addresses.map(itemKey).filter((key) => keyFits(key.pk)));
  }

  /** Deletes items by their keys, 25 a batch. */
  async deleteKeys(keys: ItemKey[]): Promise<void> {
    for (let i = 0; i < keys.length; i += 25) await this.deleteBatch(keys.slice(i, i + 25));
  }

  /** Deletes every entry of a namespace; returns how many there were. */
  async flush(namespace: string): Promise<number> {
    let count = 0;
    for (const shard of SHARDS) {
      let start: Record<string, unknown> | undefined;
      do {
        const page = await this.store.client.send(
          new QueryCommand({
            TableName: this.store.table,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': partition(namespace, shard) },
            ProjectionExpression: 'pk, sk',
            ExclusiveStartKey: start,
          }),
        );
        const keys = (page.Items ?? []) as ItemKey[];
        await this.deleteKeys(keys);
        count += keys.length;
        start = page.LastEvaluatedKey;
      } while (start);
    }
    return count;
  }

  private async deleteBatch(keys: ItemKey[]): Promise<void> {
    let requests: Array<{ DeleteRequest: { Key: ItemKey } }> = keys.map((Key) => ({ DeleteRequest: { Key } }));
    while (requests.length) {
      const result = await this.store.client.send(new BatchWriteCommand({ RequestItems: { [this.store.table]: requests } }));
      requests = (result.UnprocessedItems?.[this.store.table] ?? []) as typeof requests;
    }
  }
}

/** What an item holds of an entry: its answer compressed, its times, its cost, the table's `ttl`. */
export function entryAttributes(entry: CacheEntry) {
  return { value: gzipSync(JSON.stringify(entry.value)), created_ms: entry.createdMs, expires_ms: entry.expiresMs, cost: entry.cost, ttl: Math.ceil(entry.expiresMs / 1000) };
}

/** A stored item as the entry it holds, unless it expired at `now`. */
export function readEntry(item: Record<string, unknown>, now: number): CacheEntry | undefined {
  if (Number(item['expires_ms']) <= now) return undefined;
  return { value: JSON.parse(gunzipSync(item['value'] as Uint8Array).toString('utf8')), createdMs: Number(item['created_ms']), expiresMs: Number(item['expires_ms']), cost: Number(item['cost'] ?? 0) };
}

function partition(namespace: string, shard: string): string {
  return `CACHE#${namespace}#${shard}`;
}

function itemKey({ namespace, hash }: CacheAddress): ItemKey {
  return { pk: partition(namespace, hash.charAt(0)), sk: hash };
}
