// Group commit: writes that come while an earlier one is under way are made together, as one call, as
// soon as it returns. Each caller still waits for its own write, as it would alone, but nothing waits
// for a group to fill: alone (one request at a time, as on Lambda) a write is sent at once, as it is;
// under load, N requests finishing close together cost one SDK call and one round trip instead of N.
// With a gathering time, each write also takes what comes during that time before it: for derived data
// on a long-running server (the daily rollups), where one request at a time would otherwise write alone.
// The ledger's uncontested records go out this way (ledger.ts: one BatchWriteItem per 25), and so do
// the settlements of requests on one account (shared/spend/counters.ts: one UpdateItem per group).
import { MAX_BATCH, putItems } from './batch-write.ts';
import type { Store } from './store.ts';

interface Waiting<T, R> {
  entry: T;
  done: (result: R) => void;
  failed: (error: unknown) => void;
}

export class GroupCommit<T, R> {
  private queue: Array<Waiting<T, R>> = [];
  private writing = false;

  /**
   * `write` makes one group's writes and answers each entry's outcome, in order (or throws: all failed).
   * `gatherMs`: how long each write waits for more entries first (0: only for those of the same turn).
   */
  constructor(
    private readonly write: (group: T[]) => Promise<Array<PromiseSettledResult<R>>>,
    private readonly maxGroup: number,
    private readonly gatherMs = 0,
  ) {}

  /** Resolves with the entry's result once its group is written; rejects with the group's error if it was not. */
  add(entry: T): Promise<R> {
    return new Promise((done, failed) => {
      this.queue.push({ entry, done, failed });
      if (!this.writing) void this.writeQueued();
    });
  }

  /** One write at a time: what queues meanwhile is the next one (in groups of at most maxGroup, at once). */
  private async writeQueued(): Promise<void> {
    this.writing = true;
    try {
      // Entries added in the same turn of the event loop (answers finishing together) join the first write.
      await this.gathering();
      while (this.queue.length) {
        const taken = this.queue;
        this.queue = [];
        const groups: Array<Array<Waiting<T, R>>> = [];
        for (let i = 0; i < taken.length; i += this.maxGroup) groups.push(taken.slice(i, i + this.maxGroup));
        await Promise.all(groups.map((group) => this.writeGroup(group)));
        if (this.gatherMs && this.queue.length) await this.gathering();
      }
    } finally {
      this.writing = false;
    }
  }

  private gathering(): Promise<void> {
    return new Promise((resolve) => (this.gatherMs ? setTimeout(resolve, this.gatherMs) : setImmediate(resolve)));
  }

  private async writeGroup(group: Array<Waiting<T, R>>): Promise<void> {
    try {
      const outcomes = await this.write(group.map((waiting) => waiting.entry));
      group.forEach((waiting, i) => {
        const outcome = outcomes[i]!;
        if (outcome.status === 'fulfilled') waiting.done(outcome.value);
        else waiting.failed(outcome.reason);
      });
    } catch (error) {
      for (const waiting of group) waiting.failed(error);
    }
  }
}

/** Items no other writer can race for, stored unconditionally by group commit. */
export function itemCommits(store: Store): GroupCommit<Record<string, unknown>, void> {
  return new GroupCommit<Record<string, unknown>, void>(async (items) => {
    await putItems(store, items);
    return items.map(() => ({ status: 'fulfilled', value: undefined }));
  }, MAX_BATCH);
}
