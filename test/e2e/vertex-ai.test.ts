// A LiteLLM-style config with vertex_ai/ deployments (a Gemini model and a Claude model) behind a
// fake Google token endpoint and a fake Vertex AI, driven by the official `openai` client.
import { readFileSync } from 'node:fs';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../shared/config/yaml.ts';
import { defaultProviders } from '../../shared/providers/registry.ts';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';
import { sendJson, sendSse, startRecordingServer, type RecordingServer } from '../helpers/recording-server.ts';
import { serviceAccount, startTokenEndpoint, type TokenEndpoint } from '../providers/vertex-ai/support.ts';

const fixture = (dir: string, name: string) => readFileSync(new URL(`../fixtures/${dir}/${name}`, import.meta.url), 'utf8');
const json = (dir: string, name: string) => JSON.parse(fixture(dir, name));
const frames = (dir: string, name: string) =>
  fixture(dir, name)
    .split('\n\n')
    .filter((e) => e.trim())
    .map((e) => `${e}\n\n`);
const MASTER = 'sk-test-master';
const GEMINI_PATH = '/v1/projects/my-project/locations/us-east5/publishers/google/models/gemini-2.5-pro';
const CLAUDE_PATH = '/v1/projects/my-project/locations/us-east5/publishers/anthropic/models/claude-sonnet-4-5@20250929';
const weatherTool: OpenAI.ChatCompletionTool = {
  type: 'function',
  function: { name: 'get_weather', description: 'Current weather', parameters: { type: 'object', properties: { location: { type: 'string' }, unit: { type: 'string' } }, required: ['location'] } },
};

let vertex: RecordingServer;
let tokens: TokenEndpoint;
let gateway: TestGateway;
let client: OpenAI;
let config: string;
let credentials: string;

beforeAll(async () => {
  [vertex, tokens] = await Promise.all([startRecordingServer(), startTokenEndpoint()]);
  credentials = JSON.stringify(serviceAccount(tokens.tokenUri).json);
  config = `
model_list:
  - model_name: gemini-pro
    litellm_params:
      model: vertex_ai/gemini-2.5-pro
      vertex_project: my-project
      vertex_location: us-east5
      vertex_credentials: os.environ/VERTEX_CREDENTIALS
      api_base: ${vertex.url}
  - model_name: claude-sonnet
    litellm_params:
      model: vertex_ai/claude-sonnet-4-5@20250929
      vertex_project: my-project
      vertex_location: us-east5
      vertex_credentials: os.environ/VERTEX_CREDENTIALS
      api_base: ${vertex.url}
  - model_name: text-embedding
    litellm_params:
      model: vertex_ai/text-embedding-005
      vertex_project: my-project
      vertex_location: us-east5
      vertex_credentials: os.environ/VERTEX_CREDENTIALS
      api_base: ${vertex.url}
general_settings: { master_key: ${MASTER} }
`;
  gateway = await startGateway(config, { VERTEX_CREDENTIALS: credentials });
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: MASTER, maxRetries: 0 });
});
afterAll(async () => {
  await gateway.close();
  await Promise.all([vertex.close(), tokens.close()]);
});
beforeEach(() => void (vertex.requests.length = 0));

