// An explicit `null` in an optional field is an absent field, as LiteLLM treats it: its clients and UI
// send them (the `litellm` SDK's `encoding_format: null` through `litellm_proxy/`, the UI's empty
// fields, LiteLLM's own e2e tests' `"metadata": None`). Admin creates and updates take them; model
// calls take them and send none of them upstream, where a real API refuses them.
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EmbeddedDynamo } from '../../local/embedded-dynamodb.ts';
import { startFakeEmbeddings } from '../helpers/fake-embeddings.ts';
import { startFakeOpenAI } from '../helpers/fake-openai.ts';
import { MASTER, startDynamo, startKeysGateway, type KeysGateway } from '../helpers/identity.ts';
import type { RecordingServer } from '../helpers/recording-server.ts';

const UPSTREAM_KEY = 'sk-upstream-0123456789';

let dynamo: EmbeddedDynamo;
let chatUpstream: RecordingServer;
let embedUpstream: RecordingServer;
let gw: KeysGateway;
let client: OpenAI;

beforeAll(async () => {
  dynamo = await startDynamo();
  chatUpstream = await startFakeOpenAI({ apiKey: UPSTREAM_KEY, models: { 'gpt-4o-mini': { maxOutputTokens: 16384, reasoning: false } } });
  embedUpstream = await startFakeEmbeddings();
  gw = await startKeysGateway(dynamo.endpoint, {
    config: `
model_list:
  - model_name: gpt
    litellm_params: { model: openai/gpt-4o-mini, api_base: "${chatUpstream.url}/v1", api_key: ${UPSTREAM_KEY} }
  - model_name: embedder
    litellm_params: { model: openai/text-embedding-3-small, api_base: "${embedUpstream.url}", api_key: ${UPSTREAM_KEY} }
general_settings: { master_key: ${MASTER} }
`,
  });
  client = new OpenAI({ apiKey: MASTER, baseURL: `${gw.url}/v1`, maxRetries: 0 });
});
afterAll(async () => {
  await gw.close();
  await chatUpstream.close();
  await embedUpstream.close();
  await dynamo.close();
});
beforeEach(() => {
  chatUpstream.requests.length = 0;
  embedUpstream.requests.length = 0;
});

/** The top-level fields of what reached the upstream that are null. */
const nullFields = (body: Record<string, unknown>) => Object.keys(body).filter((name) => body[name] === null);

