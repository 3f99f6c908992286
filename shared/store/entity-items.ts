// One kind of identity record (keys, teams, users, customers, audit records): one item each, named by
// its id, read and written with store.ts's conditional single-item operations.
import type { Fields } from './records.ts';
import type { Store } from './store.ts';
import type { Entity, ItemKey } from './table.ts';

export class EntityItems<T> {
  constructor(
    protected readonly store: Store,
    private readonly entity: Entity,
    protected readonly keyOf: (id: string) => ItemKey,
  ) {}

  /** Strongly consistent: what the admin API reads. */
  get(id: string): Promise<T | undefined> {
    return this.store.get<T>(this.keyOf(id));
  }

  /** The request path's read, reused for the cache time (store.ts#cachedGet). */
  cached(id: string): Promise<T | undefined> {
    return this.store.cachedGet<T>(this.keyOf(id));
  }

  /** Writes a new record; ConditionFailed when one with this id exists. */
  create(id: string, record: T): Promise<void> {
    return this.store.create(this.keyOf(id), this.entity, record as object);
  }

  /** Sets the given fields, leaving every other attribute alone: the record before and after, or undefined when there is none. */
  async update(id: string, set: Fields): Promise<{ before: T; after: T } | undefined> {
    return (await this.store.update(this.keyOf(id), set)) as { before: T; after: T } | undefined;
  }

  /** Deletes the record: what it was, or undefined when there was none. */
  delete(id: string): Promise<T | undefined> {
    return this.store.delete<T>(this.keyOf(id));
  }

  /** Every record, newest first, whose fields equal `filters` (undefined filters are ignored). */
  list(filters: Record<string, string | undefined> = {}): Promise<T[]> {
    return this.store.list<T>(this.entity, filters);
  }
}
