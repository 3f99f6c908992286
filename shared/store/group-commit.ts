// Group commit of items that must be written before a request answers: every put waits for its item to
// be stored, as a lone PutItem would, but the puts that come while an earlier write is under way are
// stored together, in one BatchWriteItem per 25 (batch-write.ts), as soon as it returns. Nothing waits
// for a batch to fill: alone (one request at a time, as on Lambda) an item is one PutItem sent at
// once; under load, N requests finishing close together cost one SDK call and one round trip instead
// of N. BatchWriteItem takes no conditions: only items no other writer can race for belong here.
import { putItems } from './batch-write.ts';
import type { Store } from './store.ts';

interface Waiting {
  item: Record<string, unknown>;
  stored: () => void;
  failed: (error: unknown) => void;
}

export class GroupCommit {
  private queue: Waiting[] = [];
  private writing = false;

  constructor(private readonly store: Store) {}

  /** Resolves once the item is stored; rejects with the write's error if it was not. */
  put(item: Record<string, unknown>): Promise<void> {
    return new Promise((stored, failed) => {
      this.queue.push({ item, stored, failed });
      if (!this.writing) void this.writeQueued();
    });
  }

  /** One write at a time: what queues meanwhile is the next one. */
  private async writeQueued(): Promise<void> {
    this.writing = true;
    try {
      // Puts made in the same turn of the event loop (answers finishing together) join the first write.
      await new Promise((resolve) => setImmediate(resolve));
      while (this.queue.length) {
        const taken = this.queue;
        this.queue = [];
        try {
          await putItems(
            this.store,
            taken.map((waiting) => waiting.item),
          );
          for (const waiting of taken) waiting.stored();
        } catch (error) {
          for (const waiting of taken) waiting.failed(error);
        }
      }
    } finally {
      this.writing = false;
    }
  }
}
