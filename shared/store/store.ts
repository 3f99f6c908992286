// The table: its one DynamoDB client (timed for load shedding), conditional single-item writes,
// single-item reads (cached for the request path), and entity listings through the by_entity index.
// No scans, no transactions. The repositories beside it are the rest of the gateway's way in: the
// identity records (identities.ts), the spend counters (counter-items.ts), the ledger (ledger.ts) and
// the response cache's entries (cache-entries.ts); no module outside shared/store/ sends a DynamoDB command.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GatewayError } from '../core/errors.ts';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ensureTable } from './ensure-table.ts';
import { isItemTooLarge, ItemTooLarge } from './item-too-large.ts';
import { keyFits } from './limits.ts';
import { StoreLoad, type StoreLoadLimits } from './store-load.ts';
import { storeFailure } from './unavailable.ts';
import type { Fields } from './records.ts';
import { ENTITY_INDEX, type Entity, type ItemKey } from './table.ts';
import { queryPages } from './query-pages.ts';

/** An id or alias too long for a DynamoDB key: the caller's 400, before anything is written. */
export class KeyTooLong extends GatewayError {
  constructor() {
    super('invalid_request', 'An id or alias is longer than the 2048 bytes a DynamoDB key holds, so nothing was saved. Use a shorter one.');
  }
}

/** A conditional write found the item in another state than it required. */
export class ConditionFailed extends Error {
  constructor() {
    super('conditional write refused');
    this.name = 'ConditionFailed';
  }
}

export interface StoreOptions {
  /** How long a request-path read is reused; 0 disables the cache. */
  cacheTtlMs: number;
  now?: () => number;
  /** When new requests are shed (store-load.ts). */
  load?: StoreLoadLimits;
}

/** Bound on cached entries: past it the oldest go first. */
const MAX_CACHED = 10_000;

export class Store {
  private readonly cache = new Map<string, { value: Fields | undefined; until: number }>();
  /** Request-path reads under way: concurrent misses of one item share one call. */
  private readonly reading = new Map<string, Promise<Fields | undefined>>();
  private readonly now: () => number;
  /** Every call through `client` (this store's and its repositories'), for load shedding. */
  readonly load: StoreLoad;

  constructor(
    readonly client: DynamoDBDocumentClient,
    readonly table: string,
    private readonly options: StoreOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.load = new StoreLoad(options.load);
    this.load.watch(client);
  }

  /** How long a request-path read is reused (TOLLGATE_KEY_CACHE_SECONDS); other per-instance copies of the table's items follow it. */
  get cacheTtlMs(): number {
    return this.options.cacheTtlMs;
  }

  /** Local use only (embedded server, tests); in AWS the CDK stack owns the table. */
  createTableIfMissing(): Promise<void> {
    return ensureTable(this.client, this.table);
  }

  /**
   * The request path's read: reused for `cacheTtlMs`, misses included, and shared by the requests
   * that miss together (a thousand requests of one key as its entry expires make one call, not a
   * thousand). Writes here drop it at once, and a read they overtake is not cached.
   */
  async cachedGet<T>(key: ItemKey): Promise<T | undefined> {
    const hit = this.cache.get(key.pk);
    if (hit && hit.until > this.now()) return hit.value as T | undefined;
    let reading = this.reading.get(key.pk);
    if (!reading) {
      const started: Promise<Fields | undefined> = this.read(key, false)
        .then((value) => {
          if (this.reading.get(key.pk) === started) this.remember(key, value);
          return value;
        })
        .finally(() => {
          if (this.reading.get(key.pk) === started) this.reading.delete(key.pk);
        });
      this.reading.set(key.pk, started);
      reading = started;
    }
    return (await reading) as T | undefined;
  }

  private remember(key: ItemKey, value: Fields | undefined): void {
    if (this.options.cacheTtlMs <= 0) return;
    if (this.cache.size >= MAX_CACHED) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(key.pk, { value, until: this.now() + this.options.cacheTtlMs });
  }

  /** Drops the cached copy of an item another module wrote. */
  forget(key: ItemKey): void {
    this.cache.delete(key.pk);
  }

  /** A strongly consistent read, for admin routes. */
  async get<T>(key: ItemKey): Promise<T | undefined> {
    return (await this.read(key, true)) as T | undefined;
  }

