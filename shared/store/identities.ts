// The identity records' repository: virtual keys (and their forwarding addresses, moved-key.ts), key
// aliases, teams, users, customers (end users), organizations, reusable budgets, tags and the audit trail, each in its own items of the one
// table (docs/DATA-MODEL.md). The rules for them are the keys service's (shared/keys/); the
// authenticator and the spend tracker read through here on the request path.
import { AliasItems } from './alias-items.ts';
import { EntityItems } from './entity-items.ts';
import { completeMove, freezeKey } from './moved-key.ts';
import type { AuditRecord, BudgetRecord, CustomerRecord, Fields, KeyRecord, OrganizationRecord, TagRecord, TeamRecord, UserRecord } from './records.ts';
import type { Store } from './store.ts';
import { itemKeys } from './table.ts';

/** Key items, named by the key's hash. An item regenerated away is still one until its `ttl` (moved-key.ts#isMoved). */
export class KeyItems extends EntityItems<KeyRecord> {
  constructor(store: Store) {
    super(store, 'key', itemKeys.key);
  }

  /**
   * Freezes the key's item into a forwarding address to `changes.token` (moved-key.ts), which still
   * authenticates as the new key until `graceUntil` when given: the frozen item, or undefined when
   * there is no such key.
   */
  freeze(token: string, changes: Fields, now: number, graceUntil?: number): Promise<Fields | undefined> {
    return freezeKey(this.store, token, changes, now, graceUntil);
  }

  /** Makes the new key item of a frozen one, unless it exists already. */
  completeMove(frozen: Fields): Promise<void> {
    return completeMove(this.store, frozen);
  }
}

export class Identities {
  readonly keys: KeyItems;
  readonly aliases: AliasItems;
  readonly teams: EntityItems<TeamRecord>;
  readonly users: EntityItems<UserRecord>;
  readonly customers: EntityItems<CustomerRecord>;
  readonly audit: EntityItems<AuditRecord>;
  readonly organizations: EntityItems<OrganizationRecord>;
  readonly budgets: EntityItems<BudgetRecord>;
  readonly tags: EntityItems<TagRecord>;

  constructor(store: Store) {
    this.keys = new KeyItems(store);
    this.aliases = new AliasItems(store);
    this.teams = new EntityItems(store, 'team', itemKeys.team);
    this.users = new EntityItems(store, 'user', itemKeys.user);
    this.customers = new EntityItems(store, 'customer', itemKeys.customer);
    this.audit = new EntityItems(store, 'audit', itemKeys.audit);
    this.organizations = new EntityItems(store, 'organization', itemKeys.organization);
    this.budgets = new EntityItems(store, 'budget', itemKeys.budget);
    this.tags = new EntityItems(store, 'tag', itemKeys.tag);
  }
}
