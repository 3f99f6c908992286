// Reserving and settling on the items themselves: one conditional UpdateItem per account (all of its
// meters at once). A refused write is judged by a strongly consistent read with the same rules
// (meter-plan.ts): a limit that really is reached refuses the request; anything else (a new minute,
// period or hold window, counters moved by other instances) is retried from the fresh counters.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Fields } from '../store/records.ts';
import type { Account } from './accounts.ts';
import { planReservation, planSettlement, type Hold, type Refusal } from './meter-plan.ts';
import type { BudgetCalendar } from './periods.ts';
import { UpdateExpression } from './update-expression.ts';

/** Attempts before giving up on an item that keeps changing under us (in practice one or two). */
const MAX_ATTEMPTS = 8;
/** Bound on remembered items: past it the oldest go first. */
const MAX_SEEN = 10_000;

export type ReserveResult =
  | { ok: true; holds: Hold[]; state: Fields }
  | { ok: false; refusal: Refusal };

export class ContendedItem extends Error {
  constructor() {
    super('the counters kept changing under every attempt');
  }
}

export class Counters {
  /** The counters each item had after our last write or read: the next write's first guess. */
  private readonly seen = new Map<string, Fields>();

  constructor(private readonly client: DynamoDBDocumentClient, private readonly table: string, private readonly calendar: BudgetCalendar) {}

  async reserve(account: Account, now: number, worst: number): Promise<ReserveResult> {
    let state = this.seen.get(account.item.pk) ?? account.record;
    let fresh = false;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const update = new UpdateExpression().when('attribute_exists(pk)');
      const plans = account.meters.map((meter) => planReservation(meter, state, now, worst, update, this.calendar));
      const refusal = plans.find((p) => p.refusal)?.refusal;
      if (refusal && fresh) return { ok: false, refusal };
      if (!refusal) {
        const written = await this.write(account, update);
        if (written) return { ok: true, holds: plans.map((p) => p.hold), state: written };
      }
      const read = await this.read(account);
      if (!read) return { ok: true, holds: [], state: {} }; // deleted meanwhile: nothing left to hold
      state = read;
      fresh = true;
    }
    throw new ContendedItem();
  }

  /** Settles the holds of one account to the real cost; returns the item's counters after. */
  async settle(account: Account, holds: Hold[], cost: number, tokens: number): Promise<Fields | undefined> {
    if (holds.length === 0) return undefined; // the item was gone when reserving
    for (const writtenOff of [false, true]) {
      const update = new UpdateExpression().when('attribute_exists(pk)');
      for (const hold of holds) planSettlement(hold, cost, tokens, update, writtenOff);
      const written = await this.write(account, update);
      if (written) return written;
      if (!holds.some((h) => h.window !== undefined)) return undefined; // the item is gone
    }
    return undefined;
  }

  /** Sets `attribute` to `value` unless it already holds it: true for exactly one caller. */
  async claim(account: Account, attribute: string, value: string): Promise<boolean> {
    const update = new UpdateExpression().when('attribute_exists(pk)');
    const name = update.name(attribute);
    update.when(`attribute_not_exists(${name}) OR ${name} <> ${update.value(value)}`).set(attribute, value);
    return (await this.write(account, update)) !== undefined;
  }

  private async write(account: Account, update: UpdateExpression): Promise<Fields | undefined> {
    try {
      const { Attributes } = await this.client.send(new UpdateCommand({ TableName: this.table, Key: account.item, ...update.toInput(), ReturnValues: 'ALL_NEW' }));
      this.remember(account, Attributes ?? {});
      return Attributes ?? {};
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  private async read(account: Account): Promise<Fields | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.table, Key: account.item, ConsistentRead: true }));
    if (Item) this.remember(account, Item);
    return Item;
  }

  private remember(account: Account, item: Fields): void {
    if (this.seen.size >= MAX_SEEN) this.seen.delete(this.seen.keys().next().value!);
    this.seen.delete(account.item.pk);
    this.seen.set(account.item.pk, item);
  }
}
