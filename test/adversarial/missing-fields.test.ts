// An upstream answer without a field the gateway's translation reads is that upstream's 502, whose
// message names the provider and the field: for every provider family, whole and streamed (the broken
// event first, so the stream has not started), embeddings and token counts too. Through the official
// openai and Anthropic clients, against fake upstreams speaking each provider's wire format.
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtures } from '../helpers/fixtures.ts';
import { sendBedrockJson, sendEventStream, startFakeBedrock, type FakeBedrock, type StreamFrame } from '../helpers/fake-bedrock.ts';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';
import { sendJson, sendSse, startRecordingServer, type RecordingServer } from '../helpers/recording-server.ts';
import { serviceAccount, startTokenEndpoint, type TokenEndpoint } from '../providers/vertex-ai/support.ts';

const MASTER = 'sk-missing-fields-master';
const openaiFixtures = fixtures('openai');
const anthropicFixtures = fixtures('anthropic');
const geminiFixtures = fixtures('gemini');
const bedrockFixtures = fixtures('bedrock');
const vertexFixtures = fixtures('vertex-ai');

let upstream: RecordingServer;
let tokens: TokenEndpoint;
let bedrock: FakeBedrock;
let gateway: TestGateway;

beforeAll(async () => {
  [upstream, tokens, bedrock] = await Promise.all([startRecordingServer(), startTokenEndpoint(), startFakeBedrock()]);
  const vertex = (model: string) => `{ model: vertex_ai/${model}, vertex_project: p, vertex_location: us-east5, vertex_credentials: os.environ/VERTEX_CREDENTIALS, api_base: ${upstream.url} }`;
  gateway = await startGateway(
    `
model_list:
  - model_name: gpt
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${upstream.url}/v1, api_key: sk-upstream-openai }
  - model_name: openai-embed
    litellm_params: { model: openai/text-embedding-3-small, api_base: ${upstream.url}/v1, api_key: sk-upstream-openai }
  - model_name: claude
    litellm_params: { model: anthropic/claude-sonnet-4-5, api_base: ${upstream.url}, api_key: sk-ant-upstream }
  - model_name: gemini
    litellm_params: { model: gemini/gemini-2.5-flash, api_base: ${upstream.url}, api_key: AIzaSyMissingFields-0123456789abcdefgh }
  - model_name: gemini-embed
    litellm_params: { model: gemini/gemini-embedding-001, api_base: ${upstream.url}, api_key: AIzaSyMissingFields-0123456789abcdefgh }
  - model_name: vertex-gemini
    litellm_params: ${vertex('gemini-2.5-pro')}
  - model_name: vertex-claude
    litellm_params: ${vertex('claude-sonnet-4-5@20250929')}
  - model_name: vertex-embed
    litellm_params: ${vertex('text-embedding-005')}
  - model_name: bedrock
    litellm_params: { model: bedrock/us.anthropic.claude-sonnet-4-5-20250929-v1:0, api_base: ${bedrock.url}, aws_region_name: us-east-1 }
  - model_name: bedrock-embed
    litellm_params: { model: bedrock/amazon.titan-embed-text-v2:0, api_base: ${bedrock.url}, aws_region_name: us-east-1 }
router_settings: { num_retries: 0, allowed_fails: 1000 }
general_settings: { master_key: ${MASTER} }
`,
    { VERTEX_CREDENTIALS: JSON.stringify(serviceAccount(tokens.tokenUri).json) },
  );
});
afterAll(async () => {
  await gateway.close();
  await Promise.all([upstream.close(), tokens.close(), bedrock.close()]);
});

const openai = () => new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: MASTER, maxRetries: 0 });
const anthropic = () => new Anthropic({ baseURL: gateway.url, apiKey: MASTER, maxRetries: 0 });
const hi = [{ role: 'user' as const, content: 'Hi' }];

