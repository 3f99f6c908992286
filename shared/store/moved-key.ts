// A regenerated key's old item becomes a forwarding address, so that requests in flight on the old key
// when it was regenerated settle on the new one (docs/DATA-MODEL.md, "Regenerate"). Regenerating
// freezes the old item first: `moved_to` names the new key and `moved_record` holds what changes
// (hash, name, the fields the admin sent). From then on no counter write lands on it (every one is
// conditional on `attribute_not_exists(moved_to)`); the new item is the frozen item with those
// changes, counters and bookings included. Whoever finds a frozen item whose new item is missing
// (the admin call died between its two writes) completes the move, so nothing is lost.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Fields } from './records.ts';
import type { Store } from './store.ts';
import { itemKeys } from './table.ts';

export const MOVED_TO = 'moved_to';
const MOVED_RECORD = 'moved_record';
/** Until when (ISO) the old key still authenticates, as the new one: `/key/regenerate`'s `grace_period`. */
export const GRACE_UNTIL = 'grace_until';
/** How long a frozen item forwards: longer than any request runs (a Lambda's 15 minutes) and its lease. */
const FORWARD_SECONDS = 3600;

/** Whether a key item was regenerated away (it is no key any more; writes follow `moved_to`). */
export function isMoved(item: Fields | undefined): boolean {
  return typeof item?.[MOVED_TO] === 'string';
}

/** Whether a regenerated key's old item still authenticates at `now` (its grace period runs). */
export function inGracePeriod(item: Fields, now: number): boolean {
  const until = item[GRACE_UNTIL];
  return typeof until === 'string' && Date.parse(until) > now;
}

/**
 * Freezes the key item of `token` at time `now` (ms), forwarding it to `changes.token`, and keeping it
 * usable as the new key until `graceUntil` (ms), if given. Returns the frozen item, or undefined when
 * there is no such key (deleted, or regenerated meanwhile).
 */
export async function freezeKey(store: Store, token: string, changes: Fields, now: number, graceUntil?: number): Promise<Fields | undefined> {
  const key = itemKeys.key(token);
  try {
    const { Attributes } = await store.client.send(
      new UpdateCommand({
        TableName: store.table,
        Key: key,
        UpdateExpression: 'SET #moved = :to, #record = :record, #ttl = :ttl, #grace = :grace REMOVE #entity',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#moved)',
        ExpressionAttributeNames: { '#moved': MOVED_TO, '#record': MOVED_RECORD, '#ttl': 'ttl', '#entity': 'entity', '#grace': GRACE_UNTIL },
        ExpressionAttributeValues: {
          ':to': changes['token'],
          ':record': changes,
          ':ttl': Math.ceil(Math.max(now + FORWARD_SECONDS * 1000, graceUntil ?? 0) / 1000),
          ':grace': graceUntil === undefined ? null : new Date(graceUntil).toISOString(),
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return Attributes;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return undefined;
    throw error;
  } finally {
    store.forget(key);
  }
}

/** Creates the new key item of a frozen one, unless it exists already. */
export async function completeMove(store: Store, frozen: Fields): Promise<void> {
  const { pk: _pk, sk: _sk, [MOVED_TO]: to, [MOVED_RECORD]: changes, ttl: _ttl, [GRACE_UNTIL]: _grace, ...kept } = frozen;
  const key = itemKeys.key(to as string);
  try {
    await store.client.send(
      new PutCommand({
        TableName: store.table,
        Item: { ...kept, ...(changes as Fields), ...key, entity: 'key' },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  } finally {
    store.forget(key);
  }
}
