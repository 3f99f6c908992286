// The response cache's entries in the one table (docs/DATA-MODEL.md, "Response cache"): one item per
// cached answer, its JSON gzip-compressed (DynamoDB holds 400 KB per item), spread over 16 partitions
// per namespace by the first hex digit of its hash so that a namespace can be flushed by querying them,
// without a scan. Entries carry the table's `ttl`; readers ignore expired ones themselves (DynamoDB
// deletes late, dynalite never).
import { gunzipSync, gzipSync } from 'node:zlib';
import { BatchGetCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { keyFits } from './limits.ts';
import { putItems, writeBatches } from './batch-write.ts';
import type { Store } from './store.ts';
import type { ItemKey } from './table.ts';
import { queryPages } from './query-pages.ts';

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

  /** The entries, each unless absent or expired at `now`: one GetItem for one, BatchGetItem (100 a call) for more. */
  async get(addresses: CacheAddress[], now: number): Promise<Array<CacheEntry | undefined>> {
    const keys = addresses.map(itemKey);
    if (keys.length === 1) {
      if (!keyFits(keys[0]!.pk)) return [undefined];
      const { Item } = await this.store.client.send(new GetCommand({ TableName: this.store.table, Key: keys[0] }));
      return [Item && readEntry(Item, now)];
    }
    const items = new Map<string, Record<string, unknown>>();
    const fitting = keys.filter((key) => keyFits(key.pk));
    for (let i = 0; i < fitting.length; i += 100) {
      let pending: Array<Record<string, unknown>> = fitting.slice(i, i + 100).map((key) => ({ ...key }));
      while (pending.length) {
        const result = await this.store.client.send(new BatchGetCommand({ RequestItems: { [this.store.table]: { Keys: pending } } }));
        for (const item of result.Responses?.[this.store.table] ?? []) items.set(`${item['pk']}\n${item['sk']}`, item);
        pending = result.UnprocessedKeys?.[this.store.table]?.Keys ?? [];
      }
    }
    return keys.map((key) => {
      const item = items.get(`${key.pk}\n${key.sk}`);
      return item && readEntry(item, now);
    });
  }

  /**
   * Stores the entries whose compressed answer is at most MAX_CACHED_BYTES (one PutItem for one,
   * BatchWriteItem, 25 a call, for more); returns which were stored.
   */
  async put(entries: Array<{ address: CacheAddress; entry: CacheEntry }>): Promise<boolean[]> {
    const items = entries.map(({ address, entry }) => ({ ...itemKey(address), ...entryAttributes(entry) }));
    const stored = items.map((item) => item.value.byteLength <= MAX_CACHED_BYTES && keyFits(item.pk));
    const writes = items.filter((_, index) => stored[index]);
    if (writes.length) await putItems(this.store, writes);
    return stored;
  }

  /** Deletes the entries (absent ones are no error). */
  async delete(addresses: CacheAddress[]): Promise<void> {
    await this.deleteKeys(addresses.map(itemKey).filter((key) => keyFits(key.pk)));
  }

  /** Deletes items by their keys, 25 a batch. */
  async deleteKeys(keys: ItemKey[]): Promise<void> {
    await writeBatches(
      this.store,
      keys.map((Key) => ({ DeleteRequest: { Key } })),
    );
  }

  /** Deletes every entry of a namespace; returns how many there were. */
  async flush(namespace: string): Promise<number> {
    let count = 0;
    for (const shard of SHARDS) {
      const pages = queryPages(this.store.client, {
        TableName: this.store.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': partition(namespace, shard) },
        ProjectionExpression: 'pk, sk',
      });
      for await (const page of pages) {
        const keys = (page.Items ?? []) as ItemKey[];
        await this.deleteKeys(keys);
        count += keys.length;
      }
    }
    return count;
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
