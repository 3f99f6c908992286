// Key aliases' items: `ALIAS#<alias>` names the key that holds the alias, which makes aliases unique
// without transactions (docs/DATA-MODEL.md). The rules for claiming and releasing them are the keys
// service's (shared/keys/key-aliases.ts); these are its conditional writes.
import { ConditionFailed, type Store } from './store.ts';
import { itemKeys } from './table.ts';

export interface AliasItem {
  key_alias: string;
  /** The hash of the key holding the alias. */
  token: string;
  created_at: string;
}

export class AliasItems {
  constructor(private readonly store: Store) {}

  get(alias: string): Promise<AliasItem | undefined> {
    return this.store.get<AliasItem>(itemKeys.alias(alias));
  }

  /** Writes the alias item unless one exists (with `holder`: unless it names another key than `holder`); false when it could not. */
  async claim(item: AliasItem, holder?: string): Promise<boolean> {
    try {
      await this.store.create(itemKeys.alias(item.key_alias), undefined, item, holder === undefined ? undefined : { token: holder });
      return true;
    } catch (error) {
      if (error instanceof ConditionFailed) return false;
      throw error;
    }
  }

  /** Deletes the alias item if it names the key `token`. */
  async release(alias: string, token: string): Promise<void> {
    await this.store.delete(itemKeys.alias(alias), { token });
  }

  /** Points the alias at the key `to`, if it names the key `from`. */
  async repoint(alias: string, from: string, to: string): Promise<void> {
    await this.store.update(itemKeys.alias(alias), { token: to }, { token: from });
  }
}
