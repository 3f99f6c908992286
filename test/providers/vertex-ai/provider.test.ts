// The vertex_ai provider against a fake token endpoint and a fake Vertex AI on 127.0.0.1: service
// account JWTs exchanged for cached access tokens, Gemini models through generateContent, Claude
// models through rawPredict, partner models through the OpenAI-compatible endpoint, text embeddings
// through :predict.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChatCompletionRequest } from '../../../shared/openai/types.ts';
import { vertexAIProvider } from '../../../shared/providers/vertex-ai/provider.ts';
import { sendJson, sendSse, startRecordingServer, type RecordingServer } from '../../helpers/recording-server.ts';
import { loadCredentials } from '../../../shared/providers/vertex-ai/credentials.ts';
import { authorizedUser, serviceAccount, startTokenEndpoint, vertexDeployment, type TokenEndpoint } from './support.ts';

const fixture = (dir: string, name: string) => readFileSync(new URL(`../../fixtures/${dir}/${name}`, import.meta.url), 'utf8');
const json = (dir: string, name: string) => JSON.parse(fixture(dir, name));
const frames = (dir: string, name: string) =>
  fixture(dir, name)
    .split('\n\n')
    .filter((e) => e.trim())
    .map((e) => `${e}\n\n`);

let vertex: RecordingServer;
let tokens: TokenEndpoint;
beforeAll(async () => {
  [vertex, tokens] = await Promise.all([startRecordingServer(), startTokenEndpoint()]);
});
afterAll(() => Promise.all([vertex.close(), tokens.close()]));
beforeEach(() => {
  vertex.requests.length = 0;
  tokens.requests.length = 0;
  tokens.lifetime = 3599;
});

const signal = () => new AbortController().signal;
function params(extra: Record<string, unknown> = {}) {
  return { vertex_credentials: JSON.stringify(serviceAccount(tokens.tokenUri).json), vertex_project: 'my-project', vertex_location: 'us-central1', ...extra };
}
function chat(model: string, request: Partial<ChatCompletionRequest> = {}, p: Record<string, unknown> = params()) {
  return vertexAIProvider.chat({
    request: { model, messages: [{ role: 'user', content: 'Hi' }], ...request },
    deployment: vertexDeployment(p, { apiBase: vertex.url, upstreamModel: model }),
    signal: signal(),
  });
}

describe('vertex_ai access tokens', () => {
  it('exchanges a signed JWT for a token, sends it as a bearer token and reuses it until near expiry', async () => {
    vertex.respond((_r, res) => sendJson(res, 200, json('gemini', 'generate-text.json')));
    const p = params();
    await chat('gemini-2.5-flash', {}, p);
    await chat('gemini-2.5-flash', {}, p);
    expect(tokens.requests).toHaveLength(1);
    expect(tokens.requests[0]!.url).toBe('/token');
    const bearer = `Bearer ${tokens.issued.at(-1)}`;
    expect(vertex.requests.map((r) => r.headers['authorization'])).toEqual([bearer, bearer]);
  });

  it('renews a token that expires within minutes, and shares one exchange between concurrent requests', async () => {
    vertex.respond((_r, res) => sendJson(res, 200, json('gemini', 'generate-text.json')));
    tokens.lifetime = 120;
    const p = params();
    await Promise.all([chat('gemini-2.5-flash', {}, p), chat('gemini-2.5-flash', {}, p), chat('gemini-2.5-flash', {}, p)]);
    expect(tokens.requests).toHaveLength(1);
    await chat('gemini-2.5-flash', {}, p);
    expect(tokens.requests).toHaveLength(2);
    const issued = tokens.issued.slice(-2);
    expect(vertex.requests.at(-1)!.headers['authorization']).toBe(`Bearer ${issued[1]}`);
  });

  it('reads credentials from a file path and takes the project from the key when vertex_project is absent', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tollgate-vertex-'));
    const path = join(dir, 'key.json');
    writeFileSync(path, JSON.stringify(serviceAccount(tokens.tokenUri, { project_id: 'key-project' }).json));
    vertex.respond((_r, res) => sendJson(res, 200, json('gemini', 'generate-text.json')));
    await chat('gemini-2.5-flash', {}, { vertex_credentials: path, vertex_location: 'europe-west4' });
    expect(vertex.requests[0]!.url).toBe('/v1/projects/key-project/locations/europe-west4/publishers/google/models/gemini-2.5-flash:generateContent');
  });

  it('takes credentials as a YAML mapping too', async () => {
    vertex.respond((_r, res) => sendJson(res, 200, json('gemini', 'generate-text.json')));
    await chat('gemini-2.5-flash', {}, { vertex_credentials: serviceAccount(tokens.tokenUri).json, vertex_project: 'p2' });
    expect(vertex.requests[0]!.url).toBe('/v1/projects/p2/locations/us-central1/publishers/google/models/gemini-2.5-flash:generateContent');
  });

  it('trades an authorized user refresh token, with the quota project as the project', async () => {
    vertex.respond((_r, res) => sendJson(res, 200, json('gemini', 'generate-text.json')));
    await chat('gemini-2.5-flash', {}, { vertex_credentials: JSON.stringify(authorizedUser(tokens.tokenUri)) });
    expect(new URLSearchParams(tokens.requests[0]!.body).get('grant_type')).toBe('refresh_token');
    expect(vertex.requests[0]!.url).toMatch(/^\/v1\/projects\/quota-project\//);
    expect(vertex.requests[0]!.headers['authorization']).toBe(`Bearer ${tokens.issued.at(-1)}`);
  });

  it('falls back to the file GOOGLE_APPLICATION_CREDENTIALS names', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tollgate-adc-'));
    const path = join(dir, 'adc.json');
    writeFileSync(path, JSON.stringify(authorizedUser('http://127.0.0.1:9/token')));
    expect(loadCredentials(undefined, { GOOGLE_APPLICATION_CREDENTIALS: path })).toMatchObject({ type: 'authorized_user', token_uri: 'http://127.0.0.1:9/token' });
  });

  it('answers 401 when the token endpoint refuses the key, revealing no key material', async () => {
    const account = serviceAccount(tokens.tokenUri);
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const wrongKey = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const error = await chat('gemini-2.5-flash', {}, { vertex_credentials: JSON.stringify({ ...account.json, private_key: wrongKey }), vertex_project: 'p' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'upstream_auth', status: 401 });
    expect((error as Error).message).toContain('Invalid JWT Signature');
    expect((error as Error).message).not.toContain('PRIVATE KEY');
    expect(vertex.requests).toHaveLength(0);
  });

  it('answers 401 with what to set when there are no credentials, or they are not usable', async () => {
    await expect(chat('gemini-2.5-flash', {}, { vertex_project: 'p' })).rejects.toMatchObject({ kind: 'upstream_auth', message: expect.stringContaining('vertex_credentials') });
    await expect(chat('gemini-2.5-flash', {}, { vertex_credentials: '{"type":"service_account","client_email":"x@y"}' })).rejects.toMatchObject({
      kind: 'upstream_auth',
      message: expect.stringContaining('"private_key"'),
    });
    await expect(chat('gemini-2.5-flash', {}, { vertex_credentials: '/nonexistent/key.json' })).rejects.toMatchObject({ kind: 'upstream_auth', message: expect.stringContaining('cannot read') });
    await expect(chat('gemini-2.5-flash', {}, params({ vertex_location: 'evil.example.com/x?' }))).rejects.toMatchObject({ message: expect.stringContaining('is not a Vertex AI region') });
    expect(vertex.requests).toHaveLength(0);
  });
});

