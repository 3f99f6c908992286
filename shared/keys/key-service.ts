// Virtual keys as the admin API manages them (LiteLLM's /key/* paths): generate, update, block,
// regenerate, delete, read. Writes are ordered so that a failure part-way leaves nothing usable
// half-made (docs/DATA-MODEL.md): a key's alias is claimed before its item is written and released
// after it is gone.
import { GatewayError } from '../core/errors.ts';
import type { Identities } from '../store/identities.ts';
import { isMoved } from '../store/moved-key.ts';
import type { Fields, KeyRecord } from '../store/records.ts';
import { ConditionFailed } from '../store/store.ts';
import type { Actor, AuditTrail } from './audit-trail.ts';
import { NO_LIMITS } from './no-limits.ts';
import { checkBudget } from './budget-service.ts';
import { durationMs } from '../config/duration.ts';
import type { KeyAliases } from './key-aliases.ts';
import { generateKey, hashKey, keyName, tokenOf } from './key-material.ts';
import { permits } from './model-access.ts';
import { checkOrganization } from './organization-service.ts';

/** What an admin sets on a key: LiteLLM's key fields, checked by the admin API. */
export interface KeySettings {
  key_alias?: string | null;
  /** How long the key works from now ("30d"); null: for ever. */
  duration?: string | null;
  models?: string[];
  team_id?: string | null;
  user_id?: string | null;
  metadata?: Fields;
  [field: string]: unknown;
}

/** A new key's settings; `key` chooses the key itself instead of a generated one. */
export type NewKey = KeySettings & { key?: string };

/** A regenerated key's changed settings; `new_key` chooses the new key itself, `grace_period` how long the old one keeps working. */
export type Regeneration = KeySettings & { new_key?: string; grace_period?: string };

/** A key as made: its record, the raw key (shown this once), and its hash as LiteLLM's `token_id`. */
export type IssuedKey = KeyRecord & { key: string; token_id: string };

/** Which keys a delete names: by key (or hash), or by alias. */
export type KeyNames = { keys: string[] } | { key_aliases: string[] };

/** Fields of a request that are not a key's settings: they say which key, or how to make it. */
const NOT_STORED = ['key', 'new_key', 'grace_period', 'new_master_key'];

export class KeyService {
  constructor(
    private readonly identities: Identities,
    private readonly aliases: KeyAliases,
    private readonly audit: AuditTrail,
    private readonly now: () => number,
  ) {}

  async generate(input: NewKey, by: Actor): Promise<IssuedKey> {
    await this.checkTeam(input.team_id, input.models);
    await checkOrganization(this.identities, input['organization_id'] as string | null | undefined, input.models);
    await checkBudget(this.identities, input['budget_id']);
    const key = input.key ?? generateKey();
    const record = this.newRecord(key, input, by.name);
    if (record.key_alias) await this.aliases.claim(record.key_alias, record.token);
    try {
      await this.identities.keys.create(record.token, record);
    } catch (error) {
      await this.aliases.release(record.key_alias, record.token);
      if (error instanceof ConditionFailed) throw new GatewayError('invalid_request', 'This key already exists. Leave out `key` to have one generated.', { param: 'key' });
      throw error;
    }
    await this.audit.record(by, { action: 'created', table_name: 'key', object_id: record.token, after: record });
    return { ...record, key, token_id: record.token };
  }

  /** Sets what `input` sends on the key `keyOrHash` names. */
  async update(keyOrHash: string, input: KeySettings, by: Actor): Promise<KeyRecord> {
    const existing = await this.get(keyOrHash);
    await this.checkTeam(input.team_id === undefined ? existing.team_id : input.team_id, input.models ?? existing.models);
    if (input['organization_id']) await checkOrganization(this.identities, input['organization_id'] as string, input.models ?? existing.models);
    await checkBudget(this.identities, input['budget_id']);
    return this.change(existing, this.changesFrom(input, by), 'updated', by);
  }

  async setBlocked(keyOrHash: string, blocked: boolean, by: Actor): Promise<KeyRecord> {
    const existing = await this.get(keyOrHash);
    return this.change(existing, { blocked, updated_at: this.iso(), updated_by: by.name }, blocked ? 'blocked' : 'unblocked', by);
  }

