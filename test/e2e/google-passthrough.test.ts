// LiteLLM's Google pass-through: /gemini/* (the Gemini API's paths) and /vertex_ai/* (Vertex AI's),
// driven by the official @google/genai client with the gateway as its base URL, and Claude on Vertex's
// :rawPredict / :streamRawPredict in the Anthropic Vertex wire shape Claude Code sends
// (CLAUDE_CODE_USE_VERTEX). The virtual key authenticates (in x-goog-api-key, ?key=, Authorization or
// x-litellm-api-key beside Google's own token), model access is checked against the model in the path,
// rpm holds, every call is charged to the key, and the deployment's credentials reach only Google.
import { ApiError, GoogleGenAI } from '@google/genai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EmbeddedDynamo } from '../../local/embedded-dynamodb.ts';
import { eventually } from '../helpers/eventually.ts';
import { MASTER, startDynamo, startKeysGateway, type KeysGateway } from '../helpers/identity.ts';
import { sendJson, sendSse, startRecordingServer, type RecordedRequest, type RecordingServer } from '../helpers/recording-server.ts';
import { serviceAccount, startTokenEndpoint, type TokenEndpoint } from '../providers/vertex-ai/support.ts';

const UPSTREAM_KEY = 'AIzaSy-upstream-secret-0123456789';
const PROJECT_PATH = '/v1/projects/my-project/locations/us-east5/publishers';
const CLAUDE_ID = 'claude-sonnet-4-5@20250929';

let dynamo: EmbeddedDynamo;
let google: RecordingServer;
let tokens: TokenEndpoint;
let gateway: KeysGateway;

/** A whole generateContent answer with usage a short prompt can have. */
const answer = (text: string) => ({
  candidates: [{ content: { parts: [{ text }], role: 'model' }, finishReason: 'STOP', index: 0 }],
  usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 7, totalTokenCount: 12 },
  modelVersion: 'gemini-2.5-flash',
});
const streamed = ['Waves fold', ' into foam'].map((text, i, all) => {
  const last = i === all.length - 1;
  const event = {
    candidates: [{ content: { parts: [{ text }], role: 'model' }, index: 0, ...(last && { finishReason: 'STOP' }) }],
    usageMetadata: { promptTokenCount: 5, ...(last && { candidatesTokenCount: 6 }) },
  };
  return `data: ${JSON.stringify(event)}\n\n`;
});

/** Google as the deployments reach it: the Gemini API wants the deployment's key, Vertex the access token the gateway got for its service account. */
function fakeGoogle(request: RecordedRequest, res: Parameters<Parameters<RecordingServer['respond']>[0]>[1]): void {
  const vertex = request.url.startsWith('/v1/projects/');
  const authorized = vertex ? tokens.issued.some((token) => request.headers['authorization'] === `Bearer ${token}`) : request.headers['x-goog-api-key'] === UPSTREAM_KEY;
  if (!authorized) return void sendJson(res, 401, { error: { code: 401, message: 'Request had invalid authentication credentials.', status: 'UNAUTHENTICATED' } });
  if (request.url.includes('/publishers/anthropic/')) {
    if (request.url.endsWith(':streamRawPredict')) return void sendSse(res, claudeStream);
    return void sendJson(res, 200, {
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5-20250929',
      content: [{ type: 'text', text: 'Hi from Vertex' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 9, output_tokens: 4 },
    });
  }
  if (request.url.includes(':streamGenerateContent')) return void sendSse(res, streamed);
  if (request.url.endsWith(':countTokens')) return void sendJson(res, 200, { totalTokens: 4, promptTokensDetails: [{ modality: 'TEXT', tokenCount: 4 }] });
  sendJson(res, 200, answer('Waves fold into foam'));
}

const claudeStream = [
  [
    'message_start',
    {
      type: 'message_start',
      message: {
        id: 'msg_2',
        type: 'message',
        role: 'assistant',
        model: 'claude-sonnet-4-5-20250929',
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: 9, output_tokens: 1 },
      },
    },
  ],
  ['content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }],
  ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'One, two, three' } }],
  ['content_block_stop', { type: 'content_block_stop', index: 0 }],
  ['message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 6 } }],
  ['message_stop', { type: 'message_stop' }],
].map(([name, data]) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);

