// LiteLLM's region-based routing: an end user (customer) with `allowed_model_region` is served only by
// deployments in that region (`litellm_params.region_name`, or the provider's region), and every answer
// names the deployment's region in `x-litellm-model-region`. Driven over HTTP with the end user in the
// body's `user`, as LiteLLM's test_end_users.py does.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { EmbeddedDynamo } from '../../local/embedded-dynamodb.ts';
import { MASTER, startDynamo, startKeysGateway, type KeysGateway } from '../helpers/identity.ts';

let dynamo: EmbeddedDynamo;
let gateway: KeysGateway;

beforeAll(async () => {
  dynamo = await startDynamo();
  gateway = await startKeysGateway(dynamo.endpoint, {
    config: `
model_list:
  - model_name: chat
    litellm_params: { model: mock/echo, region_name: eu }
    model_info: { id: in-eu }
  - model_name: chat
    litellm_params: { model: mock/echo, region_name: us-east-1 }
    model_info: { id: in-us }
  - model_name: us-only
    litellm_params: { model: mock/echo, region_name: us }
general_settings: { master_key: ${MASTER} }
`,
  });
});
afterAll(async () => {
  await gateway?.close();
  await dynamo?.close();
});

async function ask(model: string, user?: string): Promise<Response> {
  return fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${MASTER}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }], ...(user && { user }) }),
  });
}

it('sends an end user only to deployments in its allowed_model_region, naming the region in x-litellm-model-region', async () => {
  const made = await gateway.call('POST', '/customer/new', { user_id: 'eu-customer', allowed_model_region: 'eu' });
  expect(made.status).toBe(200);
  expect(made.body.warnings).toBeUndefined();
  await gateway.call('POST', '/customer/new', { user_id: 'us-customer', allowed_model_region: 'us' });
  for (let i = 0; i < 8; i++) {
    const eu = await ask('chat', 'eu-customer');
    expect(eu.status).toBe(200);
    expect([eu.headers.get('x-litellm-model-id'), eu.headers.get('x-litellm-model-region')]).toEqual(['in-eu', 'eu']);
    const us = await ask('chat', 'us-customer');
    expect([us.headers.get('x-litellm-model-id'), us.headers.get('x-litellm-model-region')]).toEqual(['in-us', 'us-east-1']);
  }
});

it('refuses an end user a model with no deployment in its region, and lets others use it', async () => {
  const refused = await ask('us-only', 'eu-customer');
  expect(refused.status).toBe(400);
  expect(((await refused.json()) as any).error.message).toContain('allowed_model_region "eu"');
  const anyone = await ask('us-only', 'someone-else');
  expect(anyone.status).toBe(200);
  expect(anyone.headers.get('x-litellm-model-region')).toBe('us');
});

it('follows a change of the customer (the cached record expires)', async () => {
  await gateway.call('POST', '/customer/update', { user_id: 'eu-customer', allowed_model_region: 'us' });
  let region: string | null = null;
  for (let i = 0; i < 60 && region !== 'us'; i++) {
    region = (await ask('us-only', 'eu-customer')).headers.get('x-litellm-model-region');
    if (region !== 'us') await new Promise((resolve) => setTimeout(resolve, 250));
  }
  expect(region).toBe('us');
});
