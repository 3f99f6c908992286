// LiteLLM's batch completions: `model: "a,b"` on /v1/chat/completions, driven by the official openai
// client (its raw response, since the answer is a list of chat.completion objects). Each model's call is
// authorized, admitted, routed and recorded on its own; a key not allowed one of the models is refused
// before any is called.
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import type { EmbeddedDynamo } from '../../local/embedded-dynamodb.ts';
import { eventually } from '../helpers/eventually.ts';
import { startFakeOpenAI } from '../helpers/fake-openai.ts';
import { MASTER, startDynamo, startKeysGateway, type KeysGateway } from '../helpers/identity.ts';
import type { RecordingServer } from '../helpers/recording-server.ts';

let dynamo: EmbeddedDynamo;
let openai: RecordingServer;
let gateway: KeysGateway;

beforeAll(async () => {
  dynamo = await startDynamo();
  openai = await startFakeOpenAI({ apiKey: 'sk-upstream', models: { 'gpt-4o-mini': { maxOutputTokens: 16_384, reasoning: false }, 'gpt-4o': { maxOutputTokens: 16_384, reasoning: false } } });
  const config = `
model_list:
  - model_name: small
    litellm_params: { model: openai/gpt-4o-mini, api_base: "${openai.url}/v1", api_key: sk-upstream }
  - model_name: large
    litellm_params: { model: openai/gpt-4o, api_base: "${openai.url}/v1", api_key: sk-upstream }
  - model_name: broken
    litellm_params: { model: openai/gpt-nonexistent, api_base: "${openai.url}/v1", api_key: sk-upstream }
general_settings: { master_key: ${MASTER} }
`;
  gateway = await startKeysGateway(dynamo.endpoint, { config, cacheSeconds: 0 });
});
afterAll(async () => {
  await gateway?.close();
  await openai?.close();
  await dynamo?.close();
});
beforeEach(() => void (openai.requests.length = 0));

const newKey = async (body: Record<string, unknown> = {}) => (await gateway.call('POST', '/key/generate', body)).body.key as string;
const client = (key: string) => new OpenAI({ apiKey: key, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
const ask = (key: string, model: string, extra: Record<string, unknown> = {}) =>
  client(key)
    .chat.completions.create({ model, messages: [{ role: 'user', content: 'Say hi' }], ...extra } as OpenAI.ChatCompletionCreateParamsNonStreaming)
    .asResponse();

it('answers with the list of each model group’s chat.completion, in the order named, each recorded and charged on its own', async () => {
  const key = await newKey();
  const response = await ask(key, 'small, large');
  expect(response.status).toBe(200);
  const answers = (await response.json()) as OpenAI.ChatCompletion[];
  expect(answers.map((answer) => [answer.object, answer.model])).toEqual([
    ['chat.completion', 'small'],
    ['chat.completion', 'large'],
  ]);
  expect(openai.requests.map((request) => request.json.model).sort()).toEqual(['gpt-4o', 'gpt-4o-mini']);
  // One spend record per model, each priced at its own model's rates.
  const logs = await eventually(async () => {
    const { body } = await gateway.call('GET', `/spend/logs?api_key=${key}`);
    return Array.isArray(body) && body.length === 2 ? (body as Array<{ model_group: string; spend: number; request_id: string }>) : undefined;
  });
  expect(logs.map((log) => log.model_group).sort()).toEqual(['large', 'small']);
  expect(logs.every((log) => log.spend > 0)).toBe(true);
  expect(new Set(logs.map((log) => log.request_id)).size).toBe(2);
  const spend = (await gateway.call('GET', `/key/info?key=${key}`)).body.info.spend as number;
  expect(spend).toBeCloseTo(logs[0]!.spend + logs[1]!.spend, 10);
});

it('refuses the whole batch, before calling any model, when the key may not call one of them', async () => {
  const key = await newKey({ models: ['small'] });
  const error = await ask(key, 'small,large').catch((e: unknown) => e);
  expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
  expect((error as InstanceType<typeof OpenAI.APIError>).message).toMatch(/large/);
  expect(openai.requests).toHaveLength(0);
});

it("puts a failed model's error, in OpenAI's shape, in its place; the others' answers stand", async () => {
  const key = await newKey();
  const answers = (await (await ask(key, 'small,broken')).json()) as Array<Record<string, any>>;
  expect(answers[0]).toMatchObject({ object: 'chat.completion', model: 'small' });
  expect(answers[1]).toMatchObject({ error: { message: expect.stringContaining('gpt-nonexistent'), type: expect.any(String), code: expect.any(String) } });
});

it('refuses streaming, an empty name and too many models, in OpenAI’s error shape', async () => {
  const key = await newKey();
  const streamed = await client(key)
    .chat.completions.create({ model: 'small,large', messages: [{ role: 'user', content: 'hi' }], stream: true })
    .catch((e: unknown) => e);
  expect(streamed).toBeInstanceOf(OpenAI.BadRequestError);
  expect((streamed as InstanceType<typeof OpenAI.APIError>).message).toMatch(/stream: false/);
  const empty = await ask(key, 'small,,large').catch((e: unknown) => e);
  expect(empty).toBeInstanceOf(OpenAI.BadRequestError);
  expect((empty as InstanceType<typeof OpenAI.APIError>).error).toMatchObject({ param: 'model', type: 'invalid_request_error' });
  const many = await ask(key, Array(11).fill('small').join(',')).catch((e: unknown) => e);
  expect(many).toBeInstanceOf(OpenAI.BadRequestError);
  expect(openai.requests).toHaveLength(0);
});
