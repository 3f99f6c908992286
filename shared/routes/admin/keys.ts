// LiteLLM's key-management API: /key/generate, update, info, list, delete, regenerate, block, unblock.
// Writes are ordered so that a failure part-way leaves nothing usable half-made (docs/DATA-MODEL.md).
import * as z from 'zod';
import { GatewayError } from '../../core/errors.ts';
import type { RequestContext, Route } from '../../core/types.ts';
import { durationMs } from '../../keys/duration.ts';
import { generateKey, hashKey, keyName, tokenOf } from '../../keys/key-material.ts';
import { permits } from '../../keys/model-access.ts';
import type { Services } from '../../services.ts';
import type { Fields, KeyRecord, TeamRecord } from '../../store/records.ts';
import { completeMove, freezeKey, isMoved } from '../../store/moved-key.ts';
import { ConditionFailed, type Store } from '../../store/store.ts';
import { itemKeys } from '../../store/table.ts';
import { adminRoute, changedBy, notFound, nowIso, pageParams, paginate, requireStore } from './admin-route.ts';
import { audit } from './audit-log.ts';
import { claimAlias, releaseAlias, repointAlias, tokenOfAlias } from './key-aliases.ts';
import { duration, id, limitFields, money, names, object, parseBody, withWarnings } from './fields.ts';

const limitType = z.enum(['guaranteed_throughput', 'best_effort_throughput', 'dynamic']);

/** Every field LiteLLM documents for a key (GenerateKeyRequest / UpdateKeyRequest). */
const keyFields = {
  key_alias: id.nullable(),
  duration: duration.nullable(),
  models: names,
  team_id: id.nullable(),
  user_id: id.nullable(),
  metadata: object,
  tags: names,
  blocked: z.boolean().nullable(),
  allowed_routes: names,
  ...limitFields,
  budget_limits: z.array(z.looseObject({ budget_duration: duration, max_budget: money })),
  aliases: object,
  config: object,
  permissions: object,
  allowed_cache_controls: names,
  guardrails: names,
  disable_global_guardrails: z.boolean(),
  enforced_params: names,
  organization_id: z.string().nullable(),
  key_type: z.enum(['llm_api', 'management', 'read_only', 'default']),
  send_invite_email: z.boolean(),
  object_permission: object,
  prompts: names,
  auto_rotate: z.boolean(),
  rotation_interval: duration,
  rpm_limit_type: limitType,
  tpm_limit_type: limitType,
  agent_id: z.string().nullable(),
  project_id: z.string().nullable(),
  policies: names,
  budget_fallbacks: z.record(z.string(), names),
  allowed_passthrough_routes: names,
  allowed_vector_store_indexes: z.array(z.unknown()),
  router_settings: object,
  access_group_ids: names,
};
const customKey = z.string().regex(/^sk-[A-Za-z0-9_-]{8,}$/, 'must start with "sk-" and have at least 8 more letters, digits, "-" or "_"');
const generateSchema = z.strictObject({ ...keyFields, key: customKey }).partial();
const updateSchema = z.strictObject({ ...keyFields, temp_budget_increase: money, temp_budget_expiry: z.string() }).partial().extend({ key: id });
const regenerateSchema = z.strictObject({ ...keyFields, key: id, new_key: customKey, grace_period: duration, new_master_key: z.string() }).partial();
const keyOnlySchema = z.strictObject({ key: id });
const deleteSchema = z.strictObject({ keys: z.array(id).min(1), key_aliases: z.array(id).min(1) }).partial()
  .refine((body) => body.keys || body.key_aliases, { message: 'names no keys: send `keys` (keys or their hashes) or `key_aliases`' });

type KeyInput = z.infer<typeof generateSchema>;