describe('vertex_ai through the openai client', () => {
  it('loads the vertex_* keys without warnings and needs no api_key', () => {
    const providers = defaultProviders();
    const loaded = loadConfig(
      config,
      'test.config.yaml',
      (name) => (name === 'VERTEX_CREDENTIALS' ? credentials : undefined),
      (prefix) => providers.get(prefix),
    );
    expect(loaded.warnings).toEqual([]);
    expect(loaded.deployments.map((d) => d.modelName)).toEqual(['gemini-pro', 'claude-sonnet', 'text-embedding']);
  });

  it('answers a Gemini model with tools, with a token from the service account, cached across requests', async () => {
    vertex.respond((_r, res) => sendJson(res, 200, json('gemini', 'generate-function-call.json')));
    const issuedBefore = tokens.issued.length;
    const completion = await client.chat.completions.create({ model: 'gemini-pro', messages: [{ role: 'user', content: 'Weather?' }], tools: [weatherTool] });
    await client.chat.completions.create({ model: 'gemini-pro', messages: [{ role: 'user', content: 'Weather?' }], tools: [weatherTool] });
    expect(vertex.requests.map((r) => r.url)).toEqual([`${GEMINI_PATH}:generateContent`, `${GEMINI_PATH}:generateContent`]);
    expect(tokens.issued.length - issuedBefore).toBeLessThanOrEqual(1);
    expect(vertex.requests[0]!.headers['authorization']).toBe(`Bearer ${tokens.issued.at(-1)}`);
    expect(vertex.requests[0]!.json.tools[0].functionDeclarations[0].name).toBe('get_weather');
    expect(completion.model).toBe('gemini-pro');
    expect(completion.choices[0]!.finish_reason).toBe('tool_calls');
    expect((completion.choices[0]!.message.tool_calls![0] as OpenAI.ChatCompletionMessageFunctionToolCall).function.name).toBe('get_weather');
  });

  it('streams a Gemini model with a tool call', async () => {
    vertex.respond((_r, res) => sendSse(res, frames('gemini', 'stream-function-call.sse')));
    const final = await client.chat.completions.stream({ model: 'gemini-pro', messages: [{ role: 'user', content: 'Weather in Paris?' }], tools: [weatherTool] }).finalChatCompletion();
    expect(vertex.requests[0]!.url).toBe(`${GEMINI_PATH}:streamGenerateContent?alt=sse`);
    const call = final.choices[0]!.message.tool_calls![0] as OpenAI.ChatCompletionMessageFunctionToolCall;
    expect(JSON.parse(call.function.arguments)).toEqual({ location: 'Paris', unit: 'celsius' });
    expect(final.choices[0]!.finish_reason).toBe('tool_calls');
  });

  it('answers a Claude model through rawPredict with tools and images', async () => {
    vertex.respond((_r, res) => sendJson(res, 200, json('anthropic', 'message-tool-use.json')));
    const completion = await client.chat.completions.create({
      model: 'claude-sonnet',
      messages: [
        { role: 'system', content: 'Be brief.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Weather here?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
          ],
        },
      ],
      tools: [weatherTool],
    });
    const sent = vertex.requests[0]!;
    expect(sent.url).toBe(`${CLAUDE_PATH}:rawPredict`);
    expect(sent.json).toMatchObject({
      anthropic_version: 'vertex-2023-10-16',
      system: [{ type: 'text', text: 'Be brief.' }],
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Weather here?' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
          ],
        },
      ],
      tools: [{ name: 'get_weather', input_schema: weatherTool.function.parameters }],
    });
    expect(sent.json).not.toHaveProperty('model');
    expect(completion.model).toBe('claude-sonnet');
    expect(completion.choices[0]!.finish_reason).toBe('tool_calls');
    expect(completion.usage).toMatchObject({ prompt_tokens: 472, completion_tokens: 89 });
  });

  it('streams a Claude model through streamRawPredict', async () => {
    vertex.respond((_r, res) => sendSse(res, frames('anthropic', 'stream-tool-use.sse')));
    const final = await client.chat.completions.stream({ model: 'claude-sonnet', messages: [{ role: 'user', content: 'Weather?' }], tools: [weatherTool] }).finalChatCompletion();
    expect(vertex.requests[0]!.url).toBe(`${CLAUDE_PATH}:streamRawPredict`);
    expect((final.choices[0]!.message.tool_calls![0] as OpenAI.ChatCompletionMessageFunctionToolCall).function.name).toBe('get_weather');
    expect(final.choices[0]!.finish_reason).toBe('tool_calls');
  });

  it('retries a Vertex 429 and answers once Vertex does', async () => {
    let calls = 0;
    vertex.respond((_r, res) => (++calls === 1 ? sendJson(res, 429, json('vertex-ai', 'error-quota.json')) : sendJson(res, 200, json('gemini', 'generate-text.json'))));
    const completion = await client.chat.completions.create({ model: 'gemini-pro', messages: [{ role: 'user', content: 'x' }] });
    expect(vertex.requests).toHaveLength(2);
    expect(completion.choices[0]!.message.content).toContain('Waves fold');
  });

  it.each([
    ['gemini-pro', 200, 'gemini', 'prompt-blocked.json', 400, 'content_policy_violation'],
    ['gemini-pro', 400, 'gemini', 'error-context-length.json', 400, 'context_length_exceeded'],
    ['claude-sonnet', 400, 'vertex-ai', 'error-claude-prompt-too-long.json', 400, 'context_length_exceeded'],
    ['gemini-pro', 403, 'vertex-ai', 'error-permission.json', 403, '403'],
  ] as const)('%s: maps a %i %s/%s to %i %s', async (model, status, dir, name, expected, code) => {
    vertex.respond((_r, res) => sendJson(res, status, json(dir, name)));
    const error = await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'x' }] }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(expected);
    expect((error as InstanceType<typeof OpenAI.APIError>).code).toBe(code);
    expect((error as Error).message).not.toMatch(/ya29\.|PRIVATE KEY/);
    expect(gateway.log.text()).not.toMatch(/ya29\.|PRIVATE KEY/);
  });
});

describe('vertex_ai embeddings through the openai client', () => {
  it('embeds through :predict with dimensions and reports the token counts', async () => {
    vertex.respond((_r, res) => sendJson(res, 200, json('vertex-ai', 'predict-embeddings.json')));
    const response = await client.embeddings.create({ model: 'text-embedding', input: ['What is life?', 'Hi'], dimensions: 8, encoding_format: 'float' });
    const sent = vertex.requests[0]!;
    expect(sent.url).toBe('/v1/projects/my-project/locations/us-east5/publishers/google/models/text-embedding-005:predict');
    expect(sent.headers['authorization']).toBe(`Bearer ${tokens.issued.at(-1)}`);
    expect(sent.json).toEqual({ instances: [{ content: 'What is life?' }, { content: 'Hi' }], parameters: { outputDimensionality: 8 } });
    expect(response.model).toBe('text-embedding');
    expect(response.data.map((d) => d.embedding.length)).toEqual([8, 8]);
    expect(response.usage).toEqual({ prompt_tokens: 10, total_tokens: 10 });
    const decoded = await client.embeddings.create({ model: 'text-embedding', input: ['What is life?', 'Hi'] });
    expect(decoded.data[1]!.embedding.slice(4)).toEqual([0.5, -0.25, -0.125, 0.0625]);
  });
});