beforeAll(async () => {
  [dynamo, google, tokens] = await Promise.all([startDynamo(), startRecordingServer(), startTokenEndpoint()]);
  google.respond(fakeGoogle);
  const vertex = (model: string) =>
    `{ model: "vertex_ai/${model}", vertex_project: my-project, vertex_location: us-east5, vertex_credentials: os.environ/VERTEX_CREDENTIALS, api_base: "${google.url}" }`;
  const config = `
model_list:
  - model_name: gemini-flash
    litellm_params: { model: gemini/gemini-2.5-flash, api_key: os.environ/GEMINI_API_KEY, api_base: "${google.url}" }
  - model_name: gemini-pro
    litellm_params: ${vertex('gemini-2.5-pro')}
  - model_name: "${CLAUDE_ID}"
    litellm_params: ${vertex(CLAUDE_ID)}
  - model_name: mock
    litellm_params: { model: mock/echo }
general_settings: { master_key: ${MASTER} }
`;
  gateway = await startKeysGateway(dynamo.endpoint, { config, cacheSeconds: 0, env: { GEMINI_API_KEY: UPSTREAM_KEY, VERTEX_CREDENTIALS: JSON.stringify(serviceAccount(tokens.tokenUri).json) } });
});
afterAll(async () => {
  await gateway?.close();
  await Promise.all([google?.close(), tokens?.close()]);
  await dynamo?.close();
});
beforeEach(() => void (google.requests.length = 0));

const newKey = async (body: Record<string, unknown> = {}) => (await gateway.call('POST', '/key/generate', body)).body.key as string;
const spendOf = async (key: string) => (await gateway.call('GET', `/key/info?key=${key}`)).body.info.spend as number;
const charged = (key: string) => eventually(async () => ((await spendOf(key)) > 0 ? true : undefined));

/** Google's SDK for the Gemini API, its key the virtual key (sent as x-goog-api-key). */
const gemini = (key: string) => new GoogleGenAI({ apiKey: key, apiVersion: 'v1beta', httpOptions: { baseUrl: `${gateway.url}/gemini` } });

/** Google's SDK in Vertex AI mode: its own Google token as Authorization, the virtual key in x-litellm-api-key, as LiteLLM's docs set it up. */
const vertexAI = (key: string) =>
  new GoogleGenAI({
    vertexai: true,
    project: 'client-project',
    location: 'us-central1',
    httpOptions: { baseUrl: `${gateway.url}/vertex_ai`, headers: { 'x-litellm-api-key': key } },
    googleAuthOptions: { authClient: { getRequestHeaders: async () => new Headers({ authorization: 'Bearer ya29.the-clients-own-google-token' }) } as never },
  });