/** A new key's record: LiteLLM's defaults, then what the request set. */
function newKeyRecord(key: string, input: KeyInput, by: string): KeyRecord {
  const now = nowIso();
  const { key: _key, ...fields } = input;
  return {
    key_alias: null, models: [], team_id: null, user_id: null, blocked: null,
    max_budget: null, soft_budget: null, budget_duration: null, rpm_limit: null, tpm_limit: null, max_parallel_requests: null,
    model_max_budget: {}, model_rpm_limit: {}, model_tpm_limit: {}, metadata: {}, tags: [], allowed_routes: [],
    aliases: {}, config: {}, permissions: {}, allowed_cache_controls: [],
    spend: 0,
    ...fields,
    token: hashKey(key),
    key_name: keyName(key),
    expires: expiresAt(input.duration),
    created_at: now, created_by: by, updated_at: now, updated_by: by,
  };
}

function expiresAt(text: string | null | undefined): string | null {
  return text ? new Date(Date.now() + durationMs(text)!).toISOString() : null;
}

/** The fields an update or regenerate sets: what was sent, with `duration` turned into `expires`. */
function changesFrom(input: Fields, by: string): Fields {
  const { key: _key, new_key: _newKey, grace_period: _grace, new_master_key: _master, ...fields } = input;
  const changes: Fields = { ...fields, updated_at: nowIso(), updated_by: by };
  if ('duration' in input) changes['expires'] = expiresAt(input['duration'] as string | null);
  return changes;
}

/** LiteLLM's rule: a team key's models must be among the team's; the team must exist. */
async function checkTeam(store: Store, teamId: string | null | undefined, models: string[] | undefined): Promise<void> {
  if (!teamId) return;
  const team = await store.get<TeamRecord>(itemKeys.team(teamId));
  if (!team) throw new GatewayError('invalid_request', `team_id "${teamId}" does not exist. Create it with POST /team/new first.`, { param: 'team_id' });
  const outside = (models ?? []).filter((model) => !permits(team.models, model));
  if (outside.length) {
    throw new GatewayError('invalid_request', `models ${outside.join(', ')} are not among team ${teamId}'s models (${team.models.join(', ')}).`, { param: 'models' });
  }
}

export async function createKey(store: Store, ctx: RequestContext, input: KeyInput): Promise<KeyRecord & { key: string; token_id: string }> {
  await checkTeam(store, input.team_id, input.models);
  const key = input.key ?? generateKey();
  const record = newKeyRecord(key, input, changedBy(ctx).name);
  if (record.key_alias) await claimAlias(store, record.key_alias, record.token);
  try {
    await store.create(itemKeys.key(record.token), 'key', record);
  } catch (error) {
    await releaseAlias(store, record.key_alias, record.token);
    if (error instanceof ConditionFailed) throw new GatewayError('invalid_request', 'This key already exists. Leave out `key` to have one generated.', { param: 'key' });
    throw error;
  }
  await audit(store, ctx, { action: 'created', table_name: 'key', object_id: record.token, after: record });
  return { ...record, key, token_id: record.token };
}

async function existingKey(store: Store, keyOrHash: string): Promise<KeyRecord> {
  const record = await keyRecord(store, tokenOf(keyOrHash));
  if (!record) throw notFound('No such key. Check the key (or its hash); it may have been deleted or regenerated.');
  return record;
}

/** A key's record; none for a key regenerated away (its item only forwards requests in flight). */
async function keyRecord(store: Store, token: string): Promise<KeyRecord | undefined> {
  const record = await store.get<KeyRecord>(itemKeys.key(token));
  return isMoved(record) ? undefined : record;
}

