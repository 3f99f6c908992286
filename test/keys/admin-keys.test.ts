// LiteLLM's key-management routes against dynalite: shapes, input checks, ordering of writes, audit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedDynamo } from '../../local/embedded-dynamodb.ts';
import { sha256Hex } from '../../shared/core/auth.ts';
import { itemKeys } from '../../shared/store/table.ts';
import { chat, startDynamo, startKeysGateway, type KeysGateway } from '../helpers/identity.ts';

let dynamo: EmbeddedDynamo;
let gw: KeysGateway;

beforeAll(async () => {
  dynamo = await startDynamo();
  gw = await startKeysGateway(dynamo.endpoint);
});
afterAll(async () => {
  await gw.close();
  await dynamo.close();
});

describe('POST /key/generate', () => {
  it('makes an sk- key of 32+ random bytes, shown once, stored only as its SHA-256', async () => {
    const { status, body } = await gw.call('POST', '/key/generate', { models: ['mock'], key_alias: 'gen-1', metadata: { app: 'x' }, duration: '30d' });
    expect(status).toBe(200);
    expect(body.key).toMatch(/^sk-[0-9A-Za-z]{43}$/);
    expect(body.key_name).toBe(`sk-...${body.key.slice(-4)}`);
    expect(body.token).toBe(sha256Hex(body.key));
    expect(body.token_id).toBe(body.token);
    expect(body).toMatchObject({ models: ['mock'], key_alias: 'gen-1', metadata: { app: 'x' }, spend: 0, max_budget: null, team_id: null, created_by: 'master' });
    expect(Date.parse(body.expires) - Date.now()).toBeGreaterThan(29 * 86_400_000);
    expect(body.warnings).toBeUndefined();
    const stored = await gw.store.get<Record<string, unknown>>(itemKeys.key(body.token));
    expect(stored).toBeDefined();
    expect(JSON.stringify(stored)).not.toContain(body.key);
  });

  it('accepts every documented field, and lists those it stores without acting on in `warnings`', async () => {
    const { status, body } = await gw.call('POST', '/key/generate', {
      max_budget: 10,
      budget_duration: '1mo',
      soft_budget: 5,
      rpm_limit: 60,
      tpm_limit: 1000,
      max_parallel_requests: 2,
      model_max_budget: { mock: { budget_limit: 1, time_period: '1d' }, 'mock-b': 2.5 },
      rpm_limit_type: 'dynamic',
      project_id: 'p1',
      model_rpm_limit: { mock: 5 },
      model_tpm_limit: { mock: 50 },
      tags: ['t'],
      allowed_routes: ['llm_api_routes'],
      blocked: false,
      guardrails: [],
      key_type: 'llm_api',
      aliases: {},
      permissions: {},
    });
    expect(status).toBe(200);
    expect(body).toMatchObject({ max_budget: 10, rpm_limit: 60, model_rpm_limit: { mock: 5 }, tags: ['t'] });
    expect(body.warnings).toEqual(expect.arrayContaining([expect.stringContaining('project_id')]));
    // Budgets, limits, tags and route rules are enforced, so they draw no warning; empty lists ask for nothing.
    const warned = (body.warnings as string[]).map((w) => w.split(' ')[0]);
    for (const acted of ['max_budget', 'rpm_limit', 'tpm_limit', 'max_parallel_requests', 'model_max_budget', 'guardrails', 'tags', 'allowed_routes', 'key_type']) expect(warned).not.toContain(acted);
  });

  it('takes a custom key starting with sk-, and leaves nothing behind when it exists already', async () => {
    const { body } = await gw.call('POST', '/key/generate', { key: 'sk-my-custom-key-123' });
    expect(body.key).toBe('sk-my-custom-key-123');
    // The second write (the key item) fails after the first (the alias) succeeded: the alias is released.
    const again = await gw.call('POST', '/key/generate', { key: 'sk-my-custom-key-123', key_alias: 'would-dangle' });
    expect(again.status).toBe(400);
    expect(again.body.error.param).toBe('key');
    expect(await gw.store.get(itemKeys.alias('would-dangle'))).toBeUndefined();
  });

  it.each([
    [{ models: 'mock' }, 'models'],
    [{ max_budget: -1 }, 'max_budget'],
    [{ rpm_limit: 1.5 }, 'rpm_limit'],
    [{ duration: '3 weeks' }, 'duration'],
    [{ budget_duration: 'often' }, 'budget_duration'],
    [{ model_rpm_limit: { mock: -2 } }, 'model_rpm_limit.mock'],
    [{ key: 'my-key' }, 'key'],
    [{ no_such_field: 1 }, 'no_such_field'],
  ])('refuses %j with a 400 naming %s', async (input, param) => {
    const before = (await gw.store.list('key')).length;
    const { status, body } = await gw.call('POST', '/key/generate', input);
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ type: 'invalid_request_error', param, code: '400' });
    expect(body.error.message).toContain(param.split('.')[0]);
    expect((await gw.store.list('key')).length).toBe(before);
  });

  it('refuses a body that is not JSON', async () => {
    const { status, body } = await gw.call('POST', '/key/generate', '{"models": [');
    expect(status).toBe(400);
    expect(body.error.message).toContain('not valid JSON');
  });

  it('keeps aliases unique', async () => {
    expect((await gw.call('POST', '/key/generate', { key_alias: 'unique-1' })).status).toBe(200);
    const second = await gw.call('POST', '/key/generate', { key_alias: 'unique-1' });
    expect(second.status).toBe(400);
    expect(second.body.error).toMatchObject({ param: 'key_alias' });
    expect(await gw.store.list('key', { key_alias: 'unique-1' })).toHaveLength(1);
  });

  it('takes over an alias left behind by a request that died between its two writes', async () => {
    const stale = { key_alias: 'orphaned', token: 'f'.repeat(64), created_at: new Date(Date.now() - 120_000).toISOString() };
    await gw.store.create(itemKeys.alias('orphaned'), undefined, stale);
    const { status, body } = await gw.call('POST', '/key/generate', { key_alias: 'orphaned' });
    expect(status).toBe(200);
    expect((await gw.store.get<{ token: string }>(itemKeys.alias('orphaned')))?.token).toBe(body.token);
    // A fresh claim (a creation still in progress elsewhere) is respected.
    await gw.store.create(itemKeys.alias('in-flight'), undefined, { ...stale, key_alias: 'in-flight', created_at: new Date().toISOString() });
    expect((await gw.call('POST', '/key/generate', { key_alias: 'in-flight' })).status).toBe(400);
  });

  it('refuses a record larger than DynamoDB holds with a 400 saying so, leaving nothing behind', async () => {
    const huge = await gw.call('POST', '/key/generate', { key_alias: 'huge', metadata: { notes: 'x'.repeat(450_000) } });
    expect(huge.status).toBe(400);
    expect(huge.body.error).toMatchObject({ type: 'invalid_request_error', param: null });
    expect(huge.body.error.message).toContain('400 KB');
    const { body: made } = await gw.call('POST', '/key/generate', { key_alias: 'huge' });
    expect(made.key_alias).toBe('huge');
    const renamed = await gw.call('POST', '/key/update', { key: made.key, key_alias: 'huge-2', metadata: { notes: 'x'.repeat(450_000) } });
    expect(renamed.status).toBe(400);
    expect((await gw.call('POST', '/key/info', { key: made.key })).body.info.key_alias).toBe('huge');
    expect((await gw.call('POST', '/key/generate', { key_alias: 'huge-2' })).status).toBe(200);
  });

  it('refuses a team that does not exist, and models outside the team', async () => {
    expect((await gw.call('POST', '/key/generate', { team_id: 'nope' })).body.error.param).toBe('team_id');
    await gw.call('POST', '/team/new', { team_id: 'gen-team', models: ['mock'] });
    const outside = await gw.call('POST', '/key/generate', { team_id: 'gen-team', models: ['mock-b'] });
    expect(outside.status).toBe(400);
    expect(outside.body.error.param).toBe('models');
  });

  it("takes any models for a team whose models are all models, by either of LiteLLM's names", async () => {
    for (const all of ['all-proxy-models', '*']) {
      const teamId = `all-models-${all === '*' ? 'star' : all}`;
      await gw.call('POST', '/team/new', { team_id: teamId, models: [all] });
      const made = await gw.call('POST', '/key/generate', { team_id: teamId, models: ['mock-b'] });
      expect(made.status).toBe(200);
      expect((await gw.call('POST', '/v1/chat/completions', chat('mock-b'), made.body.key)).status).toBe(200);
    }
  });
});

