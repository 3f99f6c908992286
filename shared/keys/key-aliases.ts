// Unique key aliases without transactions: an alias item claims the alias before the key item that
// uses it is written, and is released after that key item is gone (docs/DATA-MODEL.md).
import { GatewayError } from '../core/errors.ts';
import type { Identities } from '../store/identities.ts';

/** An alias whose key never appeared this long after the claim was left by a failed request. */
const STALE_CLAIM_MS = 60_000;

export class KeyAliases {
  constructor(
    private readonly identities: Identities,
    private readonly now: () => number,
  ) {}

  /** Claims `alias` for the key `token`; a 400 when another key holds it. */
  async claim(alias: string, token: string): Promise<void> {
    const item = { key_alias: alias, token, created_at: new Date(this.now()).toISOString() };
    if (await this.identities.aliases.claim(item)) return;
    const holder = await this.identities.aliases.get(alias);
    if (holder && holder.token !== token && Date.parse(holder.created_at) < this.now() - STALE_CLAIM_MS && !(await this.identities.keys.get(holder.token))) {
      if (await this.identities.aliases.claim(item, holder.token)) return;
    }
    if (holder?.token === token) return;
    throw new GatewayError('invalid_request', `key_alias "${alias}" is already used by another key. Aliases are unique; pick another.`, { param: 'key_alias' });
  }

  /** Releases an alias if it still names the key `token`. */
  async release(alias: string | null | undefined, token: string): Promise<void> {
    if (alias) await this.identities.aliases.release(alias, token);
  }

  /** Moves an alias from one key to another (regenerate). */
  repoint(alias: string, from: string, to: string): Promise<void> {
    return this.identities.aliases.repoint(alias, from, to);
  }

  /** The hash of the key holding `alias`, if any. */
  async holder(alias: string): Promise<string | undefined> {
    return (await this.identities.aliases.get(alias))?.token;
  }
}
