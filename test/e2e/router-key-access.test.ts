// Client-sent fallbacks name models just as `model` does: a virtual key may only fall back to models
// it may call, while the config's fallbacks (the operator's choice) apply to every key.
import OpenAI from 'openai';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { EmbeddedDynamo } from '../../local/embedded-dynamodb.ts';
import { MASTER, startDynamo, startKeysGateway, type KeysGateway } from '../helpers/identity.ts';

let dynamo: EmbeddedDynamo;
let gw: KeysGateway;

beforeAll(async () => {
  dynamo = await startDynamo();
  gw = await startKeysGateway(dynamo.endpoint, {
    config: `
model_list:
  - model_name: primary
    litellm_params: { model: openai/x, api_base: "http://127.0.0.1:1/v1", api_key: sk-nothing-listens-here }
  - model_name: allowed
    litellm_params: { model: mock/echo }
  - model_name: forbidden
    litellm_params: { model: mock/echo }
router_settings: { num_retries: 0, fallbacks: [{ primary: [forbidden] }] }
general_settings: { master_key: ${MASTER} }
`,
  });
});
afterAll(async () => {
  await gw.close();
  await dynamo.close();
});

it("refuses a request whose own fallbacks name a model the key may not call, and keeps the config's fallbacks", async () => {
  const { body } = await gw.call('POST', '/key/generate', { models: ['primary', 'allowed'] });
  const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: body.key, maxRetries: 0 });
  const ask = (extra: Record<string, unknown>) =>
    client.chat.completions.create({ model: 'primary', messages: [{ role: 'user', content: 'Hi' }], ...extra } as OpenAI.ChatCompletionCreateParamsNonStreaming).withResponse();

  await expect(ask({ fallbacks: ['forbidden'] })).rejects.toMatchObject({ status: 401, message: expect.stringContaining('forbidden') });
  await expect(ask({ context_window_fallbacks: [{ primary: ['forbidden'] }] })).rejects.toMatchObject({ status: 401 });
  await expect(client.embeddings.create({ model: 'primary', input: 'Hi', fallbacks: ['forbidden'] } as OpenAI.EmbeddingCreateParams)).rejects.toMatchObject({ status: 401 });
  // `primary` cannot be reached, so each request below falls back.
  const allowed = await ask({ fallbacks: ['allowed'] });
  expect(allowed.data.choices[0]!.message.content).toContain('Hi');
  expect(allowed.response.headers.get('x-litellm-attempted-fallbacks')).toBe('1');

  // The config's fallback is the operator's: it applies to this key too.
  const configured = await ask({});
  expect(configured.response.headers.get('x-litellm-attempted-fallbacks')).toBe('1');
  expect(configured.data.choices[0]!.message.content).toContain('Hi');
});
