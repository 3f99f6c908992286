// GET /active/callbacks (LiteLLM's check of what acts on each call) and POST /config/update (refused:
// the config is part of the deployment), driven over HTTP with the master key and with users' keys,
// as LiteLLM's test_callbacks_on_proxy.py calls them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedDynamo } from '../../local/embedded-dynamodb.ts';
import { MASTER, startDynamo, startKeysGateway, type KeysGateway } from '../helpers/identity.ts';

let dynamo: EmbeddedDynamo;
let gateway: KeysGateway;

beforeAll(async () => {
  dynamo = await startDynamo();
  gateway = await startKeysGateway(dynamo.endpoint, {
    config: `
model_list:
  - model_name: mock
    litellm_params: { model: mock/echo }
litellm_settings:
  callbacks: ["prometheus"]
guardrails:
  - guardrail_name: no-secrets
    litellm_params: { guardrail: litellm_content_filter, mode: pre_call, patterns: [{ pattern_type: prebuilt, pattern_name: email, action: BLOCK }] }
general_settings: { master_key: ${MASTER}, alert_webhook_url: "http://127.0.0.1:9/alerts" }
`,
  });
});
afterAll(async () => {
  await gateway?.close();
  await dynamo?.close();
});

async function keyOfRole(role: string): Promise<string> {
  const user = (await gateway.call('POST', '/user/new', { user_role: role })).body;
  return user.key;
}

describe('GET /active/callbacks', () => {
  it("lists, in LiteLLM's keys, what acts on each call: the logging callbacks, the guardrails, spend tracking", async () => {
    for (const path of ['/active/callbacks', '/settings']) {
      const { status, body } = await gateway.call('GET', path);
      expect(status).toBe(200);
      expect(body['litellm.success_callback']).toEqual(['prometheus']);
      expect(body['litellm.failure_callback']).toEqual(['prometheus']);
      expect(body['litellm.callbacks']).toEqual(['spend_tracking', 'rate_limits', 'no-secrets']);
      expect(body.all_litellm_callbacks).toEqual(['spend_tracking', 'rate_limits', 'no-secrets', 'prometheus']);
      expect(body.num_callbacks).toBe(4);
      expect(body).toMatchObject({ alerting: ['webhook'], num_alerting: 1, 'litellm.input_callback': [] });
    }
  });

  it("is an admin's read: a proxy_admin_viewer may, an internal user may not", async () => {
    expect((await gateway.call('GET', '/active/callbacks', undefined, await keyOfRole('proxy_admin_viewer'))).status).toBe(200);
    expect((await gateway.call('GET', '/active/callbacks', undefined, await keyOfRole('internal_user'))).status).toBe(401);
  });
});

describe('POST /config/update', () => {
  it('refuses, naming why and what to do instead, and only for an admin', async () => {
    const refused = await gateway.call('POST', '/config/update', { router_settings: { routing_strategy: 'latency-based-routing' } });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toContain('the config file is part of the deployment');
    expect(refused.body.error.message).toContain('/model/new');
    expect((await gateway.call('POST', '/config/update', {}, await keyOfRole('internal_user'))).status).toBe(401);
  });
});