describe('/gemini/* with the @google/genai client', () => {
  it('answers generateContent as Google does, from the deployment with its own key, charged to the virtual key', async () => {
    const key = await newKey();
    const response = await gemini(key).models.generateContent({ model: 'gemini-flash', contents: 'A haiku about the sea', config: { temperature: 0.2 } });
    expect(response.text).toBe('Waves fold into foam');
    expect(response.usageMetadata?.totalTokenCount).toBe(12);
    const sent = google.requests[0]!;
    expect(sent.url).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expect(sent.headers['x-goog-api-key']).toBe(UPSTREAM_KEY);
    expect(sent.json).toEqual({ contents: [{ parts: [{ text: 'A haiku about the sea' }], role: 'user' }], generationConfig: { temperature: 0.2 } });
    await charged(key);
  });

  it('streams streamGenerateContent?alt=sse event by event, charged to the key', async () => {
    const key = await newKey();
    let text = '';
    for await (const event of await gemini(key).models.generateContentStream({ model: 'gemini-flash', contents: 'A haiku' })) text += event.text ?? '';
    expect(text).toBe('Waves fold into foam');
    expect(google.requests[0]!.url).toBe('/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse');
    await charged(key);
  });

  it('takes the key as ?key=, as curl users send it', async () => {
    const key = await newKey();
    const response = await fetch(`${gateway.url}/gemini/v1beta/models/gemini-flash:generateContent?key=${key}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ contents: [{ parts: [{ text: 'Hi' }] }] }),
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as any).candidates[0].content.parts[0].text).toBe('Waves fold into foam');
    await charged(key);
  });

  it("refuses a key without access to the path's model, in Google's error shape, before calling Google", async () => {
    const key = await newKey({ models: ['mock'] });
    const error = await gemini(key)
      .models.generateContent({ model: 'gemini-flash', contents: 'Hi' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(401);
    expect((error as ApiError).message).toMatch(/gemini-flash/);
    expect(google.requests).toHaveLength(0);
  });

  it("holds the key's rpm_limit and refuses a call without a key", async () => {
    const key = await newKey({ rpm_limit: 1 });
    await gemini(key).models.generateContent({ model: 'gemini-flash', contents: 'Hi' });
    const limited = await gemini(key)
      .models.generateContent({ model: 'gemini-flash', contents: 'Hi' })
      .catch((e: unknown) => e);
    expect((limited as ApiError).status).toBe(429);
    expect((limited as ApiError).message).toContain('RESOURCE_EXHAUSTED');
    const anonymous = await fetch(`${gateway.url}/gemini/v1beta/models/gemini-flash:generateContent`, { method: 'POST', body: JSON.stringify({ contents: [{ parts: [{ text: 'Hi' }] }] }) });
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error: { code: 401, status: 'UNAUTHENTICATED', message: expect.stringContaining('No API key') } });
  });

  it("answers countTokens with Google's count, as LiteLLM's curl example calls it (?key=), without charging; an estimate for other models", async () => {
    const key = await newKey();
    const counted = await gemini(key).models.countTokens({ model: 'gemini-flash', contents: 'Hi there' });
    expect(counted.totalTokens).toBe(4);
    expect(google.requests[0]!.url).toBe('/v1beta/models/gemini-2.5-flash:countTokens');
    expect(google.requests[0]!.json).toEqual({ contents: [{ parts: [{ text: 'Hi there' }], role: 'user' }] });
    const curl = await fetch(`${gateway.url}/gemini/v1beta/models/gemini-flash:countTokens?key=${key}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ contents: [{ parts: [{ text: 'The quick brown fox jumps over the lazy dog.' }] }] }),
    });
    expect(curl.status).toBe(200);
    expect(curl.headers.get('x-tollgate-token-count')).toBe('provider');
    const estimated = await gemini(key).models.countTokens({ model: 'mock', contents: 'The quick brown fox jumps over the lazy dog.' });
    expect(estimated.totalTokens).toBeGreaterThan(0);
    expect(google.requests).toHaveLength(2);
    expect(await spendOf(key)).toBe(0);
  });

  it('refuses a model group that is not served by Gemini or Vertex AI, and a body without contents', async () => {
    const key = await newKey();
    const other = await gemini(key)
      .models.generateContent({ model: 'mock', contents: 'Hi' })
      .catch((e: unknown) => e);
    expect((other as ApiError).status).toBe(400);
    expect((other as ApiError).message).toMatch(/does not serve Gemini generateContent/);
    const empty = await fetch(`${gateway.url}/gemini/v1beta/models/gemini-flash:generateContent`, { method: 'POST', headers: { 'x-goog-api-key': key }, body: JSON.stringify({ contents: [] }) });
    expect(empty.status).toBe(400);
    expect(await empty.json()).toMatchObject({ error: { status: 'INVALID_ARGUMENT', message: expect.stringContaining('contents') } });
  });
});