/** Sets fields of a key, moving its alias (claim the new one first, release the old one last). */
async function updateKey(store: Store, ctx: RequestContext, existing: KeyRecord, changes: Fields, action: 'updated' | 'blocked' | 'unblocked'): Promise<KeyRecord> {
  const newAlias = changes['key_alias'] as string | null | undefined;
  const aliasChanges = newAlias !== undefined && newAlias !== existing.key_alias;
  if (aliasChanges && newAlias) await claimAlias(store, newAlias, existing.token);
  let result: { before: KeyRecord; after: KeyRecord } | undefined;
  try {
    result = await store.update<KeyRecord>(itemKeys.key(existing.token), changes);
    if (!result) throw notFound('No such key: it was deleted meanwhile.');
  } catch (error) {
    // The key is unchanged: the alias it was to take goes back.
    if (aliasChanges) await releaseAlias(store, newAlias, existing.token);
    throw error;
  }
  if (aliasChanges) await releaseAlias(store, existing.key_alias, existing.token);
  await audit(store, ctx, { action, table_name: 'key', object_id: existing.token, before: result.before, after: result.after });
  return result.after;
}

/**
 * A new key with the old one's settings, counters and requests in flight, changed by `input`: the old
 * item is frozen into a forwarding address first (requests in flight on it settle on the new key),
 * the new item is made from it, then the alias moves (shared/store/moved-key.ts).
 */
async function regenerateKey(store: Store, ctx: RequestContext, old: KeyRecord, input: z.infer<typeof regenerateSchema>): Promise<KeyRecord & { key: string; token_id: string }> {
  const key = input.new_key ?? generateKey();
  const changes = { ...changesFrom(input, changedBy(ctx).name), token: hashKey(key), key_name: keyName(key) };
  const record = { ...old, ...changes } as KeyRecord;
  if (await store.get(itemKeys.key(record.token))) throw new GatewayError('invalid_request', 'new_key already exists. Leave it out to have one generated.', { param: 'new_key' });
  const aliasMoves = record.key_alias !== old.key_alias;
  if (aliasMoves && record.key_alias) await claimAlias(store, record.key_alias, record.token);
  const frozen = await freezeKey(store, old.token, changes, Date.now());
  if (!frozen) {
    if (aliasMoves) await releaseAlias(store, record.key_alias, record.token);
    throw notFound('No such key: it was deleted or regenerated meanwhile.');
  }
  await completeMove(store, frozen);
  if (!aliasMoves && old.key_alias) await repointAlias(store, old.key_alias, old.token, record.token);
  if (aliasMoves) await releaseAlias(store, old.key_alias, old.token);
  await audit(store, ctx, { action: 'rotated', table_name: 'key', object_id: old.token, before: old, after: record });
  return { ...record, key, token_id: record.token };
}

/** Deletes a key item first (it stops working), then its alias; the record, or undefined if it was already gone. */
export async function deleteKey(store: Store, ctx: RequestContext, token: string): Promise<KeyRecord | undefined> {
  const removed = await store.delete<KeyRecord>(itemKeys.key(token));
  if (!removed) return undefined;
  await releaseAlias(store, removed.key_alias, token);
  await audit(store, ctx, { action: 'deleted', table_name: 'key', object_id: token, before: removed });
  return removed;
}

/** Which key an info request names: the `key` given, else the caller's own; a virtual key sees only itself. */
async function keyInfo(store: Store, ctx: RequestContext, given: string | undefined) {
  const identity = ctx.identity;
  const own = identity?.kind === 'virtual_key' ? identity.token : undefined;
  const token = given ? tokenOf(given) : own;
  if (!token) throw new GatewayError('invalid_request', 'Name the key: GET /key/info?key=sk-... or POST /key/info {"key": "sk-..."}.', { param: 'key' });
  if (own && token !== own) {
    throw new GatewayError('permission_denied', 'A virtual key may read only its own info; other keys need the master key.');
  }
  // LiteLLM leaves the hash out of `info`.
  const { token: _token, ...info } = await existingKey(store, token);
  return { key: given ?? token, info };
}