describe('model calls', () => {
  it('takes null tools, tool_choice, stream and other optional fields as absent, and sends none of them upstream', async () => {
    const params = {
      model: 'gpt',
      messages: [{ role: 'user' as const, content: 'Hi' }],
      tools: null,
      tool_choice: null,
      stream: null,
      temperature: null,
      stop: null,
      user: null,
      response_format: null,
      parallel_tool_calls: null,
    };
    const answer = await client.chat.completions.create(params as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming);
    expect(answer.object).toBe('chat.completion');
    expect(answer.choices[0]!.message.content).toBeTruthy();
    expect(chatUpstream.requests).toHaveLength(1);
    expect(nullFields(chatUpstream.requests[0]!.json)).toEqual([]);
    expect(chatUpstream.requests[0]!.json).not.toHaveProperty('tools');
  });

  it('streams with a null stream_options and tools, sending neither on', async () => {
    const params = { model: 'gpt', messages: [{ role: 'user' as const, content: 'Hi' }], stream: true, stream_options: null, tools: null };
    const stream = await client.chat.completions.create(params as unknown as OpenAI.ChatCompletionCreateParamsStreaming);
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBeTruthy();
    expect(nullFields(chatUpstream.requests[0]!.json)).toEqual([]);
  });

  it('takes embeddings with encoding_format: null, as the litellm SDK sends them through litellm_proxy/', async () => {
    const response = await fetch(`${gw.url}/v1/embeddings`, {
      method: 'POST',
      headers: { authorization: `Bearer ${MASTER}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'embedder', input: ['hello'], encoding_format: null, dimensions: null, user: null }),
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { data: Array<{ embedding: number[] }> }).data[0]!.embedding).toEqual([0.5, 0.25]);
    expect(nullFields(embedUpstream.requests[0]!.json)).toEqual([]);
  });
});

describe('admin creates and updates', () => {
  it('POST /key/generate and /key/update take null for every optional field LiteLLM clients send', async () => {
    const made = await gw.call('POST', '/key/generate', {
      key_alias: null,
      duration: null,
      models: null,
      team_id: null,
      user_id: null,
      metadata: null,
      tags: null,
      blocked: null,
      allowed_routes: null,
      aliases: null,
      config: null,
      permissions: null,
      max_budget: null,
      budget_duration: null,
      rpm_limit: null,
      tpm_limit: null,
      max_parallel_requests: null,
      model_max_budget: null,
      model_rpm_limit: null,
      soft_budget: null,
      guardrails: null,
      key_type: null,
      send_invite_email: null,
    });
    expect(made.status).toBe(200);
    expect(made.body).toMatchObject({ models: [], metadata: {}, max_budget: null, key_alias: null });
    const updated = await gw.call('POST', '/key/update', { key: made.body.key, metadata: null, models: null, tags: null, key_alias: 'nulls-updated' });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ key_alias: 'nulls-updated', models: [], metadata: {} });
    // The key works.
    const answer = await new OpenAI({ apiKey: made.body.key, baseURL: `${gw.url}/v1`, maxRetries: 0 }).chat.completions.create({ model: 'gpt', messages: [{ role: 'user', content: 'Hi' }] });
    expect(answer.choices[0]!.message.content).toBeTruthy();
  });

  it('a null still clears a budget on update (the fields that take null keep it)', async () => {
    const made = await gw.call('POST', '/key/generate', { max_budget: 5 });
    const updated = await gw.call('POST', '/key/update', { key: made.body.key, max_budget: null });
    expect(updated.status).toBe(200);
    expect((await gw.call('GET', `/key/info?key=${made.body.key}`)).body.info.max_budget).toBeNull();
  });

  it('POST /team/new and /team/update take null models, metadata, members and limits', async () => {
    const made = await gw.call('POST', '/team/new', {
      team_alias: null,
      models: null,
      metadata: null,
      members_with_roles: null,
      tags: null,
      blocked: null,
      max_budget: null,
      rpm_limit: null,
      team_member_permissions: null,
      model_aliases: null,
      guardrails: null,
      organization_id: null,
    });
    expect(made.status).toBe(200);
    expect(made.body).toMatchObject({ models: [], metadata: {}, blocked: false });
    const updated = await gw.call('POST', '/team/update', { team_id: made.body.team_id, models: null, metadata: null, team_alias: 'null-team' });
    expect(updated.status).toBe(200);
    expect(updated.body.data ?? updated.body).toMatchObject({ team_alias: 'null-team', models: [] });
  });

  it('POST /user/new and /user/update take null role, teams, models, metadata and limits', async () => {
    const made = await gw.call('POST', '/user/new', {
      user_id: null,
      user_email: null,
      user_role: null,
      teams: null,
      models: null,
      metadata: null,
      max_budget: null,
      auto_create_key: null,
      key_alias: null,
      duration: null,
      send_invite_email: null,
    });
    expect(made.status).toBe(200);
    expect(made.body).toMatchObject({ user_role: 'internal_user', models: [] });
    const updated = await gw.call('POST', '/user/update', { user_id: made.body.user_id, user_role: null, models: null, metadata: null, user_alias: 'null-user' });
    expect(updated.status).toBe(200);
  });

  it('POST /customer/new and /end_user/update take null alias, region, budgets and metadata', async () => {
    const made = await gw.call('POST', '/customer/new', {
      user_id: 'null-customer',
      alias: null,
      blocked: null,
      max_budget: null,
      allowed_model_region: null,
      default_model: null,
      metadata: null,
      budget_id: null,
    });
    expect(made.status).toBe(200);
    const updated = await gw.call('POST', '/end_user/update', { user_id: 'null-customer', blocked: null, metadata: null, alias: 'renamed' });
    expect(updated.status).toBe(200);
    expect((await gw.call('GET', '/customer/info?end_user_id=null-customer')).body).toMatchObject({ alias: 'renamed', blocked: false });
  });

  it('still refuses a null where a value is required, naming the field', async () => {
    const refused = await gw.call('POST', '/key/update', { key: null, metadata: null });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toContain('`key` is required');
    // A null under a name every object inherits (found by the adversarial suite) is an unknown field, not a 500.
    const inherited = await gw.call('POST', '/team/member_add', '{"__proto__": null}');
    expect(inherited.status).toBe(400);
  });
});
