// Health check driven routing (LiteLLM's `background_health_checks` + `enable_health_check_routing`):
// the scheduled check, run by one process (in AWS the admin function), records each deployment's result
// in the table; a gateway instance that never called the broken deployment skips it, and shows the
// state in /model/info. Two gateways' worth of state on one dynalite, as two Lambda functions share it.
import type { ServerResponse } from 'node:http';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackgroundHealthChecks } from '../../local/background-health-checks.ts';
import type { EmbeddedDynamo } from '../../local/embedded-dynamodb.ts';
import { scheduledHealthChecks } from '../../shared/app.ts';
import { checkDeployments } from '../../shared/pipeline/health-checks.ts';
import { defaultProviders } from '../../shared/providers/registry.ts';
import { DeploymentStates } from '../../shared/store/deployment-states.ts';
import type { Store } from '../../shared/store/store.ts';
import { eventually } from '../helpers/eventually.ts';
import { recordingLog, testConfig } from '../helpers/gateway.ts';
import { MASTER, openTestStore, startDynamo, startKeysGateway, type KeysGateway } from '../helpers/identity.ts';
import { sendJson, startRecordingServer, type RecordingServer } from '../helpers/recording-server.ts';

let dynamo: EmbeddedDynamo;
let broken: RecordingServer;
let healthy: RecordingServer;
let limited: RecordingServer;
let checker: Store;
const hi = [{ role: 'user' as const, content: 'Hi' }];

function completion(res: ServerResponse, body: any): void {
  sendJson(res, 200, {
    id: 'chatcmpl-health',
    object: 'chat.completion',
    created: 1,
    model: body.model,
    choices: [{ index: 0, message: { role: 'assistant', content: 'ok', refusal: null }, logprobs: null, finish_reason: 'stop' }],
    usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
  });
}

// The broken deployment takes nearly all the traffic by weight, so only its health record keeps requests off it.
const config = (routing: boolean) => `
model_list:
  - model_name: gpt-4o
    litellm_params: { model: openai/gpt-4o, api_base: "${broken.url}/v1", api_key: sk-a, weight: 1000 }
    model_info: { id: broken }
  - model_name: gpt-4o
    litellm_params: { model: openai/gpt-4o, api_base: "${healthy.url}/v1", api_key: sk-b, weight: 1 }
    model_info: { id: healthy }
  - model_name: solo
    litellm_params: { model: openai/gpt-4o, api_base: "${broken.url}/v1", api_key: sk-a }
    model_info: { id: solo-broken }
general_settings: { master_key: ${MASTER}, background_health_checks: true, health_check_interval: 3600, enable_health_check_routing: ${routing} }
`;

beforeAll(async () => {
  dynamo = await startDynamo();
  broken = await startRecordingServer((_request, res) => sendJson(res, 500, { error: { message: 'The server had an error', type: 'server_error', param: null, code: null } }));
  healthy = await startRecordingServer((request, res) => completion(res, request.json));
  limited = await startRecordingServer((_request, res) => sendJson(res, 429, { error: { message: 'Rate limit reached', type: 'requests', param: null, code: 'rate_limit_exceeded' } }));
  checker = await openTestStore(dynamo.endpoint);
});
afterAll(async () => {
  for (const server of [broken, healthy, limited]) await server.close();
  await dynamo.close();
});

