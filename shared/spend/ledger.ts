// The spend ledger: one record per model request, in LiteLLM's SpendLogs field names, written before
// a successful answer's last byte goes out (after the response for every other outcome). Records sit
// in the one table (docs/DATA-MODEL.md) under `SPEND#<request id>`, listed by day through the
// by_entity index (`entity` = `spend_log#<UTC day>`, `created_at` = start time), and expire after the
// retention period through the table's `ttl`.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ENTITY_INDEX, itemKeys } from '../store/table.ts';
import { UpdateExpression } from './update-expression.ts';

const DAY_MS = 86_400_000;

export interface SpendLog {
  request_id: string;
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
  end_user: string | null;
  status: 'success' | 'failure';
  /** The client left early or no usage came back: tokens estimated from what was sent. */
  usage_estimated: boolean;
  metadata: Record<string, unknown>;
}

export interface SpendLogFilter {
  /** Inclusive ISO bounds of `startTime`. */
  from: string;
  to: string;
  api_key?: string;
  team_id?: string;
  user?: string;
  end_user?: string;
}

export class Ledger {
  constructor(private readonly client: DynamoDBDocumentClient, private readonly table: string, private readonly retentionMs: number | undefined) {}

  /**
   * Writes a request's record unless one exists: false when it does (recovery wrote the request off
   * as abandoned, recovery.ts). The record is the request's commit point: its cost is what every
   * account is charged, by the request or by recovery.
   */
  async create(log: SpendLog): Promise<boolean> {
    const start = Date.parse(log.startTime);
    try {
      await this.client.send(new PutCommand({
        TableName: this.table,
        Item: {
          ...log,
          ...itemKeys.spendLog(log.request_id),
          entity: dayEntity(start),
          created_at: log.startTime,
          ...(this.retentionMs !== undefined && { ttl: Math.ceil((start + this.retentionMs) / 1000) }),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }));
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** What the request's record says it cost, strongly consistent (expired or not); undefined without one. */
  async costOf(requestId: string): Promise<number | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.table, Key: itemKeys.spendLog(requestId), ConsistentRead: true }));
    return Item ? (typeof Item['spend'] === 'number' ? Item['spend'] : 0) : undefined;
  }

  async get(requestId: string, now: number): Promise<SpendLog | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.table, Key: itemKeys.spendLog(requestId) }));
    return Item && !expired(Item, now) ? toLog(Item) : undefined;
  }

  /** Records in the range matching the filters, newest first. One query per UTC day of the range. */
  async list(filter: SpendLogFilter, now: number): Promise<SpendLog[]> {
    const logs: SpendLog[] = [];
    const days = Math.floor(Date.parse(filter.to) / DAY_MS) - Math.floor(Date.parse(filter.from) / DAY_MS);
    for (let day = 0; day <= days; day++) {
      // The expression builder's placeholders serve the query too: key condition plus filters.
      const expression = new UpdateExpression();
      const keyCondition = `${expression.name('entity')} = ${expression.value(dayEntity(Date.parse(filter.to) - day * DAY_MS))}`
        + ` AND ${expression.name('created_at')} BETWEEN ${expression.value(filter.from)} AND ${expression.value(filter.to)}`;
      for (const field of ['api_key', 'team_id', 'user', 'end_user'] as const) {
        if (filter[field] !== undefined) expression.when(`${expression.name(field)} = ${expression.value(filter[field])}`);
      }
      const { ConditionExpression, ExpressionAttributeNames, ExpressionAttributeValues } = expression.toInput();
      let start: Record<string, unknown> | undefined;
      do {
        const page = await this.client.send(new QueryCommand({
          TableName: this.table,
          IndexName: ENTITY_INDEX,
          KeyConditionExpression: keyCondition,
          FilterExpression: ConditionExpression,
          ExpressionAttributeNames,
          ExpressionAttributeValues,
          ScanIndexForward: false,
          ExclusiveStartKey: start,
        }));
        for (const item of page.Items ?? []) if (!expired(item, now)) logs.push(toLog(item));
        start = page.LastEvaluatedKey;
      } while (start);
    }
    return logs;
  }
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
