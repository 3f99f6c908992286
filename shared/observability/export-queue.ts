// Where an exporter's items wait to be sent: a bounded queue, sent in batches when a batch is full, a
// short while after the first item arrives, and whenever the gateway flushes (before a Lambda
// invocation ends, at shutdown). A full queue (by items, or by the bytes of the prompts and answers
// they hold) drops new items and counts them rather than grow; a
// batch that fails to send is dropped and counted too, its failure logged at most once a minute, and
// sending pauses (5 s, doubling up to a minute) before the next try: an unreachable collector costs
// neither memory, nor a log line per request, nor a timeout per flush.
import type { Log } from '../core/log.ts';

export interface ExportQueueOptions<T> {
  /** Names the exporter in log lines. */
  name: string;
  send(batch: T[]): Promise<void>;
  log: Log;
  maxItems?: number;
  /** The most the queued items may weigh, by what `push` is told each weighs. */
  maxBytes?: number;
  maxBatch?: number;
  /** How long the first queued item waits for others before its batch goes. */
  delayMs?: number;
  now?: () => number;
}

const FAILURE_LOG_INTERVAL_MS = 60_000;
const FIRST_PAUSE_MS = 5_000;
const LONGEST_PAUSE_MS = 60_000;

export class ExportQueue<T> {
  /** Items dropped: queue full, or their batch failed to send. */
  dropped = 0;
  private items: Array<{ item: T; bytes: number }> = [];
  private bytes = 0;
  private timer?: NodeJS.Timeout;
  private sending: Promise<void> = Promise.resolve();
  private lastFailureLog = -Infinity;
  private failuresSinceLog = 0;
  /** After a failure: no send before this time, and how long the last pause was. */
  private pausedUntil = -Infinity;
  private pauseMs = 0;
  private readonly maxItems: number;
  private readonly maxBytes: number;
  private readonly maxBatch: number;
  private readonly delayMs: number;

  constructor(private readonly options: ExportQueueOptions<T>) {
    this.maxItems = options.maxItems ?? 2048;
    this.maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
    this.maxBatch = options.maxBatch ?? 256;
    this.delayMs = options.delayMs ?? 1000;
  }

  /** Never waits, never throws. `bytes`: about what the item holds (its prompt and answer). */
  push(item: T, bytes = 0): void {
    if (this.items.length >= this.maxItems || this.bytes + bytes > this.maxBytes) {
      this.dropped++;
      return;
    }
    this.items.push({ item, bytes });
    this.bytes += bytes;
    if (this.items.length >= this.maxBatch) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.delayMs).unref();
  }

  /**
   * Sends everything queued so far, in batches, unless sending is paused after a failure (then the
   * items wait, within the bound). Resolves once done; never rejects.
   */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.sending = this.sending.then(() => this.drain());
    return this.sending;
  }

  private async drain(): Promise<void> {
    while (this.items.length && this.now() >= this.pausedUntil) {
      const batch = this.items.splice(0, this.maxBatch).map(({ item, bytes }) => {
        this.bytes -= bytes;
        return item;
      });
      try {
        await this.options.send(batch);
        this.pauseMs = 0;
      } catch (error) {
        this.dropped += batch.length;
        this.pauseMs = Math.min(Math.max(this.pauseMs * 2, FIRST_PAUSE_MS), LONGEST_PAUSE_MS);
        this.pausedUntil = this.now() + this.pauseMs;
        this.failed(error);
      }
    }
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private failed(error: unknown): void {
    this.failuresSinceLog++;
    const now = this.now();
    if (now - this.lastFailureLog < FAILURE_LOG_INTERVAL_MS) return;
    this.options.log.warn(`${this.options.name} export failed; its items are dropped (logged at most once a minute)`, {
      error: error instanceof Error ? error.message : String(error),
      failedBatches: this.failuresSinceLog,
      droppedItems: this.dropped,
    });
    this.lastFailureLog = now;
    this.failuresSinceLog = 0;
  }
}