  /**
   * A new key with the old one's settings, counters and requests in flight, changed by `input`: the old
   * item is frozen into a forwarding address first (requests in flight on it settle on the new key),
   * the new item is made from it, then the alias moves (shared/store/moved-key.ts).
   */
  async regenerate(keyOrHash: string, input: Regeneration, by: Actor): Promise<IssuedKey> {
    const old = await this.get(keyOrHash);
    await this.checkTeam(input.team_id === undefined ? old.team_id : input.team_id, input.models ?? old.models);
    const key = input.new_key ?? generateKey();
    const changes = { ...this.changesFrom(input, by), token: hashKey(key), key_name: keyName(key) };
    const record = { ...old, ...changes } as KeyRecord;
    if (await this.identities.keys.get(record.token)) throw new GatewayError('invalid_request', 'new_key already exists. Leave it out to have one generated.', { param: 'new_key' });
    const aliasMoves = record.key_alias !== old.key_alias;
    if (aliasMoves && record.key_alias) await this.aliases.claim(record.key_alias, record.token);
    // grace_period: the old key keeps working until then, as the new one (its budget and counters).
    const graceUntil = input.grace_period ? this.now() + durationMs(input.grace_period)! : undefined;
    const frozen = await this.identities.keys.freeze(old.token, changes, this.now(), graceUntil);
    if (!frozen) {
      if (aliasMoves) await this.aliases.release(record.key_alias, record.token);
      throw new GatewayError('not_found', 'No such key: it was deleted or regenerated meanwhile.');
    }
    await this.identities.keys.completeMove(frozen);
    if (!aliasMoves && old.key_alias) await this.aliases.repoint(old.key_alias, old.token, record.token);
    if (aliasMoves) await this.aliases.release(old.key_alias, old.token);
    await this.audit.record(by, { action: 'rotated', table_name: 'key', object_id: old.token, before: old, after: record });
    return { ...record, key, token_id: record.token };
  }

  /**
   * Deletes every key named, or none: a 404 when one of them does not exist. Returns the names of
   * those deleted (all, unless another request deleted some meanwhile).
   */
  async delete(names: KeyNames, by: Actor): Promise<string[]> {
    const byKey = 'keys' in names;
    const named = byKey ? names.keys : names.key_aliases;
    const tokens = await Promise.all(named.map((name) => (byKey ? tokenOf(name) : this.aliases.holder(name))));
    const missing = named.filter((_, i) => !tokens[i]);
    if (missing.length) throw new GatewayError('not_found', `No key ${byKey ? 'matches' : 'has the alias'} ${missing.join(', ')}; nothing was deleted.`);
    const found = await Promise.all(tokens.map((token) => this.find(token!)));
    const absent = named.filter((_, i) => !found[i]);
    if (absent.length) throw new GatewayError('not_found', `No such key: ${absent.map((name) => (byKey ? keyName(name) : name)).join(', ')}; nothing was deleted.`);
    const deleted: string[] = [];
    for (const [i, token] of tokens.entries()) {
      if (await this.deleteToken(token!, by)) deleted.push(named[i]!);
    }
    if (!deleted.length) throw new GatewayError('not_found', 'No such key: it was deleted meanwhile.');
    return deleted;
  }

  /** Deletes a key item first (it stops working), then its alias; the record, or undefined if it was already gone. */
  async deleteToken(token: string, by: Actor): Promise<KeyRecord | undefined> {
    const removed = await this.identities.keys.delete(token);
    if (!removed) return undefined;
    await this.aliases.release(removed.key_alias, token);
    await this.audit.record(by, { action: 'deleted', table_name: 'key', object_id: token, before: removed });
    return removed;
  }

  /** The key `keyOrHash` names (a raw key or its hash, as LiteLLM accepts both); a 404 when there is none. */
  async get(keyOrHash: string): Promise<KeyRecord> {
    const record = await this.find(tokenOf(keyOrHash));
    if (!record) throw new GatewayError('not_found', 'No such key. Check the key (or its hash); it may have been deleted or regenerated.');
    return record;
  }

  /** Every key, newest first, whose fields equal `filters`. */
  list(filters: { user_id?: string; team_id?: string; key_alias?: string }): Promise<KeyRecord[]> {
    return this.identities.keys.list({ ...filters });
  }

