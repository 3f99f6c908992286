// Daily spend rollups (docs/DATA-MODEL.md, "Daily activity"): LiteLLM's LiteLLM_Daily{User,Team,Tag}Spend
// rows, one item per account, UTC day, key, model, model group and provider, whose counters each
// recorded request ADDs to (an UpdateItem per rollup, no condition: concurrent writers add up). The
// adds go by group commit (group-commit.ts): those of requests that finish while a rollup write is under
// way on this instance are summed per item and made as one UpdateItem per item, so a busy instance
// writes each of its few rollup items once per write instead of once per request; alone (as on Lambda)
// a request's adds are written at once, as before. A long-running server also gathers them for a moment
// before each write (`gatherMs`), so that requests one at a time share writes too. The /…/daily/activity
// routes read these instead of the ledger: a day of a user is a handful of items, not one per request.
import { createHash } from 'node:crypto';
import { UpdateCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { usd } from '../pricing/usd.ts';
import { ExpressionParts } from './expression-parts.ts';
import { GroupCommit } from './group-commit.ts';
import type { SpendLog } from './ledger.ts';
import { keyFits } from './limits.ts';
import type { Store } from './store.ts';
import { ENTITY_INDEX } from './table.ts';
import { queryPages } from './query-pages.ts';

/** Whose activity a rollup counts: LiteLLM's daily tables by user, team and tag. */
export type RollupKind = 'user' | 'team' | 'tag';

/** The counters of a rollup, LiteLLM's DailySpend columns (each request adds to them). */
export const ROLLUP_COUNTERS = [
  'spend',
  'prompt_tokens',
  'completion_tokens',
  'cache_read_input_tokens',
  'cache_creation_input_tokens',
  'api_requests',
  'successful_requests',
  'failed_requests',
  'total_response_time_ms',
  'timed_requests',
] as const;

export type RollupCounters = Record<(typeof ROLLUP_COUNTERS)[number], number>;

export interface DailyRollup extends RollupCounters {
  /** `<date>#<dimensions hash>`: unique within the account, in date order. */
  id: string;
  /** The UTC day, YYYY-MM-DD. */
  date: string;
  /** The user id, team id or tag the rollup counts ('' for requests of keys without a user). */
  entity_id: string;
  /** The key's hash (`master` for the master key, `none` on an open gateway), and what the ledger says of it. */
  api_key: string;
  key_alias: string | null;
  user_id: string | null;
  team_id: string | null;
  model: string | null;
  model_group: string | null;
  custom_llm_provider: string | null;
}

export interface RollupQuery {
  /** Inclusive UTC days, YYYY-MM-DD. */
  from: string;
  to: string;
  /** The accounts to read; all of the kind when absent. */
  entityIds?: string[];
  model?: string;
  api_key?: string;
}

const DAY_MS = 86_400_000;

/** Adds waiting for one flush: requests finishing together on a busy instance, every rollup item of theirs. */
const MAX_ADDS_TOGETHER = 1000;

/** One request's add to one rollup item. */
interface RollupAdd {
  key: { pk: string; sk: string };
  described: Record<string, unknown>;
  added: RollupCounters;
}

export class DailySpend {
  private readonly adds: GroupCommit<RollupAdd, void>;

  /** `gatherMs`: how long each rollup write waits for more requests' adds (0: only those finishing together). */
  constructor(
    private readonly store: Store,
    gatherMs = 0,
  ) {
    this.adds = new GroupCommit((group) => this.addTogether(group), MAX_ADDS_TOGETHER, gatherMs);
  }

  /**
   * Adds a recorded request to the day's rollups of its user (every request: '' when its key has
   * none), its team and each of its tags; resolves once they are written.
   */
  async add(log: SpendLog): Promise<void> {
    const accounts: Array<[RollupKind, string]> = [
      ['user', log.user ?? ''],
      ...(log.team_id ? [['team', log.team_id] as [RollupKind, string]] : []),
      ...(log.request_tags ?? []).map((tag) => ['tag', tag] as [RollupKind, string]),
    ];
    await Promise.all(accounts.filter(([kind, id]) => keyFits(partitionKey(kind, id))).map(([kind, id]) => this.adds.add(rollupAdd(kind, id, log))));
  }

  /**
   * One flush: the adds to each item summed into one UpdateItem, the items written in parallel. An add
   * fails with its item's write only (a failed rollup is logged, not retried: tracker.ts).
   */
  private async addTogether(group: RollupAdd[]): Promise<Array<PromiseSettledResult<void>>> {
    const byItem = new Map<string, RollupAdd>();
    for (const add of group) {
      const id = `${add.key.pk}\n${add.key.sk}`;
      const summed = byItem.get(id);
      // The labels are the later request's, as its own write would have left them.
      byItem.set(id, summed ? { ...add, added: sumCounters(summed.added, add.added) } : add);
    }
    const written = new Map([...byItem].map(([id, add]) => [id, this.write(add)] as const));
    const outcomes = await Promise.allSettled(written.values());
    const outcomeOf = new Map([...written.keys()].map((id, i) => [id, outcomes[i]!]));
    return group.map((add) => outcomeOf.get(`${add.key.pk}\n${add.key.sk}`)!);
  }

  private async write({ key, described, added }: RollupAdd): Promise<void> {
    const expression = new ExpressionParts();
    const set = Object.entries(described).map(([name, value]) => `${expression.name(name)} = ${expression.value(value)}`);
    const add = ROLLUP_COUNTERS.map((name) => `${expression.name(name)} ${expression.value(added[name])}`);
    await this.store.client.send(
      new UpdateCommand({
        TableName: this.store.table,
        Key: key,
        UpdateExpression: `SET ${set.join(', ')} ADD ${add.join(', ')}`,
        ExpressionAttributeNames: expression.attributeNames(),
        ExpressionAttributeValues: expression.attributeValues(),
      }),
    );
  }

  /**
   * The rollups of the range matching the query, newest day first and in id order within a day: one
   * Query per account (its partition, by `sk` range), or per day of the range through `by_entity` for
   * every account of the kind.
   */
  async list(kind: RollupKind, query: RollupQuery): Promise<DailyRollup[]> {
    const inputs = query.entityIds
      ? query.entityIds.filter((id) => keyFits(partitionKey(kind, id))).map((id) => this.accountQuery(kind, id, query))
      : days(query.from, query.to).map((day) => this.dayQuery(kind, day, query));
    const rows: DailyRollup[] = [];
    for (const input of inputs) {
      for await (const page of queryPages(this.store.client, input)) for (const item of page.Items ?? []) rows.push(toRollup(item));
    }
    return rows.sort((a, b) => b.date.localeCompare(a.date) || a.id.localeCompare(b.id) || a.entity_id.localeCompare(b.entity_id));
  }

  private accountQuery(kind: RollupKind, entityId: string, query: RollupQuery): QueryCommandInput {
    const expression = new ExpressionParts();
    // Ids are `<date>#<hex>`: every id of the last day sorts below `<date>#~`.
    const key = `${expression.name('pk')} = ${expression.value(partitionKey(kind, entityId))} AND ${expression.name('sk')} BETWEEN ${expression.value(`${query.from}#`)} AND ${expression.value(`${query.to}#~`)}`;
    return this.input(expression, key, query, undefined);
  }

  private dayQuery(kind: RollupKind, day: string, query: RollupQuery): QueryCommandInput {
    const expression = new ExpressionParts();
    return this.input(expression, `${expression.name('entity')} = ${expression.value(dayEntity(kind, day))}`, query, ENTITY_INDEX);
  }

  private input(expression: ExpressionParts, keyCondition: string, query: RollupQuery, index: string | undefined): QueryCommandInput {
    if (query.model !== undefined) expression.when(`${expression.name('model')} = ${expression.value(query.model)}`);
    if (query.api_key !== undefined) expression.when(`${expression.name('api_key')} = ${expression.value(query.api_key)}`);
    return {
      TableName: this.store.table,
      IndexName: index,
      KeyConditionExpression: keyCondition,
      FilterExpression: expression.condition(),
      ExpressionAttributeNames: expression.attributeNames(),
      ExpressionAttributeValues: expression.attributeValues(),
    };
  }
}

/** What a recorded request adds to the day's rollup of one account: its item, its labels, its counters. */
function rollupAdd(kind: RollupKind, entityId: string, log: SpendLog): RollupAdd {
  const date = log.startTime.slice(0, 10);
  const dimensions = { api_key: log.api_key ?? 'none', model: log.model, model_group: log.model_group, custom_llm_provider: log.custom_llm_provider };
  const id = `${date}#${createHash('sha256').update(JSON.stringify(dimensions)).digest('hex').slice(0, 32)}`;
  const failed = log.status === 'failure';
  const added: RollupCounters = {
    spend: log.spend,
    prompt_tokens: log.prompt_tokens,
    completion_tokens: log.completion_tokens,
    cache_read_input_tokens: log.cached_tokens,
    cache_creation_input_tokens: log.cache_creation_input_tokens,
    api_requests: 1,
    successful_requests: failed ? 0 : 1,
    failed_requests: failed ? 1 : 0,
    total_response_time_ms: log.request_duration_ms,
    timed_requests: 1,
  };
  const described = { entity: dayEntity(kind, date), created_at: date, date, entity_id: entityId, ...dimensions, key_alias: log.key_alias, user_id: log.user, team_id: log.team_id };
  return { key: { pk: partitionKey(kind, entityId), sk: id }, described, added };
}

/** Two adds as one; spend rounded to the nano-dollar, as costs are (no float residue in the ADD). */
function sumCounters(a: RollupCounters, b: RollupCounters): RollupCounters {
  const sum = Object.fromEntries(ROLLUP_COUNTERS.map((name) => [name, a[name] + b[name]])) as RollupCounters;
  sum.spend = usd(sum.spend);
  return sum;
}

function partitionKey(kind: RollupKind, entityId: string): string {
  return `DAILY#${kind}#${entityId}`;
}

function dayEntity(kind: RollupKind, date: string): string {
  return `daily_${kind}_spend#${date}`;
}

/** Each UTC day of the inclusive range, YYYY-MM-DD. */
function days(from: string, to: string): string[] {
  const first = Date.parse(`${from}T00:00:00Z`);
  const last = Date.parse(`${to}T00:00:00Z`);
  return Array.from({ length: Math.floor((last - first) / DAY_MS) + 1 }, (_, i) => new Date(first + i * DAY_MS).toISOString().slice(0, 10));
}

function toRollup(item: Record<string, unknown>): DailyRollup {
  const counters = Object.fromEntries(ROLLUP_COUNTERS.map((name) => [name, typeof item[name] === 'number' ? item[name] : 0])) as RollupCounters;
  const text = (name: string) => (typeof item[name] === 'string' ? (item[name] as string) : null);
  return {
    ...counters,
    id: String(item['sk']),
    date: String(item['date']),
    entity_id: String(item['entity_id'] ?? ''),
    api_key: String(item['api_key'] ?? 'none'),
    key_alias: text('key_alias'),
    user_id: text('user_id'),
    team_id: text('team_id'),
    model: text('model'),
    model_group: text('model_group'),
    custom_llm_provider: text('custom_llm_provider'),
  };
}