describe('vertex_ai Gemini models', () => {
  it('sends the Gemini body to generateContent and reads the answer', async () => {
    vertex.respond((_r, res) => sendJson(res, 200, json('gemini', 'generate-function-call.json')));
    const result = await chat('gemini-2.5-flash', { tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { location: { type: 'string' } } } } }] });
    const sent = vertex.requests[0]!;
    expect(sent.url).toBe('/v1/projects/my-project/locations/us-central1/publishers/google/models/gemini-2.5-flash:generateContent');
    expect(sent.json.tools[0].functionDeclarations[0].name).toBe('get_weather');
    if (result.stream) throw new Error('expected a completion');
    expect(result.completion.choices[0]!.finish_reason).toBe('tool_calls');
  });

  it('streams from streamGenerateContent?alt=sse', async () => {
    vertex.respond((_r, res) => sendSse(res, frames('gemini', 'stream-text.sse')));
    const result = await chat('gemini-2.5-flash', { stream: true });
    if (!result.stream) throw new Error('expected a stream');
    let text = '';
    for await (const chunk of result.chunks) text += chunk.choices[0]?.delta.content ?? '';
    expect(vertex.requests[0]!.url).toMatch(/\/models\/gemini-2\.5-flash:streamGenerateContent\?alt=sse$/);
    expect(text).toContain('the tide keeps its time.');
  });

  it.each([
    ['error-quota.json', 429, 'rate_limited'],
    ['error-permission.json', 403, 'permission_denied'],
  ] as const)('maps %s to %s, masking the access token', async (name, status, kind) => {
    vertex.respond((_r, res) => sendJson(res, status, json('vertex-ai', name)));
    const error = await chat('gemini-2.5-flash').catch((e: unknown) => e);
    expect(error).toMatchObject({ kind });
    expect((error as Error).message).toMatch(/^vertex_ai error/);
    expect((error as Error).message).not.toContain('ya29.');
  });
});

