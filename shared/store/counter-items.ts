// The spend counters' access to account items (keys, teams, users, end users): strongly consistent
// reads, and conditional writes that the spend tracker plans (shared/spend/meter-plan.ts says what a
// write changes and on what conditions; this module sends it). A write lands only on an item that
// exists and was not regenerated away; a read follows a regenerated key to its new item
// (moved-key.ts). Nothing here is cached: the tracker keeps its own last view of each item.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ItemChange } from './item-change.ts';
import { completeMove, isMoved, MOVED_TO } from './moved-key.ts';
import type { Fields } from './records.ts';
import type { Store } from './store.ts';
import { itemKeys, type ItemKey } from './table.ts';

/** Regenerations a read follows from the key it started on. */
const MAX_MOVES = 4;

/** What a write answers: the whole item after it, or only the attributes it changed (smaller, as an item may hold many bookings). */
export type WriteAnswer = 'item' | 'changed';

export interface CounterRead {
  /** The item as stored; undefined when there is none (deleted, or regenerated too many times meanwhile). */
  item: Fields | undefined;
  /** Where the item was found when `key` was a key regenerated away: its new item and the new key's hash. */
  moved?: { key: ItemKey; token: string };
}

export class CounterItems {
  constructor(private readonly store: Store) {}

  /**
   * The item at `key`, strongly consistent. A key regenerated away is followed to its new item,
   * completing the move if the regeneration died between its two writes.
   */
  async read(key: ItemKey): Promise<CounterRead> {
    let moved: CounterRead['moved'];
    for (let move = 0; move <= MAX_MOVES; move++) {
      const item = await this.get(moved?.key ?? key);
      if (!isMoved(item)) return { item, moved };
      const token = item![MOVED_TO] as string;
      const next = itemKeys.key(token);
      if (!(await this.get(next))) await completeMove(this.store, item!);
      moved = { key: next, token };
    }
    return { item: undefined, moved };
  }

  /**
   * Makes `change` to the item at `key`, on its conditions and on two of every counter write: the item
   * exists and was not regenerated away. Undefined when a condition failed; else what `answer` asks for.
   */
  async write(key: ItemKey, change: ItemChange, answer: WriteAnswer): Promise<Fields | undefined> {
    change.whenPresent('pk').whenEquals(MOVED_TO, undefined);
    try {
      const { Attributes } = await this.store.client.send(
        new UpdateCommand({
          TableName: this.store.table,
          Key: key,
          ...change.toInput(),
          ReturnValues: answer === 'item' ? 'ALL_NEW' : 'UPDATED_NEW',
        }),
      );
      return Attributes ?? {};
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  private async get(key: ItemKey): Promise<Fields | undefined> {
    const { Item } = await this.store.client.send(new GetCommand({ TableName: this.store.table, Key: key, ConsistentRead: true }));
    return Item;
  }
}
