// LiteLLM's Bedrock pass-through for Claude (/bedrock/model/{model}/invoke and
// /invoke-with-response-stream), driven by the AWS SDK's Bedrock Runtime client pointed at
// <gateway>/bedrock, as Claude Code on Bedrock calls it with CLAUDE_CODE_SKIP_BEDROCK_AUTH and the
// gateway key in a header: the virtual key authenticates, its rpm_limit holds, calls are charged, and
// the stream is Bedrock's event stream, which the SDK decodes.
import { BedrockRuntimeClient, InvokeModelCommand, InvokeModelWithResponseStreamCommand } from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { EmbeddedDynamo } from '../../local/embedded-dynamodb.ts';
import { eventually } from '../helpers/eventually.ts';
import { startFakeAnthropic } from '../helpers/fake-anthropic.ts';
import { MASTER, startDynamo, startKeysGateway, type KeysGateway } from '../helpers/identity.ts';
import type { RecordingServer } from '../helpers/recording-server.ts';

const BEDROCK_ID = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
let dynamo: EmbeddedDynamo;
let anthropic: RecordingServer;
let gateway: KeysGateway;

beforeAll(async () => {
  dynamo = await startDynamo();
  anthropic = await startFakeAnthropic({ apiKey: 'sk-ant-upstream', models: { 'claude-sonnet-4-5-20250929': 64_000 } });
  const config = `
model_list:
  - model_name: "${BEDROCK_ID}"
    litellm_params: { model: anthropic/claude-sonnet-4-5-20250929, api_base: "${anthropic.url}", api_key: sk-ant-upstream }
general_settings: { master_key: ${MASTER} }
`;
  gateway = await startKeysGateway(dynamo.endpoint, { config, cacheSeconds: 0 });
});
afterAll(async () => {
  await gateway?.close();
  await anthropic?.close();
  await dynamo?.close();
});

/** The SDK's client (over HTTP/1.1, as the gateway serves) with the gateway key in x-litellm-api-key instead of a SigV4 signature (Claude Code's CLAUDE_CODE_SKIP_BEDROCK_AUTH). */
function bedrock(key: string): BedrockRuntimeClient {
  const client = new BedrockRuntimeClient({
    endpoint: `${gateway.url}/bedrock`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'fake' },
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler(),
  });
  client.middlewareStack.add(
    (next) => async (args: any) => {
      delete args.request.headers['authorization'];
      args.request.headers['x-litellm-api-key'] = key;
      return next(args);
    },
    { step: 'deserialize', name: 'gatewayKey' },
  );
  return client;
}

const body = (text: string) => JSON.stringify({ anthropic_version: 'bedrock-2023-05-31', max_tokens: 64, messages: [{ role: 'user', content: text }] });
const spendOf = async (key: string) => (await gateway.call('GET', `/key/info?key=${key}`)).body.info.spend as number;

it('answers InvokeModel with the Anthropic message, charged to the key', async () => {
  const { key } = (await gateway.call('POST', '/key/generate', {})).body;
  const answer = await bedrock(key).send(new InvokeModelCommand({ modelId: BEDROCK_ID, contentType: 'application/json', body: body('Hi') }));
  const message = JSON.parse(Buffer.from(answer.body).toString('utf8'));
  expect(message).toMatchObject({ type: 'message', role: 'assistant', content: [{ type: 'text' }] });
  expect(anthropic.requests.at(-1)!.json).toMatchObject({ model: 'claude-sonnet-4-5-20250929', max_tokens: 64 });
  expect(anthropic.requests.at(-1)!.json).not.toHaveProperty('anthropic_version');
  await eventually(async () => ((await spendOf(key)) > 0 ? true : undefined));
});

it("streams InvokeModelWithResponseStream as Bedrock's event stream of Anthropic events, charged to the key", async () => {
  const { key } = (await gateway.call('POST', '/key/generate', {})).body;
  const answer = await bedrock(key).send(new InvokeModelWithResponseStreamCommand({ modelId: BEDROCK_ID, contentType: 'application/json', body: body('Count to three') }));
  const events: any[] = [];
  for await (const part of answer.body!) if (part.chunk?.bytes) events.push(JSON.parse(Buffer.from(part.chunk.bytes).toString('utf8')));
  expect(events[0].type).toBe('message_start');
  expect(events.map((event) => event.type)).toContain('content_block_delta');
  expect(events.at(-1).type).toBe('message_stop');
  await eventually(async () => ((await spendOf(key)) > 0 ? true : undefined));
});

it("holds the key's rpm_limit and refuses a call without a key", async () => {
  const { key } = (await gateway.call('POST', '/key/generate', { rpm_limit: 1 })).body;
  await bedrock(key).send(new InvokeModelCommand({ modelId: BEDROCK_ID, contentType: 'application/json', body: body('Hi') }));
  await expect(bedrock(key).send(new InvokeModelCommand({ modelId: BEDROCK_ID, contentType: 'application/json', body: body('Hi') }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 429 } });
  const anonymous = await fetch(`${gateway.url}/bedrock/model/${encodeURIComponent(BEDROCK_ID)}/invoke`, { method: 'POST', body: body('Hi') });
  expect(anonymous.status).toBe(401);
  expect(await anonymous.json()).toMatchObject({ message: expect.stringContaining('No API key') });
});