describe('a key without a user (no role)', () => {
  it("gets LiteLLM's 401 on the admin routes a role is needed for, lists only itself, and an unknown key gets 401", async () => {
    const { body: made } = await gw.call('POST', '/key/generate', {});
    const refused = await gw.call('POST', '/key/generate', {}, made.key);
    expect(refused.status).toBe(401);
    expect(refused.body.error).toMatchObject({ type: 'auth_error', code: '401' });
    expect(refused.body.error.message).toContain('Only proxy admin can be used to generate, delete, update info for new keys/users/teams. Route=/key/generate. Your role=unknown.');
    expect((await gw.call('GET', '/key/list', undefined, made.key)).body.keys).toEqual([made.token]);
    expect((await gw.call('POST', '/team/new', {}, made.key)).status).toBe(401);
    expect((await gw.call('GET', '/audit', undefined, made.key)).status).toBe(401);
    expect((await gw.call('POST', '/key/generate', {}, 'sk-unknown-key')).status).toBe(401);
  });
});

describe('POST /key/update', () => {
  it('sets only the fields sent, moves the alias, and leaves other attributes (spend counters) alone', async () => {
    const { body: made } = await gw.call('POST', '/key/generate', { key_alias: 'upd-old', models: ['mock'] });
    // What issue 6 does on the hot path: an atomic ADD on the key item.
    await gw.store.update(itemKeys.key(made.token), { spend: 2.5 });
    const { status, body } = await gw.call('POST', '/key/update', { key: made.key, key_alias: 'upd-new', models: ['mock', 'mock-b'], duration: '1h' });
    expect(status).toBe(200);
    expect(body).toMatchObject({ key_alias: 'upd-new', models: ['mock', 'mock-b'], spend: 2.5 });
    expect(Date.parse(body.expires)).toBeLessThan(Date.now() + 3_700_000);
    // The old alias is free again, the new one taken.
    expect((await gw.call('POST', '/key/generate', { key_alias: 'upd-old' })).status).toBe(200);
    expect((await gw.call('POST', '/key/generate', { key_alias: 'upd-new' })).status).toBe(400);
  });

  it('finds the key by its hash too, and 404s on a key that does not exist', async () => {
    const { body: made } = await gw.call('POST', '/key/generate', {});
    expect((await gw.call('POST', '/key/update', { key: made.token, metadata: { a: 1 } })).body.metadata).toEqual({ a: 1 });
    const missing = await gw.call('POST', '/key/update', { key: 'sk-not-there', metadata: {} });
    expect(missing.status).toBe(404);
    expect((await gw.call('POST', '/key/update', { metadata: {} })).body.error.param).toBe('key');
  });
});

