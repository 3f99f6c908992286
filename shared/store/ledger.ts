// The spend ledger's records: one per model request, in LiteLLM's SpendLogs field names, written once
// (the request's commit point, shared/spend/tracker.ts) and never changed. Records of requests that
// booked no account are group-committed (group-commit.ts). Records sit in the one table
// (docs/DATA-MODEL.md) under `SPEND#<request id>`, listed by day through the by_entity index (`entity` =
// `spend_log#<UTC day>`, `created_at` = start time), and expire after the retention period through the
// table's `ttl`.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { ExpressionParts } from './expression-parts.ts';
import { itemCommits, type GroupCommit } from './group-commit.ts';
import { keyFits } from './limits.ts';
import type { Store } from './store.ts';
import { ENTITY_INDEX, itemKeys } from './table.ts';
import { queryPages } from './query-pages.ts';

const DAY_MS = 86_400_000;

export interface SpendLog {
  request_id: string;
  /** The id of the answer the client got (`chatcmpl-…`), which LiteLLM's spend logs use as their request_id. Absent in older records and answers without one. */
  response_id?: string;
  /** LiteLLM's names: acompletion, aembedding, anthropic_messages. */
  call_type: string;
  /** SHA-256 hex of the virtual key; `master` for the master key, null on an open gateway. */
  api_key: string | null;
  key_alias: string | null;
  /** What the caller was charged (provider cost plus margin), USD. */
  spend: number;
  provider_cost: number;
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  cached_tokens: number;
  cache_creation_input_tokens: number;
  /** ISO times. */
  startTime: string;
  endTime: string;
  completionStartTime: string | null;
  request_duration_ms: number;
  time_to_first_token_ms: number | null;
  /** Upstream model, deployment id, requested model name, provider. */
  model: string | null;
  model_id: string | null;
  model_group: string | null;
  custom_llm_provider: string | null;
  user: string | null;
  team_id: string | null;
  organization_id?: string | null;
  /** The tags the request carried (LiteLLM's `request_tags`). */
  request_tags?: string[];
  end_user: string | null;
  status: 'success' | 'failure';
  /** The client left early or no usage came back: tokens estimated from what was sent. */
  usage_estimated: boolean;
  /** Answered from the response cache; `cache_key` is the key it was looked up under (null when it was not). Absent in records older than the cache. */
  cache_hit?: boolean;
  cache_key?: string | null;
  /** What the cache saved the caller, USD: what a hit would have cost without it, less what it was charged (0 on a miss). */
  cache_savings?: number;
  metadata: Record<string, unknown>;
}

export interface SpendLogFilter {
  /** Inclusive ISO bounds of `startTime`. */
  from: string;
  to: string;
  api_key?: string;
  /** The id of the answer the client got. */
  response_id?: string;
  team_id?: string;
  user?: string;
  end_user?: string;
  status?: string;
  model?: string;
  model_id?: string;
  model_group?: string;
  /** Part of `key_alias` (LiteLLM matches aliases partially). */
  key_alias?: string;
  /** Inclusive bounds of `spend`. */
  min_spend?: number;
  max_spend?: number;
}

/** Fields a filter compares for equality. */
const EQUAL_FIELDS = ['api_key', 'response_id', 'team_id', 'user', 'end_user', 'status', 'model', 'model_id', 'model_group'] as const;

export type LedgerOrder = 'newest' | 'oldest';

export class Ledger {
  private readonly commits: GroupCommit<Record<string, unknown>, void>;

  constructor(
    private readonly store: Store,
    private readonly retentionMs: number | undefined,
  ) {
    this.commits = itemCommits(store);
  }

