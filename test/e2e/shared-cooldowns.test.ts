// Router state shared across instances: two gateways on one table (dynalite), as two Lambda instances
// are. A deployment that rate-limits the first is skipped by the second, which never saw it fail.
import type { ServerResponse } from 'node:http';
import OpenAI from 'openai';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { EmbeddedDynamo } from '../../local/embedded-dynamodb.ts';
import { MASTER, startDynamo, startKeysGateway, type KeysGateway } from '../helpers/identity.ts';
import { sendJson, startRecordingServer, type RecordingServer } from '../helpers/recording-server.ts';

let dynamo: EmbeddedDynamo;
let limited: RecordingServer;
let healthy: RecordingServer;
const gateways: KeysGateway[] = [];
const hi = [{ role: 'user' as const, content: 'Hi' }];

function completion(res: ServerResponse, body: any): void {
  sendJson(res, 200, {
    id: 'chatcmpl-shared',
    object: 'chat.completion',
    created: 1,
    model: body.model,
    choices: [{ index: 0, message: { role: 'assistant', content: 'ok', refusal: null }, logprobs: null, finish_reason: 'stop' }],
    usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
  });
}

beforeAll(async () => {
  dynamo = await startDynamo();
  limited = await startRecordingServer((_request, res) =>
    sendJson(res, 429, { error: { message: 'Rate limit reached', type: 'requests', param: null, code: 'rate_limit_exceeded' } }, { 'retry-after': '30' }),
  );
  healthy = await startRecordingServer((request, res) => completion(res, request.json));
  // The rate-limited deployment takes nearly all the traffic by weight, so only a shared cooldown keeps it out.
  const config = `
model_list:
  - model_name: gpt-4o
    litellm_params: { model: openai/gpt-4o, api_base: "${limited.url}/v1", api_key: sk-a, weight: 1000 }
    model_info: { id: limited }
  - model_name: gpt-4o
    litellm_params: { model: openai/gpt-4o, api_base: "${healthy.url}/v1", api_key: sk-b, weight: 1 }
    model_info: { id: healthy }
router_settings: { cooldown_time: 60 }
general_settings: { master_key: ${MASTER} }
`;
  for (let i = 0; i < 2; i++) gateways.push(await startKeysGateway(dynamo.endpoint, { config }));
});
afterAll(async () => {
  for (const gateway of gateways) await gateway.close();
  for (const server of [limited, healthy]) await server.close();
  await dynamo.close();
});

it('skips on a second instance a deployment the first one cooled down', async () => {
  const [first, second] = gateways.map((gateway) => new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: MASTER, maxRetries: 0 }));
  // The first instance meets the 429, cools the deployment down and retries on the other one.
  await first!.chat.completions.create({ model: 'gpt-4o', messages: hi });
  expect(limited.requests).toHaveLength(1);
  expect(healthy.requests).toHaveLength(1);

  for (let i = 0; i < 10; i++) {
    const { response } = await second!.chat.completions.create({ model: 'gpt-4o', messages: hi }).withResponse();
    expect(response.headers.get('x-litellm-model-id')).toBe('healthy');
  }
  expect(limited.requests).toHaveLength(1);
});