describe('GET|POST /key/info', () => {
  it('lets the master key read any key and a key read only itself (another key is not found, as LiteLLM answers)', async () => {
    const { body: a } = await gw.call('POST', '/key/generate', { key_alias: 'info-a' });
    const { body: b } = await gw.call('POST', '/key/generate', { key_alias: 'info-b' });
    const byMaster = await gw.call('GET', `/key/info?key=${a.key}`);
    expect(byMaster.status).toBe(200);
    expect(byMaster.body).toMatchObject({ key: a.key, info: { key_alias: 'info-a', key_name: a.key_name } });
    expect(byMaster.body.info.token).toBeUndefined();
    expect((await gw.call('POST', '/key/info', { key: a.key })).body.info.key_alias).toBe('info-a');
    expect((await gw.call('GET', '/key/info', undefined, a.key)).body.info.key_alias).toBe('info-a');
    expect((await gw.call('POST', '/key/info', { key: a.key }, a.key)).status).toBe(200);
    expect((await gw.call('GET', `/key/info?key=${b.key}`, undefined, a.key)).status).toBe(404);
    expect((await gw.call('GET', '/key/info?key=sk-gone')).status).toBe(404);
  });

  it('never logs a raw key from the query string or the path', async () => {
    const { body: a } = await gw.call('POST', '/key/generate', {});
    await gw.call('GET', `/key/info?key=${a.key}`);
    await gw.call('POST', `/key/${a.key}/regenerate`, {});
    const logged = gw.log.text();
    expect(logged).toContain('/regenerate');
    expect(logged).not.toContain(a.key);
  });
});