  /**
   * Writes a request's record unless one exists: false when it does (recovery wrote the request off
   * as abandoned, recovery.ts). The record is the request's commit point: its cost is what every
   * account is charged, by the request or by recovery. `uncontested`: the request booked no account,
   * so recovery never writes its record and no condition is needed; such records are group-committed
   * (group-commit.ts), one BatchWriteItem for those of the requests that finish together.
   */
  async create(log: SpendLog, { uncontested = false }: { uncontested?: boolean } = {}): Promise<boolean> {
    const item = this.item(log);
    if (uncontested) {
      await this.commits.add(item);
      return true;
    }
    try {
      await this.store.client.send(new PutCommand({ TableName: this.store.table, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** The item that holds a record: its keys, its day in the by_entity index, its expiry. */
  private item(log: SpendLog): Record<string, unknown> {
    const start = Date.parse(log.startTime);
    return {
      ...log,
      ...itemKeys.spendLog(log.request_id),
      entity: dayEntity(start),
      created_at: log.startTime,
      ...(this.retentionMs !== undefined && { ttl: Math.ceil((start + this.retentionMs) / 1000) }),
    };
  }

  /** What the request's record says it cost, strongly consistent (expired or not); undefined without one. */
  async costOf(requestId: string): Promise<number | undefined> {
    const { Item } = await this.store.client.send(new GetCommand({ TableName: this.store.table, Key: itemKeys.spendLog(requestId), ConsistentRead: true }));
    return Item ? (typeof Item['spend'] === 'number' ? Item['spend'] : 0) : undefined;
  }

  async get(requestId: string, now: number): Promise<SpendLog | undefined> {
    const key = itemKeys.spendLog(requestId);
    if (!keyFits(key.pk)) return undefined;
    const { Item } = await this.store.client.send(new GetCommand({ TableName: this.store.table, Key: key }));
    return Item && !expired(Item, now) ? toLog(Item) : undefined;
  }

  /**
   * The newest record in the filter's range whose answer had the id `responseId`. Records are keyed by
   * the gateway's request id, so this reads the range's days (newest first, until it finds one) rather
   * than one item: an admin's read, which keeps the request path at one write per record.
   */
  async answered(responseId: string, filter: SpendLogFilter, now: number): Promise<SpendLog | undefined> {
    for await (const log of this.records({ ...filter, response_id: responseId }, now, 'newest')) return log;
    return undefined;
  }

  /** Every record in the range matching the filter, newest first. */
  async list(filter: SpendLogFilter, now: number): Promise<SpendLog[]> {
    const logs: SpendLog[] = [];
    for await (const log of this.records(filter, now, 'newest')) logs.push(log);
    return logs;
  }

  /** `limit` records after the first `offset`, in `order` of start time: reads no further than it needs. */
  async page(filter: SpendLogFilter, now: number, offset: number, limit: number, order: LedgerOrder = 'newest'): Promise<SpendLog[]> {
    const logs: SpendLog[] = [];
    let skipped = 0;
    for await (const log of this.records(filter, now, order)) {
      if (skipped < offset) skipped++;
      else logs.push(log);
      if (logs.length >= limit) break;
    }
    return logs;
  }

  /** How many records match, counted by DynamoDB (no records are sent). */
  async count(filter: SpendLogFilter, now: number): Promise<number> {
    let total = 0;
    for (const day of days(filter, 'newest')) {
      for await (const page of queryPages(this.store.client, { ...this.dayQuery(filter, day, now, 'newest'), Select: 'COUNT' })) total += page.Count ?? 0;
    }
    return total;
  }

  /** The matching records one at a time, one query per UTC day of the range, in `order` of start time. */
  private async *records(filter: SpendLogFilter, now: number, order: LedgerOrder): AsyncGenerator<SpendLog> {
    for (const day of days(filter, order)) {
      for await (const page of queryPages(this.store.client, this.dayQuery(filter, day, now, order))) for (const item of page.Items ?? []) yield toLog(item);
    }
  }

  private dayQuery(filter: SpendLogFilter, day: number, now: number, order: LedgerOrder): QueryCommandInput {
    // One set of placeholders for the key condition and the filters.
    const expression = new ExpressionParts();
    const keyCondition =
      `${expression.name('entity')} = ${expression.value(dayEntity(day))}` + ` AND ${expression.name('created_at')} BETWEEN ${expression.value(filter.from)} AND ${expression.value(filter.to)}`;
    // DynamoDB deletes expired items late, dynalite never: they are left out here.
    expression.when(`attribute_not_exists(${expression.name('ttl')}) OR ${expression.name('ttl')} > ${expression.value(now / 1000)}`);
    for (const field of EQUAL_FIELDS) {
      if (filter[field] !== undefined) expression.when(`${expression.name(field)} = ${expression.value(filter[field])}`);
    }
    if (filter.key_alias !== undefined) expression.when(`contains(${expression.name('key_alias')}, ${expression.value(filter.key_alias)})`);
    if (filter.min_spend !== undefined) expression.when(`${expression.name('spend')} >= ${expression.value(filter.min_spend)}`);
    if (filter.max_spend !== undefined) expression.when(`${expression.name('spend')} <= ${expression.value(filter.max_spend)}`);
    return {
      TableName: this.store.table,
      IndexName: ENTITY_INDEX,
      KeyConditionExpression: keyCondition,
      FilterExpression: expression.condition(),
      ExpressionAttributeNames: expression.attributeNames(),
      ExpressionAttributeValues: expression.attributeValues(),
      ScanIndexForward: order === 'oldest',
    };
  }
}

/** The filter judged on one record in memory, as the query judges it (a record read by its request id). */
export function matchesFilter(log: SpendLog, filter: SpendLogFilter): boolean {
  return (
    log.startTime >= filter.from &&
    log.startTime <= filter.to &&
    EQUAL_FIELDS.every((field) => filter[field] === undefined || log[field] === filter[field]) &&
    (filter.key_alias === undefined || (log.key_alias ?? '').includes(filter.key_alias)) &&
    (filter.min_spend === undefined || log.spend >= filter.min_spend) &&
    (filter.max_spend === undefined || log.spend <= filter.max_spend)
  );
}

/** A time in each UTC day of the range, newest or oldest first. */
function days(filter: SpendLogFilter, order: LedgerOrder): number[] {
  const first = Math.floor(Date.parse(filter.from) / DAY_MS);
  const last = Math.floor(Date.parse(filter.to) / DAY_MS);
  const all = Array.from({ length: last - first + 1 }, (_, i) => (first + i) * DAY_MS);
  return order === 'newest' ? all.reverse() : all;
}

function dayEntity(ms: number): string {
  return `spend_log#${new Date(ms).toISOString().slice(0, 10)}`;
}

/** DynamoDB deletes expired items late, dynalite never: readers skip them. */
function expired(item: Record<string, unknown>, now: number): boolean {
  return typeof item['ttl'] === 'number' && item['ttl'] * 1000 <= now;
}

function toLog(item: Record<string, unknown>): SpendLog {
  const { pk: _pk, sk: _sk, entity: _entity, created_at: _created, ttl: _ttl, ...log } = item;
  return log as unknown as SpendLog;
}
