// sagemaker/ (a Hugging Face text-generation container) and sagemaker_chat/ (a Messages API container)
// through the local gateway, driven by the official `openai` client; the gateway reaches the fake
// SageMaker Runtime through the AWS SDK, signed with the configured keys (SigV4, service sagemaker).
import OpenAI from 'openai';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sigV4Scope } from '../helpers/fake-bedrock.ts';
import { startFakeSageMaker } from '../helpers/fake-sagemaker.ts';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';
import type { RecordingServer } from '../helpers/recording-server.ts';

const MASTER = 'sk-test-master';
let sagemaker: RecordingServer;
let gateway: TestGateway;
let client: OpenAI;

beforeAll(async () => {
  sagemaker = await startFakeSageMaker();
  const aws = `api_base: "${sagemaker.url}", aws_region_name: eu-west-1, aws_access_key_id: AKIDFAKE, aws_secret_access_key: fake-secret-key`;
  gateway = await startGateway(`
model_list:
  - model_name: tgi
    litellm_params: { model: sagemaker/my-tgi-endpoint, ${aws}, input_cost_per_token: 0.000001, output_cost_per_token: 0.000002 }
  - model_name: tgi-chat
    litellm_params: { model: sagemaker_chat/my-messages-endpoint, ${aws} }
  - model_name: gone
    litellm_params: { model: sagemaker_chat/missing, ${aws} }
general_settings: { master_key: ${MASTER} }
router_settings: { num_retries: 0 }
`);
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: MASTER, maxRetries: 0 });
});
afterAll(async () => {
  await gateway.close();
  await sagemaker.close();
});

const hi = (text: string) => [{ role: 'user' as const, content: text }];

it('sagemaker/: InvokeEndpoint on the endpoint named, signed for sagemaker in the region, TGI body and answer', async () => {
  const { data: answer, response } = await client.chat.completions.create({ model: 'tgi', messages: hi('[[say Hello from TGI]]'), max_tokens: 30, temperature: 0.2, stop: ['END'] }).withResponse();
  expect(answer.choices[0]).toMatchObject({ message: { content: 'Hello from TGI' }, finish_reason: 'stop' });
  expect(answer.usage!.completion_tokens).toBeGreaterThan(0);
  expect(Number(response.headers.get('x-litellm-response-cost'))).toBeGreaterThan(0);
  const sent = sagemaker.requests.at(-1)!;
  expect(sent.url).toBe('/endpoints/my-tgi-endpoint/invocations');
  expect(sigV4Scope(sent.headers['authorization'])).toEqual({ region: 'eu-west-1', service: 'sagemaker' });
  expect(String(sent.headers['authorization'])).toContain('Credential=AKIDFAKE/');
  expect(sent.json).toEqual({ inputs: '[[say Hello from TGI]]', parameters: { details: true, max_new_tokens: 30, temperature: 0.2, stop: ['END'] } });
});

it('sagemaker/: streams tokens from InvokeEndpointWithResponseStream as chunks, usage last', async () => {
  const stream = await client.chat.completions.create({ model: 'tgi', messages: hi('[[say streamed by TGI]]'), stream: true, stream_options: { include_usage: true } });
  let text = '';
  let usage: OpenAI.CompletionUsage | null | undefined;
  for await (const chunk of stream) {
    text += chunk.choices[0]?.delta.content ?? '';
    usage = chunk.usage ?? usage;
  }
  expect(text).toBe('streamed by TGI');
  expect(usage!.completion_tokens).toBeGreaterThan(0);
  expect(sagemaker.requests.at(-1)!.url).toBe('/endpoints/my-tgi-endpoint/invocations-response-stream');
});

it("sagemaker_chat/: OpenAI's body to the Messages API container, whole and streamed", async () => {
  const answer = await client.chat.completions.create({ model: 'tgi-chat', messages: hi('[[say Hello from Messages API]]'), max_tokens: 20 });
  expect(answer.choices[0]!.message.content).toBe('Hello from Messages API');
  expect(answer.model).toBe('tgi-chat');
  expect(sagemaker.requests.at(-1)).toMatchObject({
    url: '/endpoints/my-messages-endpoint/invocations',
    json: { model: 'my-messages-endpoint', max_tokens: 20, messages: hi('[[say Hello from Messages API]]') },
  });

  let text = '';
  for await (const chunk of await client.chat.completions.create({ model: 'tgi-chat', messages: hi('[[say streamed chat]]'), stream: true })) text += chunk.choices[0]?.delta.content ?? '';
  expect(text).toBe('streamed chat');
  expect(sagemaker.requests.at(-1)!.json).toMatchObject({ stream: true, stream_options: { include_usage: true } });
});

it("passes SageMaker's refusal on as the client's 400, without the secret key", async () => {
  const error = await client.chat.completions.create({ model: 'gone', messages: hi('hi') }).catch((e: InstanceType<typeof OpenAI.APIError>) => e);
  expect(error).toMatchObject({ status: 400, message: expect.stringContaining('ValidationError') });
  expect(JSON.stringify(error)).not.toContain('fake-secret-key');
});