describe('GET /key/list', () => {
  it('pages with LiteLLM fields and filters by team, user and alias', async () => {
    await gw.call('POST', '/team/new', { team_id: 'list-team' });
    const made = [];
    for (let i = 0; i < 3; i++) made.push((await gw.call('POST', '/key/generate', { team_id: 'list-team', user_id: `list-user-${i}` })).body);
    const page1 = await gw.call('GET', '/key/list?team_id=list-team&size=2&page=1');
    expect(page1.body).toMatchObject({ total_count: 3, current_page: 1, total_pages: 2 });
    expect(page1.body.keys).toHaveLength(2);
    const page2 = await gw.call('GET', '/key/list?team_id=list-team&size=2&page=2');
    expect([...page1.body.keys, ...page2.body.keys].sort()).toEqual(made.map((k) => k.token).sort());
    const full = await gw.call('GET', '/key/list?user_id=list-user-1&return_full_object=true');
    expect(full.body.keys).toEqual([expect.objectContaining({ token: made[1].token, user_id: 'list-user-1' })]);
    expect((await gw.call('GET', '/key/list?size=500')).status).toBe(400);
  });
});

describe('POST /key/delete', () => {
  it('deletes by keys or by key_aliases; the key stops working at once', async () => {
    const { body: a } = await gw.call('POST', '/key/generate', { key_alias: 'del-a' });
    const { body: b } = await gw.call('POST', '/key/generate', { key_alias: 'del-b' });
    expect((await gw.call('POST', '/v1/chat/completions', chat('mock'), a.key)).status).toBe(200);
    expect((await gw.call('POST', '/key/delete', { keys: [a.key] })).body).toEqual({ deleted_keys: [a.key] });
    expect((await gw.call('POST', '/v1/chat/completions', chat('mock'), a.key)).status).toBe(401);
    expect((await gw.call('POST', '/key/delete', { key_aliases: ['del-b'] })).body).toEqual({ deleted_keys: ['del-b'] });
    expect(await gw.store.get(itemKeys.key(b.token))).toBeUndefined();
    expect(await gw.store.get(itemKeys.alias('del-b'))).toBeUndefined();
  });

  it('deletes nothing when one of the keys does not exist', async () => {
    const { body: a } = await gw.call('POST', '/key/generate', {});
    const { status, body } = await gw.call('POST', '/key/delete', { keys: [a.key, 'sk-never-made'] });
    expect(status).toBe(404);
    expect(body.error.message).toContain('nothing was deleted');
    expect(body.error.message).not.toContain('sk-never-made');
    expect(await gw.store.get(itemKeys.key(a.token))).toBeDefined();
    expect((await gw.call('POST', '/key/delete', {})).status).toBe(400);
  });
});