  /** Writes a new item; ConditionFailed if one with this key exists (or, with `replacing`, unless it holds those values). */
  async create(key: ItemKey, entity: Entity | undefined, fields: object, replacing?: Fields): Promise<void> {
    if (!keyFits(key.pk)) throw new KeyTooLong();
    const condition = replacing ? equalities(replacing, 'r') : { expression: 'attribute_not_exists(pk)', names: {}, values: {} };
    await this.write(key, () =>
      this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...fields, ...key, ...(entity && { entity }) },
          ConditionExpression: condition.expression,
          ExpressionAttributeNames: nonEmpty(condition.names),
          ExpressionAttributeValues: nonEmpty(condition.values),
        }),
      ),
    );
  }

  /**
   * Sets the given fields of an existing item, leaving every other attribute (issue 6's counters) alone.
   * Returns the item before and after; undefined if there is no such item (or `when` does not hold).
   */
  async update<T extends Fields>(key: ItemKey, set: Fields, when: Fields = {}): Promise<{ before: T; after: T } | undefined> {
    if (!keyFits(key.pk)) return undefined;
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const assignments = Object.entries(set)
      .filter(([, v]) => v !== undefined)
      .map(([field, value], i) => {
        names[`#s${i}`] = field;
        values[`:s${i}`] = value;
        return `#s${i} = :s${i}`;
      });
    const condition = equalities(when, 'w');
    try {
      const result = await this.write(key, () =>
        this.client.send(
          new UpdateCommand({
            TableName: this.table,
            Key: key,
            UpdateExpression: `SET ${assignments.join(', ')}`,
            ConditionExpression: ['attribute_exists(pk)', condition.expression].filter(Boolean).join(' AND '),
            ExpressionAttributeNames: { ...names, ...condition.names },
            ExpressionAttributeValues: { ...values, ...condition.values },
            ReturnValues: 'ALL_OLD',
          }),
        ),
      );
      const before = withoutKeys(result.Attributes ?? {}) as T;
      const after = { ...before, ...Object.fromEntries(Object.entries(set).filter(([, v]) => v !== undefined)) } as T;
      return { before, after };
    } catch (error) {
      if (error instanceof ConditionFailed) return undefined;
      throw error;
    }
  }

  /** Deletes an item (if it holds the `when` values); returns what it was, or undefined if nothing was deleted. */
  async delete<T>(key: ItemKey, when: Fields = {}): Promise<T | undefined> {
    if (!keyFits(key.pk)) return undefined;
    const condition = equalities(when, 'w');
    try {
      const result = await this.write(key, () =>
        this.client.send(
          new DeleteCommand({
            TableName: this.table,
            Key: key,
            ConditionExpression: ['attribute_exists(pk)', condition.expression].filter(Boolean).join(' AND '),
            ExpressionAttributeNames: nonEmpty(condition.names),
            ExpressionAttributeValues: nonEmpty(condition.values),
            ReturnValues: 'ALL_OLD',
          }),
        ),
      );
      return withoutKeys(result.Attributes ?? {}) as T;
    } catch (error) {
      if (error instanceof ConditionFailed) return undefined;
      throw error;
    }
  }

  /** Every item of an entity, newest first, whose fields equal `filters` (undefined filters are ignored). */
  async list<T>(entity: Entity, filters: Record<string, string | undefined> = {}): Promise<T[]> {
    const condition = equalities(Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined)), 'f');
    const items: T[] = [];
    const pages = queryPages(this.client, {
      TableName: this.table,
      IndexName: ENTITY_INDEX,
      KeyConditionExpression: '#entity = :entity',
      FilterExpression: condition.expression || undefined,
      ExpressionAttributeNames: { '#entity': 'entity', ...condition.names },
      ExpressionAttributeValues: { ':entity': entity, ...condition.values },
      ScanIndexForward: false,
    });
    for await (const page of pages) for (const item of page.Items ?? []) items.push(withoutKeys(item) as T);
    return items;
  }

  private async read(key: ItemKey, consistent: boolean): Promise<Fields | undefined> {
    // No item can be stored under a key longer than DynamoDB's limit, so there is none to find.
    if (!keyFits(key.pk)) return undefined;
    let Item: Record<string, unknown> | undefined;
    try {
      ({ Item } = await this.client.send(new GetCommand({ TableName: this.table, Key: key, ConsistentRead: consistent })));
    } catch (error) {
      throw storeFailure(error);
    }
    return Item ? withoutKeys(Item) : undefined;
  }

  /** Runs a write, maps a refused condition to ConditionFailed (and an oversized item to a 400), and drops the cached copy either way. */
  private async write<R>(key: ItemKey, send: () => Promise<R>): Promise<R> {
    try {
      return await send();
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new ConditionFailed();
      if (isItemTooLarge(error)) throw new ItemTooLarge(error);
      throw error;
    } finally {
      this.cache.delete(key.pk);
      this.reading.delete(key.pk);
    }
  }
}

function equalities(fields: Fields, prefix: string): { expression: string; names: Record<string, string>; values: Record<string, unknown> } {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const parts = Object.entries(fields).map(([field, value], i) => {
    names[`#${prefix}${i}`] = field;
    values[`:${prefix}${i}`] = value;
    return `#${prefix}${i} = :${prefix}${i}`;
  });
  return { expression: parts.join(' AND '), names, values };
}

function nonEmpty<T extends object>(value: T): T | undefined {
  return Object.keys(value).length ? value : undefined;
}

function withoutKeys(item: Record<string, unknown>): Fields {
  const { pk: _pk, sk: _sk, entity: _entity, ...fields } = item;
  return fields;
}
