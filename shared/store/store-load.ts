// Load shedding on the store. Every DynamoDB call this instance makes is counted from send to answer,
// and so is every model request between its admission and the answer to its reservations. When more
// are under way than the bound, DynamoDB (or this process, starved of CPU) is not keeping up, and each
// new request would only lengthen a queue that answers nobody in time. So new requests are refused
// with a 503 and Retry-After, while the calls of requests already taken (their reservations, and
// their settlements and ledger records, which must never be lost) go on and finish.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GatewayError } from '../core/errors.ts';

/** Default for TOLLGATE_MAX_DB_CALLS_IN_FLIGHT (README: "Limits"). */
export const DEFAULT_MAX_CALLS_IN_FLIGHT = 256;

export class StoreLoad {
  private calls = 0;
  private entering = 0;

  constructor(readonly maxInFlight: number = DEFAULT_MAX_CALLS_IN_FLIGHT) {}

  /** Counts the client's calls: the one client the store, the spend counters and the ledger share. */
  watch(client: DynamoDBDocumentClient): void {
    client.middlewareStack.add((next) => async (args) => {
      this.calls++;
      try {
        return await next(args);
      } finally {
        this.calls--;
      }
    }, { step: 'initialize', priority: 'high', name: 'tollgateStoreLoad' });
  }

  /**
   * The store work under way: DynamoDB calls waiting for answers, or, if more, requests admitted to
   * make theirs (counted from admission, before their calls are sent; not twice once they are).
   */
  get inFlight(): number {
    return Math.max(this.calls, this.entering);
  }

  /** Throws the 503 while the store is behind: a cheap early refusal, before a request is read. */
  check(): void {
    if (this.inFlight >= this.maxInFlight) {
      throw new GatewayError('overloaded', `The gateway is shedding load: its database (DynamoDB) is not keeping up, with ${this.inFlight} calls under way on this instance (at most ${this.maxInFlight}, TOLLGATE_MAX_DB_CALLS_IN_FLIGHT), so the request was not started. Retry after the seconds in Retry-After.`, { retryAfter: 1 });
    }
  }

  /**
   * Admits a request to make its calls, or throws the 503. It counts at once, so requests that
   * arrive together (and would all pass a check before any of their calls is sent) cannot all get
   * in. Call the returned function once its calls are answered.
   */
  enter(): () => void {
    this.check();
    this.entering++;
    let left = false;
    return () => {
      if (left) return;
      left = true;
      this.entering--;
    };
  }
}
