// LiteLLM's probes and listings over HTTP, as its tests/test_health.py drives a proxy: GET /health
// (a real call to every deployment), GET /health/readiness (with the table's status and the version),
// GET /health/readiness/details (the same, for any valid key), GET /routes.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedDynamo } from '../../local/embedded-dynamodb.ts';
import { startFakeEmbeddings } from '../helpers/fake-embeddings.ts';
import { startFakeOpenAI } from '../helpers/fake-openai.ts';
import { startGateway } from '../helpers/gateway.ts';
import { MASTER, startDynamo, startKeysGateway, type KeysGateway } from '../helpers/identity.ts';
import type { RecordingServer } from '../helpers/recording-server.ts';

const UPSTREAM_KEY = 'sk-upstream-health-0123456789';
const VERSION = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;

let dynamo: EmbeddedDynamo;
let chatUpstream: RecordingServer;
let embedUpstream: RecordingServer;
let gw: KeysGateway;

beforeAll(async () => {
  dynamo = await startDynamo();
  chatUpstream = await startFakeOpenAI({ apiKey: UPSTREAM_KEY, models: { 'gpt-4o-mini': { maxOutputTokens: 16384, reasoning: false } } });
  embedUpstream = await startFakeEmbeddings([0.5]);
  gw = await startKeysGateway(dynamo.endpoint, {
    config: `
model_list:
  - model_name: gpt
    litellm_params: { model: openai/gpt-4o-mini, api_base: "${chatUpstream.url}/v1", api_key: ${UPSTREAM_KEY} }
  - model_name: gpt-wrong-key
    litellm_params: { model: openai/gpt-4o-mini, api_base: "${chatUpstream.url}/v1", api_key: sk-not-the-upstream-key-0000 }
  - model_name: embedder
    litellm_params: { model: openai/text-embedding-3-small, api_base: "${embedUpstream.url}", api_key: ${UPSTREAM_KEY} }
    model_info: { mode: embedding }
router_settings: { num_retries: 0 }
general_settings: { master_key: ${MASTER} }
`,
  });
});
afterAll(async () => {
  await gw.close();
  await chatUpstream.close();
  await embedUpstream.close();
  await dynamo.close();
});

describe('GET /health', () => {
  it('calls every deployment and sorts them into healthy and unhealthy, in LiteLLM’s shape, without secrets', async () => {
    const { status, body } = await gw.call('GET', '/health');
    expect(status).toBe(200);
    expect(body).toMatchObject({ healthy_count: 2, unhealthy_count: 1 });
    expect(body.healthy_endpoints.map((e: { model_name: string }) => e.model_name).sort()).toEqual(['embedder', 'gpt']);
    expect(body.healthy_endpoints[0]).toMatchObject({ model: expect.stringMatching(/^openai\//) });
    expect(body.unhealthy_endpoints).toEqual([expect.objectContaining({ model_name: 'gpt-wrong-key', model: 'openai/gpt-4o-mini', error: expect.any(String) })]);
    expect(body.unhealthy_endpoints[0].error).toBeTruthy();
    expect(JSON.stringify(body)).not.toContain('sk-not-the-upstream-key');
    expect(JSON.stringify(body)).not.toContain(UPSTREAM_KEY);
    // Real calls: a one-token chat, a one-line embedding.
    expect(chatUpstream.requests.some((r) => r.json?.max_tokens === 1)).toBe(true);
    expect(embedUpstream.requests).toHaveLength(1);
  });

  it('checks one model with ?model=, and refuses a model it does not serve', async () => {
    const one = await gw.call('GET', '/health?model=embedder');
    expect(one.body).toMatchObject({ healthy_count: 1, unhealthy_count: 0 });
    const unknown = await gw.call('GET', '/health?model=nope');
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.param).toBe('model');
  });

  it('is for admins: a key without a role gets 401', async () => {
    const made = (await gw.call('POST', '/key/generate', {})).body;
    expect((await gw.call('GET', '/health', undefined, made.key)).status).toBe(401);
  });
});

describe('GET /health/readiness', () => {
  it('says the table is connected and which version answers, without a key', async () => {
    const ready = await fetch(`${gw.url}/health/readiness`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'healthy', db: 'connected', cache: null, litellm_version: VERSION, success_callbacks: [] });
  });

  it('says "Not connected" on a gateway without a table, and is ready all the same', async () => {
    const tableless = await startGateway(`
model_list:
  - model_name: mock
    litellm_params: { model: mock/echo }
`);
    try {
      const ready = await fetch(`${tableless.url}/health/readiness`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ status: 'healthy', db: 'Not connected' });
    } finally {
      await tableless.close();
    }
  });

  it('answers the same diagnostics at /health/readiness/details, for any valid key and no one else', async () => {
    const key = (await gw.call('POST', '/key/generate', {})).body.key;
    const details = await fetch(`${gw.url}/health/readiness/details`, { headers: { authorization: `Bearer ${key}` } });
    expect(details.status).toBe(200);
    expect(await details.json()).toMatchObject({ status: 'healthy', db: 'connected', litellm_version: VERSION });
    const anonymous = await fetch(`${gw.url}/health/readiness/details`);
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { error: { type: string } }).error.type).toBe('auth_error');
  });
});

describe('GET /routes', () => {
  it('lists every route with its method, itself included, without a key', async () => {
    const response = await fetch(`${gw.url}/routes`);
    expect(response.status).toBe(200);
    const { routes } = (await response.json()) as { routes: Array<{ path: string; methods: string[] }> };
    for (const [method, path] of [
      ['POST', '/v1/chat/completions'],
      ['GET', '/health'],
      ['POST', '/key/generate'],
      ['GET', '/routes'],
    ]) {
      expect(routes).toContainEqual(expect.objectContaining({ path, methods: [method] }));
    }
  });
});