describe('/vertex_ai/* with the @google/genai client in Vertex AI mode', () => {
  it("answers generateContent from the deployment's project and region with the gateway's own access token, never the client's", async () => {
    const key = await newKey();
    const response = await vertexAI(key).models.generateContent({ model: 'gemini-pro', contents: 'A haiku' });
    expect(response.text).toBe('Waves fold into foam');
    const sent = google.requests[0]!;
    expect(sent.url).toBe(`${PROJECT_PATH}/google/models/gemini-2.5-pro:generateContent`);
    expect(sent.headers['authorization']).toMatch(/^Bearer ya29\.test-access-token-/);
    expect(JSON.stringify(sent.headers)).not.toContain(key);
    await charged(key);
  });

  it('counts tokens with countTokens at the same path', async () => {
    const counted = await vertexAI(await newKey()).models.countTokens({ model: 'gemini-pro', contents: 'Hi there' });
    expect(counted.totalTokens).toBe(4);
    expect(google.requests[0]!.url).toBe(`${PROJECT_PATH}/google/models/gemini-2.5-pro:countTokens`);
  });

  it('streams streamGenerateContent, charged to the key', async () => {
    const key = await newKey();
    let text = '';
    for await (const event of await vertexAI(key).models.generateContentStream({ model: 'gemini-pro', contents: 'A haiku' })) text += event.text ?? '';
    expect(text).toBe('Waves fold into foam');
    expect(google.requests[0]!.url).toBe(`${PROJECT_PATH}/google/models/gemini-2.5-pro:streamGenerateContent?alt=sse`);
    await charged(key);
  });
});

describe("Claude on Vertex AI (:rawPredict, :streamRawPredict), in Claude Code's wire shape", () => {
  const claude = (key: string, method: string, body: Record<string, unknown>) =>
    fetch(`${gateway.url}/vertex_ai/v1/projects/client-project/locations/us-east5/publishers/anthropic/models/${CLAUDE_ID}:${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer ya29.the-clients-own-google-token', 'x-litellm-api-key': `Bearer ${key}` },
      body: JSON.stringify({ anthropic_version: 'vertex-2023-10-16', max_tokens: 64, messages: [{ role: 'user', content: 'Hi' }], ...body }),
    });

  it('answers :rawPredict with the Anthropic message, charged to the key', async () => {
    const key = await newKey();
    const response = await claude(key, 'rawPredict', {});
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ type: 'message', role: 'assistant', content: [{ type: 'text', text: 'Hi from Vertex' }] });
    expect(google.requests[0]!.url).toBe(`${PROJECT_PATH}/anthropic/models/${CLAUDE_ID}:rawPredict`);
    await charged(key);
  });

  it("streams :streamRawPredict as Anthropic's events, charged to the key", async () => {
    const key = await newKey();
    const response = await claude(key, 'streamRawPredict', { stream: true });
    const text = await response.text();
    expect(text).toMatch(/^event: message_start/);
    expect(text).toContain('One, two, three');
    expect(text.trimEnd()).toMatch(/event: message_stop\ndata: .*$/);
    expect(google.requests[0]!.url).toBe(`${PROJECT_PATH}/anthropic/models/${CLAUDE_ID}:streamRawPredict`);
    await charged(key);
  });

  it('counts tokens at count-tokens:rawPredict without charging', async () => {
    const key = await newKey();
    const response = await fetch(`${gateway.url}/vertex_ai/v1/projects/client-project/locations/us-east5/publishers/anthropic/models/count-tokens:rawPredict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-litellm-api-key': key },
      body: JSON.stringify({ anthropic_version: 'vertex-2023-10-16', model: CLAUDE_ID, messages: [{ role: 'user', content: 'Hi there' }] }),
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { input_tokens: number }).input_tokens).toBeGreaterThan(0);
  });
});

it("never shows the deployments' credentials to clients or in the logs", async () => {
  const key = await newKey();
  await gemini(key).models.generateContent({ model: 'gemini-flash', contents: 'Hi' });
  await vertexAI(key).models.generateContent({ model: 'gemini-pro', contents: 'Hi' });
  // An upstream that refuses: its error reaches the client without the key the gateway sent.
  google.respond((request, res) => sendJson(res, 400, { error: { code: 400, message: `API key not valid: ${String(request.headers['x-goog-api-key'])}`, status: 'INVALID_ARGUMENT' } }));
  try {
    const error = await gemini(key)
      .models.generateContent({ model: 'gemini-flash', contents: 'Hi' })
      .catch((e: unknown) => e);
    expect((error as ApiError).message).not.toContain(UPSTREAM_KEY);
  } finally {
    google.respond(fakeGoogle);
  }
  const logs = gateway.log.text();
  expect(gateway.log.lines.length).toBeGreaterThan(0);
  expect(logs).not.toContain(UPSTREAM_KEY);
  for (const token of tokens.issued) expect(logs).not.toContain(token);
  expect(logs).not.toContain(key);
});