describe('vertex_ai Claude models', () => {
  it('sends the Anthropic body without model and with vertex anthropic_version to rawPredict', async () => {
    vertex.respond((_r, res) => sendJson(res, 200, json('anthropic', 'message-tool-use.json')));
    const result = await chat('claude-sonnet-4-5@20250929', {
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Weather?' },
      ],
      max_tokens: 100,
    });
    const sent = vertex.requests[0]!;
    expect(sent.url).toBe('/v1/projects/my-project/locations/us-central1/publishers/anthropic/models/claude-sonnet-4-5@20250929:rawPredict');
    expect(sent.json).toMatchObject({ anthropic_version: 'vertex-2023-10-16', max_tokens: 100, system: [{ type: 'text', text: 'Be brief.' }], messages: [{ role: 'user' }] });
    expect(sent.json).not.toHaveProperty('model');
    expect(sent.headers['anthropic-version']).toBeUndefined();
    if (result.stream) throw new Error('expected a completion');
    expect(result.completion.choices[0]!.finish_reason).toBe('tool_calls');
    expect(result.completion.choices[0]!.message.tool_calls![0]!.id).toBe('toolu_01A09q90qw90lq917835lq9');
  });

  it('streams from streamRawPredict', async () => {
    vertex.respond((_r, res) => sendSse(res, frames('anthropic', 'stream-tool-use.sse')));
    const result = await chat('claude-sonnet-4-5@20250929', { stream: true });
    if (!result.stream) throw new Error('expected a stream');
    const calls = [];
    for await (const chunk of result.chunks) calls.push(...(chunk.choices[0]?.delta.tool_calls ?? []));
    expect(vertex.requests[0]!.url).toMatch(/\/publishers\/anthropic\/models\/claude-sonnet-4-5@20250929:streamRawPredict$/);
    expect(vertex.requests[0]!.json.stream).toBe(true);
    expect(calls[0]).toMatchObject({ function: { name: 'get_weather' } });
  });

  it('maps an Anthropic-format error from Vertex', async () => {
    vertex.respond((_r, res) => sendJson(res, 400, json('vertex-ai', 'error-claude-prompt-too-long.json')));
    await expect(chat('claude-sonnet-4-5@20250929')).rejects.toMatchObject({ kind: 'context_length_exceeded' });
  });
});

describe('vertex_ai partner models (Model-as-a-Service)', () => {
  it("sends an OpenAI chat body with the publisher's model id to Vertex's OpenAI-compatible endpoint, the access token as Bearer", async () => {
    vertex.respond((request, res) =>
      sendJson(res, 200, {
        id: 'chatcmpl-maas',
        object: 'chat.completion',
        created: 1,
        model: request.json.model,
        choices: [{ index: 0, message: { role: 'assistant', content: 'Hello from Llama' }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 5, completion_tokens: 4, total_tokens: 9 },
      }),
    );
    const result = await chat('meta/llama-3.3-70b-instruct-maas', { max_tokens: 20 });
    const sent = vertex.requests.at(-1)!;
    expect(sent.url).toBe('/v1/projects/my-project/locations/us-central1/endpoints/openapi/chat/completions');
    expect(sent.headers['authorization']).toBe(`Bearer ${tokens.issued.at(-1)}`);
    expect(sent.json).toMatchObject({ model: 'meta/llama-3.3-70b-instruct-maas', max_tokens: 20, messages: [{ role: 'user', content: 'Hi' }] });
    expect(result).toMatchObject({ stream: false, completion: { choices: [{ message: { content: 'Hello from Llama' } }], usage: { prompt_tokens: 5, completion_tokens: 4 } } });
  });

  it('maps an error from the endpoint without revealing the access token', async () => {
    vertex.respond((_r, res) => sendJson(res, 404, { error: { code: 404, message: 'Publisher model not found', status: 'NOT_FOUND' } }));
    const error = await chat('mistralai/mistral-large-2411').catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'upstream_not_found' });
    expect(JSON.stringify(error)).not.toContain(tokens.issued.at(-1)!);
  });
});

describe('vertex_ai embeddings', () => {
  it('embeds through :predict with outputDimensionality and reports token counts', async () => {
    vertex.respond((_r, res) => sendJson(res, 200, json('vertex-ai', 'predict-embeddings.json')));
    const response = await vertexAIProvider.embed!({
      request: { model: 'text-embedding-005', input: ['What is life?', 'Hi'], dimensions: 8, encoding_format: 'base64', task_type: 'RETRIEVAL_QUERY' },
      deployment: vertexDeployment(params(), { apiBase: vertex.url }),
      signal: signal(),
    });
    const sent = vertex.requests[0]!;
    expect(sent.url).toBe('/v1/projects/my-project/locations/us-central1/publishers/google/models/text-embedding-005:predict');
    expect(sent.headers['authorization']).toMatch(/^Bearer ya29\./);
    expect(sent.json).toEqual({
      instances: [
        { content: 'What is life?', task_type: 'RETRIEVAL_QUERY' },
        { content: 'Hi', task_type: 'RETRIEVAL_QUERY' },
      ],
      parameters: { outputDimensionality: 8 },
    });
    expect(response.usage).toEqual({ prompt_tokens: 10, total_tokens: 10 });
    const bytes = Buffer.from(response.data[1]!.embedding as string, 'base64');
    expect(bytes.readFloatLE(16)).toBe(0.5);
  });
});
