// Unique key aliases without transactions: an alias item claims the alias before the key item that
// uses it is written, and is released after that key item is gone (docs/DATA-MODEL.md).
import { GatewayError } from '../../core/errors.ts';
import type { KeyRecord } from '../../store/records.ts';
import { ConditionFailed, type Store } from '../../store/store.ts';
import { itemKeys } from '../../store/table.ts';

interface AliasItem { key_alias: string; token: string; created_at: string }

/** An alias whose key never appeared this long after the claim was left by a failed request. */
const STALE_CLAIM_MS = 60_000;

export async function claimAlias(store: Store, alias: string, token: string): Promise<void> {
  const item: AliasItem = { key_alias: alias, token, created_at: new Date().toISOString() };
  try {
    await store.create(itemKeys.alias(alias), undefined, item);
    return;
  } catch (error) {
    if (!(error instanceof ConditionFailed)) throw error;
  }
  const holder = await store.get<AliasItem>(itemKeys.alias(alias));
  if (holder && holder.token !== token && Date.parse(holder.created_at) < Date.now() - STALE_CLAIM_MS && !(await store.get<KeyRecord>(itemKeys.key(holder.token)))) {
    try {
      await store.create(itemKeys.alias(alias), undefined, item, { token: holder.token });
      return;
    } catch (error) {
      if (!(error instanceof ConditionFailed)) throw error;
    }
  }
  if (holder?.token === token) return;
  throw new GatewayError('invalid_request', `key_alias "${alias}" is already used by another key. Aliases are unique; pick another.`, { param: 'key_alias' });
}

/** Releases an alias if it still points at this key. */
export async function releaseAlias(store: Store, alias: string | null | undefined, token: string): Promise<void> {
  if (alias) await store.delete(itemKeys.alias(alias), { token });
}

/** Moves an alias from one key to another (regenerate). */
export async function repointAlias(store: Store, alias: string, from: string, to: string): Promise<void> {
  await store.update(itemKeys.alias(alias), { token: to }, { token: from });
}

export async function tokenOfAlias(store: Store, alias: string): Promise<string | undefined> {
  return (await store.get<AliasItem>(itemKeys.alias(alias)))?.token;
}
