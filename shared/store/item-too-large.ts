// The DynamoDB limit an admin request can run into: 400 KB per item. It is the caller's input that is
// too big, so a 400 that says what to trim, not a 500.
import { GatewayError } from '../core/errors.ts';

/** DynamoDB's messages (PutItem, UpdateItem) for an item over the limit. */
const TOO_LARGE = /Item size (to update )?has exceeded the maximum allowed size/;

export class ItemTooLarge extends GatewayError {
  constructor(cause: unknown) {
    super('invalid_request', 'The record would be larger than the 400 KB DynamoDB keeps in one item, so nothing was saved. Send less: long `metadata` is the usual cause.', { cause });
  }
}

/** Whether DynamoDB refused a write because the item would be too large. */
export function isItemTooLarge(error: unknown): boolean {
  return error instanceof Error && error.name === 'ValidationException' && TOO_LARGE.test(error.message);
}
