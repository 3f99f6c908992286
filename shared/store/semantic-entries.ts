// The semantic cache's entries in the one table (docs/DATA-MODEL.md, "Response cache"): one partition
// per scope, namespace and set of non-prompt parameters, holding each cached answer with its prompt's
// embedding (float32, binary). A lookup reads the partition's vectors (at most MAX_SCANNED of them,
// without the answers) and compares them all with the prompt's, then reads the best match's answer: a
// bounded brute-force scan, the store `npm start` and small deployments use (README "Caching").
// Entries are listed in `by_entity` under `semantic_cache#<namespace>` so a namespace can be flushed.
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { entryAttributes, MAX_CACHED_BYTES, readEntry, type CacheEntries, type CacheEntry } from './cache-entries.ts';
import type { Store } from './store.ts';
import { ENTITY_INDEX, type ItemKey } from './table.ts';
import { queryPages } from './query-pages.ts';
import type { SemanticMatch, SemanticStore } from './semantic-store.ts';

/** The most entries a lookup compares: the newest are not preferred, so a partition should stay below it (ttl). */
export const MAX_SCANNED = 1000;

export class SemanticEntries implements SemanticStore {
  constructor(
    private readonly store: Store,
    private readonly exact: CacheEntries,
  ) {}

  /** The stored answer whose prompt is most similar to `vector`, if one is at least `threshold` similar and not expired. */
  async nearest(namespace: string, partition: string, vector: Float32Array, threshold: number, now: number): Promise<SemanticMatch | undefined> {
    let best: { sk: string; similarity: number } | undefined;
    let start: Record<string, unknown> | undefined;
    let scanned = 0;
    do {
      const page = await this.store.client.send(
        new QueryCommand({
          TableName: this.store.table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': partitionKey(namespace, partition) },
          ProjectionExpression: 'sk, vector, expires_ms',
          ExclusiveStartKey: start,
          Limit: MAX_SCANNED - scanned,
        }),
      );
      for (const item of page.Items ?? []) {
        if (Number(item['expires_ms']) <= now) continue;
        const similarity = cosine(vector, toVector(item['vector'] as Uint8Array));
        if (similarity >= threshold && (!best || similarity > best.similarity)) best = { sk: String(item['sk']), similarity };
      }
      scanned += page.Items?.length ?? 0;
      start = page.LastEvaluatedKey;
    } while (start && scanned < MAX_SCANNED);
    if (!best) return undefined;
    const { Item } = await this.store.client.send(new GetCommand({ TableName: this.store.table, Key: { pk: partitionKey(namespace, partition), sk: best.sk } }));
    const entry = Item && readEntry(Item, now);
    return entry && { hash: best.sk, similarity: best.similarity, entry };
  }

  /** Stores an answer with its prompt's embedding, unless its compressed answer is over MAX_CACHED_BYTES; returns whether it did. */
  async put(namespace: string, partition: string, hash: string, vector: Float32Array, entry: CacheEntry): Promise<boolean> {
    const attributes = entryAttributes(entry);
    const vectorBytes = new Uint8Array(vector.buffer, vector.byteOffset, vector.byteLength);
    if (attributes.value.byteLength + vectorBytes.byteLength > MAX_CACHED_BYTES) return false;
    await this.store.client.send(
      new PutCommand({
        TableName: this.store.table,
        // by_entity's sort key is the hash: /cache/delete finds the entry by it without knowing its partition.
        Item: { pk: partitionKey(namespace, partition), sk: hash, entity: entityOf(namespace), created_at: hash, vector: vectorBytes, ...attributes },
      }),
    );
    return true;
  }

  /** Deletes the semantic entries of these exact hashes (the exact entries' twins): one `Query` of `by_entity` each. */
  async delete(addresses: Array<{ namespace: string; hash: string }>): Promise<void> {
    for (const { namespace, hash } of addresses) {
      const page = await this.store.client.send(
        new QueryCommand({
          TableName: this.store.table,
          IndexName: ENTITY_INDEX,
          KeyConditionExpression: '#entity = :entity AND #hash = :hash',
          ExpressionAttributeNames: { '#entity': 'entity', '#hash': 'created_at' },
          ExpressionAttributeValues: { ':entity': entityOf(namespace), ':hash': hash },
          ProjectionExpression: 'pk, sk',
        }),
      );
      await this.exact.deleteKeys((page.Items ?? []) as ItemKey[]);
    }
  }

  /** Deletes every semantic entry of a namespace; returns how many. */
  async flush(namespace: string): Promise<number> {
    let count = 0;
    const pages = queryPages(this.store.client, {
      TableName: this.store.table,
      IndexName: ENTITY_INDEX,
      KeyConditionExpression: '#entity = :entity',
      ExpressionAttributeNames: { '#entity': 'entity' },
      ExpressionAttributeValues: { ':entity': entityOf(namespace) },
      ProjectionExpression: 'pk, sk',
    });
    for await (const page of pages) {
      const keys = (page.Items ?? []) as ItemKey[];
      await this.exact.deleteKeys(keys);
      count += keys.length;
    }
    return count;
  }
}

function partitionKey(namespace: string, partition: string): string {
  return `SEMCACHE#${namespace}#${partition}`;
}

function entityOf(namespace: string): string {
  return `semantic_cache#${namespace}`;
}

function toVector(bytes: Uint8Array): Float32Array {
  // A copy: the bytes DynamoDB returned need not be aligned for float32.
  return new Float32Array(bytes.slice().buffer);
}

/** Cosine similarity: 1 for the same direction, 0 for unrelated, -1 for opposite. */
export function cosine(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return -1;
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    normA += a[i]! * a[i]!;
    normB += b[i]! * b[i]!;
  }
  return normA && normB ? dot / Math.sqrt(normA * normB) : 0;
}
