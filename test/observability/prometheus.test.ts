// GET /metrics with the `prometheus` callback, read by a Prometheus text-format parser: LiteLLM's
// metric names and labels for successes, failures, deployments and budgets; a model name the config
// does not serve adds no series; require_auth_for_metrics_endpoint puts it behind the master key.
import { createHash } from 'node:crypto';
import parsePrometheusTextFormat, { type PrometheusFamily } from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedDynamo } from '../../local/embedded-dynamodb.ts';
import { eventually } from '../helpers/eventually.ts';
import { chat, MASTER, startDynamo, startKeysGateway, type KeysGateway } from '../helpers/identity.ts';
import { sendJson, startRecordingServer, type RecordingServer } from '../helpers/recording-server.ts';

let dynamo: EmbeddedDynamo;
let failing: RecordingServer;
let gateway: KeysGateway;

beforeAll(async () => {
  dynamo = await startDynamo();
  failing = await startRecordingServer((_request, res) => sendJson(res, 503, { error: { message: 'overloaded', type: 'server_error', param: null, code: null } }));
  gateway = await startKeysGateway(dynamo.endpoint, {
    config: `
model_list:
  - model_name: mock
    litellm_params: { model: mock/echo }
  - model_name: broken
    litellm_params: { model: openai/gpt-4o, api_base: ${failing.url}/v1, api_key: sk-upstream }
router_settings: { num_retries: 0 }
litellm_settings:
  callbacks: ["prometheus"]
  require_auth_for_metrics_endpoint: true
general_settings: { master_key: ${MASTER} }
`,
  });
});
afterAll(async () => {
  await gateway.close();
  await Promise.all([failing.close(), dynamo.close()]);
});

async function scrape(): Promise<PrometheusFamily[]> {
  const response = await fetch(`${gateway.url}/metrics`, { headers: { authorization: `Bearer ${MASTER}` } });
  expect(response.status).toBe(200);
  return parsePrometheusTextFormat(await response.text());
}

function value(families: PrometheusFamily[], name: string, labels: Record<string, string>): number | undefined {
  const sample = families.find((family) => family.name === name)?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  return sample?.value === undefined ? undefined : Number(sample.value);
}

/** The request's access log line is written after every after-response hook: then its metrics are in. */
async function finished(response: Response): Promise<void> {
  const id = response.headers.get('x-tollgate-request-id');
  await eventually(() => gateway.log.lines.find((line) => line.message === 'request' && line.fields?.['requestId'] === id));
}

describe('GET /metrics', () => {
  it('needs the master key with require_auth_for_metrics_endpoint', async () => {
    expect((await fetch(`${gateway.url}/metrics`)).status).toBe(401);
  });

  it("counts a virtual key's requests, tokens and budget under LiteLLM's labels", async () => {
    const { body: key } = await gateway.call('POST', '/key/generate', { key_alias: 'metrics-key', max_budget: 10 });
    const hash = createHash('sha256').update(key.key).digest('hex');
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key.key}`, 'content-type': 'application/json' },
      body: JSON.stringify(chat('mock')),
    });
    const { usage } = (await response.json()) as any;
    await finished(response);
    const families = await scrape();
    const caller = { hashed_api_key: hash, api_key_alias: 'metrics-key' };
    expect(value(families, 'litellm_proxy_total_requests_metric_total', { ...caller, requested_model: 'mock', status_code: '200' })).toBe(1);
    expect(value(families, 'litellm_requests_metric_total', { ...caller, model: 'echo' })).toBe(1);
    expect(value(families, 'litellm_input_tokens_total', { ...caller, requested_model: 'mock' })).toBe(usage.prompt_tokens);
    expect(value(families, 'litellm_output_tokens_total', { ...caller, requested_model: 'mock' })).toBe(usage.completion_tokens);
    expect(value(families, 'litellm_deployment_success_responses_total', { ...caller, requested_model: 'mock', api_provider: 'mock' })).toBe(1);
    expect(value(families, 'litellm_deployment_state', { litellm_model_name: 'echo', api_provider: 'mock' })).toBe(0);
    expect(value(families, 'litellm_api_key_max_budget_metric', caller)).toBe(10);
    expect(value(families, 'litellm_remaining_api_key_budget_metric', caller)).toBe(10);
    expect(JSON.stringify(families)).not.toContain(key.key);
  });

  it('counts a failed request, its failed deployment call, and marks the deployment', async () => {
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${MASTER}`, 'content-type': 'application/json' },
      body: JSON.stringify(chat('broken')),
    });
    expect(response.status).toBe(503);
    await response.text();
    await finished(response);
    const families = await scrape();
    expect(value(families, 'litellm_proxy_failed_requests_metric_total', { requested_model: 'broken', exception_status: '503', exception_class: 'service_unavailable_error' })).toBe(1);
    expect(value(families, 'litellm_proxy_total_requests_metric_total', { requested_model: 'broken', status_code: '503' })).toBe(1);
    expect(value(families, 'litellm_deployment_failure_responses_total', { requested_model: 'broken', api_provider: 'openai', exception_status: '503' })).toBe(1);
    expect(value(families, 'litellm_deployment_state', { litellm_model_name: 'gpt-4o', api_provider: 'openai' })).toBe(1);
    expect(value(families, 'litellm_requests_metric_total', { model: 'gpt-4o' })).toBeUndefined();
  });

  it('counts names the config does not serve under one label, however many there are', async () => {
    for (const model of ['made-up-1', 'made-up-2']) {
      const response = await fetch(`${gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${MASTER}`, 'content-type': 'application/json' },
        body: JSON.stringify(chat(model)),
      });
      expect(response.status).toBe(400);
      await response.text();
      await finished(response);
    }
    const text = JSON.stringify(await scrape());
    expect(text).not.toContain('made-up');
    expect(value(await scrape(), 'litellm_proxy_total_requests_metric_total', { requested_model: '(not served)', status_code: '400' })).toBe(2);
  });
});