  /** A key's record; none for a key regenerated away (its item only forwards requests in flight). */
  private async find(token: string): Promise<KeyRecord | undefined> {
    const record = await this.identities.keys.get(token);
    return isMoved(record) ? undefined : record;
  }

  /** Sets fields of a key, moving its alias (claim the new one first, release the old one last). */
  private async change(existing: KeyRecord, changes: Fields, action: 'updated' | 'blocked' | 'unblocked', by: Actor): Promise<KeyRecord> {
    const newAlias = changes['key_alias'] as string | null | undefined;
    const aliasChanges = newAlias !== undefined && newAlias !== existing.key_alias;
    if (aliasChanges && newAlias) await this.aliases.claim(newAlias, existing.token);
    let result: { before: KeyRecord; after: KeyRecord } | undefined;
    try {
      result = await this.identities.keys.update(existing.token, changes);
      if (!result) throw new GatewayError('not_found', 'No such key: it was deleted meanwhile.');
    } catch (error) {
      // The key is unchanged: the alias it was to take goes back.
      if (aliasChanges) await this.aliases.release(newAlias, existing.token);
      throw error;
    }
    if (aliasChanges) await this.aliases.release(existing.key_alias, existing.token);
    await this.audit.record(by, { action, table_name: 'key', object_id: existing.token, before: result.before, after: result.after });
    return result.after;
  }

  /** LiteLLM's rule: a team key's models must be among the team's; the team must exist. */
  private async checkTeam(teamId: string | null | undefined, models: string[] | undefined): Promise<void> {
    if (!teamId) return;
    const team = await this.identities.teams.get(teamId);
    if (!team) throw new GatewayError('invalid_request', `team_id "${teamId}" does not exist. Create it with POST /team/new first.`, { param: 'team_id' });
    const outside = (models ?? []).filter((model) => !permits(team.models, model));
    if (outside.length) {
      throw new GatewayError('invalid_request', `models ${outside.join(', ')} are not among team ${teamId}'s models (${team.models.join(', ')}).`, { param: 'models' });
    }
  }

  /** A new key's record: LiteLLM's defaults, then what the request set. */
  private newRecord(key: string, input: NewKey, by: string): KeyRecord {
    const now = this.iso();
    const { key: _key, ...fields } = input;
    return {
      key_alias: null,
      models: [],
      team_id: null,
      user_id: null,
      blocked: null,
      ...NO_LIMITS,
      model_max_budget: {},
      model_rpm_limit: {},
      model_tpm_limit: {},
      metadata: {},
      tags: [],
      allowed_routes: [],
      aliases: {},
      config: {},
      permissions: {},
      allowed_cache_controls: [],
      spend: 0,
      ...fields,
      ...this.rotationAt(input),
      token: hashKey(key),
      key_name: keyName(key),
      expires: this.expiresAt(input.duration),
      created_at: now,
      created_by: by,
      updated_at: now,
      updated_by: by,
    };
  }

  /** The fields an update or regenerate sets: what was sent, with `duration` turned into `expires`. */
  private changesFrom(input: KeySettings, by: Actor): Fields {
    const fields = Object.fromEntries(Object.entries(input).filter(([field]) => !NOT_STORED.includes(field)));
    const changes: Fields = { ...fields, ...this.rotationAt(input), updated_at: this.iso(), updated_by: by.name };
    if ('duration' in input) changes['expires'] = this.expiresAt(input.duration);
    return changes;
  }

  /** LiteLLM's `key_rotation_at`: when a key with `auto_rotate` is rotated next (./key-rotation.ts); none once it is turned off. */
  private rotationAt(input: KeySettings): Fields {
    if (input['auto_rotate'] === false) return { key_rotation_at: null };
    const interval = typeof input['rotation_interval'] === 'string' ? durationMs(input['rotation_interval']) : undefined;
    return input['auto_rotate'] === true && interval !== undefined ? { key_rotation_at: new Date(this.now() + interval).toISOString() } : {};
  }

  private expiresAt(duration: string | null | undefined): string | null {
    return duration ? new Date(this.now() + durationMs(duration)!).toISOString() : null;
  }

  private iso(): string {
    return new Date(this.now()).toISOString();
  }
}