describe('the scheduled check steers another instance', () => {
  let gateway: KeysGateway;
  beforeAll(async () => {
    // The scheduled check, as the admin function runs it.
    const result = await scheduledHealthChecks(testConfig(config(true)), checker, recordingLog())(AbortSignal.timeout(30_000));
    expect(result).toEqual({ healthy: 1, unhealthy: 2 });
    gateway = await startKeysGateway(dynamo.endpoint, { config: config(true) });
  });
  afterAll(() => gateway.close());

  it('skips a deployment whose last check failed before any request fails on it', async () => {
    const probes = broken.requests.length;
    const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: MASTER, maxRetries: 0 });
    for (let i = 0; i < 10; i++) {
      const { response } = await client.chat.completions.create({ model: 'gpt-4o', messages: hi }).withResponse();
      expect(response.headers.get('x-litellm-model-id')).toBe('healthy');
    }
    expect(broken.requests.length).toBe(probes);
  });

  it('still routes a group whose every deployment failed its check (the upstream answers for itself)', async () => {
    const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: MASTER, maxRetries: 0 });
    const probes = broken.requests.length;
    await expect(client.chat.completions.create({ model: 'solo', messages: hi })).rejects.toMatchObject({ status: 502 });
    expect(broken.requests.length).toBeGreaterThan(probes);
  });

  it('shows each deployment’s health and cooldown in /model/info', async () => {
    const { body } = await gateway.call('GET', '/model/info');
    const byId = Object.fromEntries(body.data.map((d: any) => [d.model_info.id, d.model_info]));
    expect(byId['broken']).toMatchObject({ health_status: 'unhealthy', health_error: expect.stringContaining('error'), health_checked_at: expect.any(String), cooldown_until: null });
    expect(byId['healthy']).toMatchObject({ health_status: 'healthy', health_error: null });
    expect(Date.parse(byId['healthy'].health_checked_at)).toBeGreaterThan(Date.now() - 120_000);
  });
});

it('routes as before without enable_health_check_routing, the results still recorded', async () => {
  const gateway = await startKeysGateway(dynamo.endpoint, { config: config(false) });
  try {
    const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: MASTER, maxRetries: 0 });
    const probes = broken.requests.length;
    // By weight (1000 : 1) the broken deployment takes the first try; the retry lands on the other.
    await client.chat.completions.create({ model: 'gpt-4o', messages: hi });
    expect(broken.requests.length).toBeGreaterThan(probes);
    const { body } = await gateway.call('GET', '/model/info');
    expect(body.data.find((d: any) => d.model_info.id === 'broken').model_info.health_status).toBe('unhealthy');
  } finally {
    await gateway.close();
  }
});

it('GET /health records its results too, and with health_check_ignore_transient_errors a 429 is left out', async () => {
  const yaml = (ignore: boolean) => `
model_list:
  - model_name: busy
    litellm_params: { model: openai/gpt-4o, api_base: "${limited.url}/v1", api_key: sk-c }
    model_info: { id: busy-${ignore} }
general_settings: { master_key: ${MASTER}, health_check_ignore_transient_errors: ${ignore} }
`;
  const states = new DeploymentStates(checker);
  for (const ignore of [true, false]) {
    const settings = testConfig(yaml(ignore)).healthChecks;
    await checkDeployments(testConfig(yaml(ignore)).deployments, defaultProviders(), AbortSignal.timeout(30_000), states, settings, recordingLog());
  }
  const recorded = await new DeploymentStates(checker).healthOf(['busy-true', 'busy-false']);
  expect(recorded.has('busy-true')).toBe(false);
  expect(recorded.get('busy-false')).toMatchObject({ healthy: false });

  const gateway = await startKeysGateway(dynamo.endpoint, { config: yaml(false).replace('busy-false', 'busy-route') });
  try {
    const { body } = await gateway.call('GET', '/health');
    expect(body.unhealthy_count).toBe(1);
    expect((await new DeploymentStates(checker).healthOf(['busy-route'])).get('busy-route')).toMatchObject({ healthy: false, error: expect.stringContaining('Rate limit') });
  } finally {
    await gateway.close();
  }
});

it('under npm start, checks at once and then on the interval until stopped', async () => {
  const store = await openTestStore(dynamo.endpoint);
  const local = testConfig(config(true).replace(/id: (\w[\w-]*)/g, 'id: local-$1'));
  const stop = startBackgroundHealthChecks(local, store, recordingLog());
  try {
    const states = new DeploymentStates(checker);
    const recorded = await eventually(async () => {
      const found = await states.healthOf(['local-broken', 'local-healthy']);
      return found.size === 2 ? found : undefined;
    });
    expect(recorded.get('local-healthy')).toMatchObject({ healthy: true });
    expect(recorded.get('local-broken')).toMatchObject({ healthy: false });
  } finally {
    stop();
  }
});
