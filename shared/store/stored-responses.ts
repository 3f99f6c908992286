// The Responses API's stored answers (`store: true`): each response with the input items of its turn,
// so that `previous_response_id` can continue a conversation on any deployment and GET/DELETE
// /v1/responses/{id} can serve it. A conversation is a chain of responses, one record each, linked by
// `previous_response_id`, so no conversation ever needs one item. One turn's record (its input and
// its output) is gzipped and cut into parts of at most PART_BYTES, each its own item under the
// response's partition: `RESPONSE#<id>` / `PART#0000`, `PART#0001`, ... and last the head,
// `RESPONSE#<id>` / `HEAD` (who may read it, which deployment answered, when it expires), whose
// presence says the record is whole. Each output item's id finds its response through
// `RESPONSE_ITEM#<item id>` / `ITEM`, for requests that name an earlier item by reference. Records expire through the table's `ttl`; reads filter on it,
// since the local engine never deletes expired items.
import { gunzipSync, gzipSync } from 'node:zlib';
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { keyFits } from './limits.ts';
import type { Store } from './store.ts';
import { queryPages } from './query-pages.ts';

/** Well under DynamoDB's 400 KB item limit, with room for the keys. */
const PART_BYTES = 350_000;

export interface ResponseRecord {
  /** The `response` object as the client got it. */
  response: Record<string, unknown>;
  /** The input items of this turn (each with its id), oldest first. */
  input: Array<Record<string, unknown>>;
}

export interface ResponseHead {
  /** Who made it: the SHA-256 hex of the virtual key, `master`, or `open`. */
  owner: string;
  /** The team of the key that made it: its members' keys may read it too. */
  teamId: string | null;
  /** The deployment that answered (its model_id). */
  deploymentId: string;
  /** The upstream keeps this response too, under the same id (an OpenAI or Azure deployment asked with store). */
  upstreamStored: boolean;
  previousResponseId: string | null;
  /** Epoch ms after which it is gone. */
  expiresAt: number;
}

export interface StoredResponse extends ResponseHead, ResponseRecord {}

export class StoredResponses {
  constructor(
    private readonly store: Store,
    private readonly now: () => number = Date.now,
  ) {}

  /** Writes the parts, then the head: a reader never finds a head whose parts are missing. */
  async put(id: string, head: ResponseHead, record: ResponseRecord): Promise<void> {
    const pk = partition(id);
    const data = gzipSync(JSON.stringify(record));
    const parts: Uint8Array[] = [];
    for (let at = 0; at < data.length; at += PART_BYTES) parts.push(data.subarray(at, at + PART_BYTES));
    const ttl = Math.ceil(head.expiresAt / 1000);
    // Each output item finds its response: a later request may name it alone (an `item_reference`).
    for (const item of record.response['output'] as Array<{ id?: unknown }>) {
      if (typeof item.id === 'string' && keyFits(itemPartition(item.id))) {
        await this.store.client.send(new PutCommand({ TableName: this.store.table, Item: { pk: itemPartition(item.id), sk: 'ITEM', response_id: id, ttl } }));
      }
    }
    for (const [i, part] of parts.entries()) {
      await this.store.client.send(new PutCommand({ TableName: this.store.table, Item: { pk, sk: partKey(i), data: part, ttl } }));
    }
    await this.store.client.send(
      new PutCommand({
        TableName: this.store.table,
        Item: {
          pk,
          sk: 'HEAD',
          owner: head.owner,
          team_id: head.teamId,
          model_id: head.deploymentId,
          upstream_stored: head.upstreamStored,
          previous_response_id: head.previousResponseId,
          parts: parts.length,
          created_at: new Date(this.now()).toISOString(),
          ttl,
        },
      }),
    );
  }

  /** The whole record, strongly consistent; undefined if there is none, or it has expired. */
  async get(id: string): Promise<StoredResponse | undefined> {
    if (!keyFits(partition(id))) return undefined;
    const items = await this.items(partition(id));
    const head = items.find((item) => item['sk'] === 'HEAD');
    if (!head || (head['ttl'] as number) * 1000 <= this.now()) return undefined;
    const parts = items.filter((item) => String(item['sk']).startsWith('PART#')).slice(0, head['parts'] as number);
    const record = JSON.parse(gunzipSync(Buffer.concat(parts.map((item) => item['data'] as Uint8Array))).toString('utf8')) as ResponseRecord;
    return {
      ...record,
      owner: String(head['owner']),
      teamId: (head['team_id'] as string | null) ?? null,
      deploymentId: String(head['model_id']),
      upstreamStored: head['upstream_stored'] === true,
      previousResponseId: (head['previous_response_id'] as string | null) ?? null,
      expiresAt: (head['ttl'] as number) * 1000,
    };
  }

  /** The id of the stored response whose output holds item `itemId`, if it has not expired. */
  async responseOfItem(itemId: string): Promise<string | undefined> {
    if (!keyFits(itemPartition(itemId))) return undefined;
    const { Item } = await this.store.client.send(new GetCommand({ TableName: this.store.table, Key: { pk: itemPartition(itemId), sk: 'ITEM' }, ConsistentRead: true }));
    return Item && (Item['ttl'] as number) * 1000 > this.now() ? String(Item['response_id']) : undefined;
  }

  /** Deletes the head first (the record is gone for readers at once), then its parts. */
  async delete(id: string): Promise<void> {
    const pk = partition(id);
    if (!keyFits(pk)) return;
    const keys = (await this.items(pk, 'pk, sk')).map((item) => String(item['sk'])).sort((a, b) => (a === 'HEAD' ? -1 : b === 'HEAD' ? 1 : a.localeCompare(b)));
    for (const sk of keys) await this.store.client.send(new DeleteCommand({ TableName: this.store.table, Key: { pk, sk } }));
  }

  /** Every item of a response's partition, strongly consistent. */
  private async items(pk: string, projection?: string): Promise<Array<Record<string, unknown>>> {
    const items: Array<Record<string, unknown>> = [];
    const pages = queryPages(this.store.client, {
      TableName: this.store.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
      ProjectionExpression: projection,
      ConsistentRead: true,
    });
    for await (const page of pages) items.push(...(page.Items ?? []));
    return items;
  }
}

function partition(id: string): string {
  return `RESPONSE#${id}`;
}

function itemPartition(itemId: string): string {
  return `RESPONSE_ITEM#${itemId}`;
}

function partKey(index: number): string {
  return `PART#${String(index).padStart(4, '0')}`;
}
