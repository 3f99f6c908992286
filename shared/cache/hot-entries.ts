// The response cache's memory tier, per instance: entries this instance read or wrote lately, so a
// hot answer is not read from DynamoDB on every request. Bounded in count (the least recently used go
// first) and in age: a copy is dropped after HOLD_MS, so a `/cache/delete` or `/cache/flushall` on
// another instance reaches this one's copies within that time (this instance's own are dropped at once).
import type { CacheEntry } from '../store/cache-entries.ts';

const MAX_ENTRIES = 1000;
export const HOLD_MS = 60_000;

export class HotEntries {
  private readonly entries = new Map<string, { entry: CacheEntry; until: number }>();

  constructor(private readonly now: () => number) {}

  get(key: string): CacheEntry | undefined {
    const held = this.entries.get(key);
    if (!held) return undefined;
    this.entries.delete(key);
    const now = this.now();
    if (held.until <= now || held.entry.expiresMs <= now) return undefined;
    this.entries.set(key, held); // most recently used last
    return held.entry;
  }

  set(key: string, entry: CacheEntry): void {
    this.entries.delete(key);
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { entry, until: this.now() + HOLD_MS });
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  /** Drops the copies whose key matches (a namespace's, on flush). */
  deleteWhere(matches: (key: string) => boolean): void {
    for (const key of [...this.entries.keys()]) if (matches(key)) this.entries.delete(key);
  }
}