export function keyRoutes(services: Services): Route[] {
  const store = requireStore(services);
  return [
    adminRoute('POST', ['/key/generate'], async (request, ctx) => {
      const input = parseBody(generateSchema, request.body, 'POST /key/generate');
      return withWarnings(await createKey(store, ctx, input), input);
    }),

    adminRoute('POST', ['/key/update'], async (request, ctx) => {
      const input = parseBody(updateSchema, request.body, 'POST /key/update');
      const existing = await existingKey(store, input.key);
      await checkTeam(store, input.team_id === undefined ? existing.team_id : input.team_id, input.models ?? existing.models);
      const after = await updateKey(store, ctx, existing, changesFrom(input, changedBy(ctx).name), 'updated');
      return withWarnings(after, input);
    }),

    adminRoute('GET', ['/key/info'], (request, ctx) => keyInfo(store, ctx, request.query['key']), 'caller'),
    adminRoute('POST', ['/key/info'], (request, ctx) => keyInfo(store, ctx, parseBody(z.strictObject({ key: id.optional() }), request.body || '{}', 'POST /key/info').key), 'caller'),

    adminRoute('GET', ['/key/list'], async (request) => {
      const { page, size } = pageParams(request.query, 'size', 10);
      const { user_id, team_id, key_alias } = request.query;
      const keys = await store.list<KeyRecord>('key', { user_id, team_id, key_alias });
      const { slice, total, totalPages } = paginate(keys, page, size);
      const full = request.query['return_full_object'] === 'true';
      return { keys: full ? slice : slice.map((k) => k.token), total_count: total, current_page: page, total_pages: totalPages };
    }),

    adminRoute('POST', ['/key/delete'], async (request, ctx) => {
      const input = parseBody(deleteSchema, request.body, 'POST /key/delete');
      const named = input.keys ?? input.key_aliases!;
      const tokens = await Promise.all(named.map((name) => (input.keys ? tokenOf(name) : tokenOfAlias(store, name))));
      const missing = named.filter((_, i) => !tokens[i]);
      if (missing.length) throw notFound(`No key ${input.keys ? 'matches' : 'has the alias'} ${missing.join(', ')}; nothing was deleted.`);
      const found = await Promise.all(tokens.map((token) => keyRecord(store, token!)));
      const absent = named.filter((_, i) => !found[i]);
      if (absent.length) throw notFound(`No such key: ${absent.map((name) => (input.keys ? keyName(name) : name)).join(', ')}; nothing was deleted.`);
      const deleted: string[] = [];
      for (const [i, token] of tokens.entries()) {
        if (await deleteKey(store, ctx, token!)) deleted.push(named[i]!);
      }
      if (!deleted.length) throw notFound('No such key: it was deleted meanwhile.');
      return { deleted_keys: deleted };
    }),

    adminRoute('POST', ['/key/{key}/regenerate', '/key/regenerate'], async (request, ctx, params) => {
      const input = parseBody(regenerateSchema, request.body || '{}', 'POST /key/regenerate');
      const named = params['key'] ?? input.key;
      if (!named) throw new GatewayError('invalid_request', 'Name the key to regenerate: POST /key/regenerate {"key": "sk-..."}.', { param: 'key' });
      const old = await existingKey(store, named);
      await checkTeam(store, input.team_id === undefined ? old.team_id : input.team_id, input.models ?? old.models);
      return withWarnings(await regenerateKey(store, ctx, old, input), input);
    }),

    adminRoute('POST', ['/key/block'], async (request, ctx) => {
      const { key } = parseBody(keyOnlySchema, request.body, 'POST /key/block');
      return updateKey(store, ctx, await existingKey(store, key), { blocked: true, updated_at: nowIso(), updated_by: changedBy(ctx).name }, 'blocked');
    }),

    adminRoute('POST', ['/key/unblock'], async (request, ctx) => {
      const { key } = parseBody(keyOnlySchema, request.body, 'POST /key/unblock');
      return updateKey(store, ctx, await existingKey(store, key), { blocked: false, updated_at: nowIso(), updated_by: changedBy(ctx).name }, 'unblocked');
    }),
  ];
}