const answering = (body: unknown) => upstream.respond((_r, res) => sendJson(res, 200, body));
const streaming = (frames: string[]) => upstream.respond((_r, res) => sendSse(res, frames));
/** An SSE frame's data, changed by `edit`. */
const editedFrame = (frame: string, edit: (data: any) => void) =>
  frame.replace(/^data: (.*)$/m, (_line, data: string) => {
    const parsed = JSON.parse(data);
    edit(parsed);
    return `data: ${JSON.stringify(parsed)}`;
  });

/** The error a call ends with, reading a stream to its end; fails the test if it succeeds. */
async function failure(call: Promise<unknown>): Promise<any> {
  try {
    const result = await call;
    if (result && typeof result === 'object' && Symbol.asyncIterator in result) for await (const _ of result as AsyncIterable<unknown>);
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

/** A 502 from the openai client whose message names the provider and says the field is missing. */
function expectMissing(error: any, provider: string, field: string): void {
  expect(error).toBeInstanceOf(OpenAI.APIError);
  expect(error.status).toBe(502);
  expect(error.error).toMatchObject({ type: 'api_error', message: expect.stringMatching(new RegExp(`^${provider} .*: ${field.replace(/[.[\]]/g, '\\$&')} is missing\\.$`)) });
}

/** The same through the Anthropic client, in Anthropic's error shape. */
function expectMissingAnthropic(error: any, provider: string, field: string): void {
  expect(error).toBeInstanceOf(Anthropic.APIError);
  expect(error.status).toBe(502);
  expect(error.error).toMatchObject({ type: 'error', error: { type: 'api_error', message: expect.stringContaining(`${field} is missing`) } });
  expect(error.error.error.message).toMatch(new RegExp(`^${provider} `));
}

describe('OpenAI-compatible', () => {
  it('a tool call without its function name, a chunk without its delta, an embedding without its vector', async () => {
    const completion = openaiFixtures.fixtureJson('tool-call-completion.json');
    delete completion.choices[0].message.tool_calls[0].function.name;
    answering(completion);
    expectMissing(await failure(openai().chat.completions.create({ model: 'gpt', messages: hi })), 'openai', 'choices[0].message.tool_calls[0].function.name');

    const frames = openaiFixtures.sseFrames('chat-stream.sse');
    streaming([editedFrame(frames[0]!, (chunk) => delete chunk.choices[0].delta), ...frames.slice(1)]);
    expectMissing(await failure(openai().chat.completions.create({ model: 'gpt', messages: hi, stream: true })), 'openai', 'choices[0].delta');

    answering({ object: 'list', model: 'text-embedding-3-small', data: [{ object: 'embedding', index: 0 }], usage: { prompt_tokens: 1, total_tokens: 1 } });
    expectMissing(await failure(openai().embeddings.create({ model: 'openai-embed', input: 'Hi' })), 'openai', 'data[0].embedding');
  });
});

describe('Anthropic', () => {
  it('a text block without its text, translated for chat and passed on to /v1/messages', async () => {
    const message = anthropicFixtures.fixtureJson('message-text.json');
    delete message.content[0].text;
    answering(message);
    expectMissing(await failure(openai().chat.completions.create({ model: 'claude', messages: hi })), 'anthropic', 'content[0].text');
    expectMissingAnthropic(await failure(anthropic().messages.create({ model: 'claude', max_tokens: 5, messages: hi })), 'anthropic', 'content[0].text');
  });

  it('a message_start without the message id, streamed to either client; a token count without input_tokens', async () => {
    const frames = anthropicFixtures.sseFrames('stream-text.sse');
    streaming([editedFrame(frames[0]!, (event) => delete event.message.id), ...frames.slice(1)]);
    expectMissing(await failure(openai().chat.completions.create({ model: 'claude', messages: hi, stream: true })), 'anthropic', 'message.id');
    expectMissingAnthropic(await failure(anthropic().messages.create({ model: 'claude', max_tokens: 5, messages: hi, stream: true })), 'anthropic', 'message.id');

    answering({ tokens: 12 });
    expectMissingAnthropic(await failure(anthropic().messages.countTokens({ model: 'claude', messages: hi })), 'anthropic', 'input_tokens');
  });
});

describe('Gemini', () => {
  const withoutName = (answer: any) => delete answer.candidates[0].content.parts[0].functionCall.name;

  it('a function call without its name, whole and streamed; embeddings without their values', async () => {
    const answer = geminiFixtures.fixtureJson('generate-function-call.json');
    withoutName(answer);
    answering(answer);
    expectMissing(await failure(openai().chat.completions.create({ model: 'gemini', messages: hi })), 'gemini', 'candidates[0].content.parts[0].functionCall.name');

    streaming([`data: ${JSON.stringify(answer)}\n\n`]);
    expectMissing(await failure(openai().chat.completions.create({ model: 'gemini', messages: hi, stream: true })), 'gemini', 'candidates[0].content.parts[0].functionCall.name');

    answering({ embeddings: [{ value: [0.1, 0.2] }] });
    expectMissing(await failure(openai().embeddings.create({ model: 'gemini-embed', input: 'Hi' })), 'gemini', 'embeddings[0].values');
  });
});

describe('Vertex AI', () => {
  it('Gemini and Claude answers without a field they read, whole and streamed, named as vertex_ai; predictions without values', async () => {
    const answer = geminiFixtures.fixtureJson('generate-function-call.json');
    delete answer.candidates[0].content.parts[0].functionCall.name;
    answering(answer);
    expectMissing(await failure(openai().chat.completions.create({ model: 'vertex-gemini', messages: hi })), 'vertex_ai', 'candidates[0].content.parts[0].functionCall.name');
    streaming([`data: ${JSON.stringify(answer)}\n\n`]);
    expectMissing(await failure(openai().chat.completions.create({ model: 'vertex-gemini', messages: hi, stream: true })), 'vertex_ai', 'candidates[0].content.parts[0].functionCall.name');

    const message = anthropicFixtures.fixtureJson('message-text.json');
    delete message.content[0].text;
    answering(message);
    expectMissing(await failure(openai().chat.completions.create({ model: 'vertex-claude', messages: hi })), 'vertex_ai', 'content[0].text');
    const frames = anthropicFixtures.sseFrames('stream-text.sse');
    streaming([editedFrame(frames[0]!, (event) => delete event.message.model), ...frames.slice(1)]);
    expectMissing(await failure(openai().chat.completions.create({ model: 'vertex-claude', messages: hi, stream: true })), 'vertex_ai', 'message.model');

    const predictions = vertexFixtures.fixtureJson('predict-embeddings.json');
    delete predictions.predictions[0].embeddings.values;
    answering(predictions);
    expectMissing(await failure(openai().embeddings.create({ model: 'vertex-embed', input: ['Hi', 'there'] })), 'vertex_ai', 'predictions[0].embeddings.values');
  });
});

describe('Bedrock (answers arrive through the AWS SDK, which leaves these fields optional)', () => {
  it('a tool use without its name, a first stream event without its block index, a Titan answer without its vector', async () => {
    const converse = bedrockFixtures.fixtureJson('converse-tool-use.json');
    delete converse.output.message.content[1].toolUse.name;
    bedrock.respond((_r, res) => sendBedrockJson(res, converse));
    expectMissing(await failure(openai().chat.completions.create({ model: 'bedrock', messages: hi })), 'bedrock', 'output.message.content[1].toolUse.name');

    const events = bedrockFixtures.fixtureJson<Array<{ event: string; payload: any }>>('stream-text.json').filter((frame) => frame.event !== 'messageStart');
    delete events[0]!.payload.contentBlockIndex;
    bedrock.respond((_r, res) => sendEventStream(res, events as StreamFrame[]));
    expectMissing(await failure(openai().chat.completions.create({ model: 'bedrock', messages: hi, stream: true })), 'bedrock', 'contentBlockDelta.contentBlockIndex');

    bedrock.respond((_r, res) => sendBedrockJson(res, { inputTextTokenCount: 2 }));
    expectMissing(await failure(openai().embeddings.create({ model: 'bedrock-embed', input: 'Hi' })), 'bedrock', 'embedding');
  });
});