describe('POST /key/{key}/regenerate', () => {
  it('replaces the key: the old one stops, the new one works with the same settings and alias', async () => {
    const { body: old } = await gw.call('POST', '/key/generate', { key_alias: 'regen', models: ['mock'] });
    const { status, body } = await gw.call('POST', `/key/${old.key}/regenerate`, { max_budget: 3 });
    expect(status).toBe(200);
    expect(body.key).not.toBe(old.key);
    expect(body).toMatchObject({ key_alias: 'regen', models: ['mock'], max_budget: 3, token: sha256Hex(body.key) });
    expect((await gw.call('POST', '/v1/chat/completions', chat('mock'), old.key)).status).toBe(401);
    expect((await gw.call('POST', '/v1/chat/completions', chat('mock'), body.key)).status).toBe(200);
    expect((await gw.call('GET', '/key/list?key_alias=regen')).body.keys).toEqual([body.token]);
    // By body, moving to a new alias: the old alias is free again.
    const byBody = await gw.call('POST', '/key/regenerate', { key: body.key, key_alias: 'regen-2' });
    expect(byBody.status).toBe(200);
    expect((await gw.call('POST', '/key/regenerate', { key: body.key })).status).toBe(404);
    expect((await gw.call('GET', '/key/list?key_alias=regen-2')).body.keys).toEqual([byBody.body.token]);
    expect((await gw.call('POST', '/key/generate', { key_alias: 'regen' })).status).toBe(200);
    expect((await gw.call('POST', '/key/generate', { key_alias: 'regen-2' })).status).toBe(400);
  });
});

describe('POST /key/block and /key/unblock', () => {
  it('blocks at once on this instance and unblocks', async () => {
    const { body: a } = await gw.call('POST', '/key/generate', {});
    expect((await gw.call('POST', '/v1/chat/completions', chat('mock'), a.key)).status).toBe(200);
    expect((await gw.call('POST', '/key/block', { key: a.key })).body.blocked).toBe(true);
    const refused = await gw.call('POST', '/v1/chat/completions', chat('mock'), a.key);
    expect(refused.status).toBe(401);
    expect(refused.body.error.message).toContain('blocked');
    expect((await gw.call('POST', '/key/unblock', { key: a.key })).body.blocked).toBe(false);
    expect((await gw.call('POST', '/v1/chat/completions', chat('mock'), a.key)).status).toBe(200);
  });
});

describe('GET /audit', () => {
  it('records who changed what, before and after, and never a raw key', async () => {
    const { body: a } = await gw.call('POST', '/key/generate', { key_alias: 'audited' });
    await gw.call('POST', '/key/update', { key: a.key, models: ['mock'] });
    await gw.call('POST', '/key/block', { key: a.key });
    await gw.call('POST', '/key/delete', { keys: [a.key] });
    const { status, body } = await gw.call('GET', `/audit?object_id=${a.token}`);
    expect(status).toBe(200);
    expect(body.data.map((r: any) => r.action)).toEqual(['deleted', 'blocked', 'updated', 'created']);
    const updated = body.data[2];
    expect(updated).toMatchObject({ changed_by: 'master', changed_by_api_key: null, table_name: 'key', object_id: a.token });
    expect(updated.before_value.models).toEqual([]);
    expect(updated.updated_values.models).toEqual(['mock']);
    expect(Date.parse(updated.updated_at)).toBeGreaterThan(Date.now() - 60_000);
    const all = await gw.call('GET', '/audit/logs?page_size=500');
    expect(all.body.total).toBeGreaterThan(4);
    expect(JSON.stringify(all.body)).not.toContain(a.key);
  });

  it('records a change of a large key too: its before_value left out, since the previous record holds it', async () => {
    const notes = (letter: string) => ({ notes: letter.repeat(250_000) });
    const { body: made } = await gw.call('POST', '/key/generate', { metadata: notes('a') });
    const updated = await gw.call('POST', '/key/update', { key: made.key, metadata: notes('b') });
    expect(updated.status).toBe(200);
    expect(updated.body.metadata).toEqual(notes('b'));
    const { body } = await gw.call('GET', `/audit?object_id=${made.token}`);
    expect(body.data.map((r: any) => r.action)).toEqual(['updated', 'created']);
    expect(body.data[0].before_value).toBeNull();
    expect(body.data[0].updated_values.metadata).toEqual(notes('b'));
    expect(body.data[1].updated_values.metadata).toEqual(notes('a'));
  });
});
