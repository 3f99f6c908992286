// Load shedding on the store. Every DynamoDB call this instance makes is timed from send to answer,
// and every model request is counted from its admission until its reservations are answered. The
// store is behind when its calls wait too long (the oldest of a backlog, longer than `maxWaitMs`) or
// too many are under way (`maxInFlight`): DynamoDB, or this process starved of CPU, is not keeping
// up, and each new request would only lengthen a queue that answers nobody in time. Then new
// requests are refused with a 503 and Retry-After, while the calls of requests already taken (their
// reservations, and their settlements and ledger records, which must never be lost) go on and finish.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GatewayError } from '../core/errors.ts';

/** Defaults for TOLLGATE_MAX_DB_CALLS_IN_FLIGHT and TOLLGATE_MAX_DB_WAIT_MS (README: "Limits"). */
export const DEFAULT_MAX_CALLS_IN_FLIGHT = 1024;
export const DEFAULT_MAX_WAIT_MS = 1000;
/** A call or two slow on their own (a stalled connection) are not a store falling behind. */
const BACKLOG = 16;

export interface StoreLoadLimits {
  maxInFlight?: number;
  maxWaitMs?: number;
}

export class StoreLoad {
  readonly maxInFlight: number;
  readonly maxWaitMs: number;
  /** When each call under way was sent, in the order they were: the first is the oldest. */
  private readonly calls = new Map<number, number>();
  private nextCall = 0;
  private entering = 0;

  constructor(limits: StoreLoadLimits = {}) {
    this.maxInFlight = limits.maxInFlight ?? DEFAULT_MAX_CALLS_IN_FLIGHT;
    this.maxWaitMs = limits.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
  }

  /** Times the client's calls: the one client the store, the spend counters and the ledger share. */
  watch(client: DynamoDBDocumentClient): void {
    client.middlewareStack.add(
      (next) => async (args) => {
        const id = this.nextCall++;
        this.calls.set(id, performance.now());
        try {
          return await next(args);
        } finally {
          this.calls.delete(id);
        }
      },
      { step: 'initialize', priority: 'high', name: 'tollgateStoreLoad' },
    );
  }

  /**
   * The store work under way: DynamoDB calls waiting for answers, or, if more, requests admitted to
   * make theirs (counted from admission, before their calls are sent; not twice once they are).
   */
  get inFlight(): number {
    return Math.max(this.calls.size, this.entering);
  }

  /** Throws the 503 while the store is behind: a cheap early refusal, before a request is read. */
  check(): void {
    if (this.inFlight >= this.maxInFlight) {
      throw overloaded(`${this.inFlight} calls are under way on this instance (at most ${this.maxInFlight}, TOLLGATE_MAX_DB_CALLS_IN_FLIGHT)`);
    }
    if (this.calls.size < BACKLOG) return;
    const waited = performance.now() - this.calls.values().next().value!;
    if (waited > this.maxWaitMs) {
      throw overloaded(`${this.calls.size} calls are waiting on this instance, the oldest for ${Math.round(waited)} ms (at most ${this.maxWaitMs}, TOLLGATE_MAX_DB_WAIT_MS)`);
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

function overloaded(why: string): GatewayError {
  return new GatewayError('overloaded', `The gateway is shedding load: its database (DynamoDB) is not keeping up: ${why}. The request was not started; retry after the seconds in Retry-After.`, {
    retryAfter: 1,
  });
}
