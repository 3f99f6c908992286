// POST /v1/embeddings driven by the official `openai` client, in front of fake OpenAI and Azure
// upstreams that answer as OpenAI's embeddings API reference describes (floats, or little-endian
// float32 base64 when asked), plus the errors a client can provoke.
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';
import { sendJson, startRecordingServer, type RecordedRequest, type RecordingServer } from '../helpers/recording-server.ts';

const OPENAI_KEY = 'sk-openai-upstream-0123456789';
const AZURE_KEY = 'azure-upstream-key-0123456789';
const MASTER = 'sk-test-master';

/** The fake's vector for the i-th input: distinct per input, exact in float32. */
const vectorFor = (i: number, dimensions = 4) => [i + 0.5, -0.25, 1 / 8, 3].slice(0, dimensions);

/** An OpenAI embeddings answer for whatever was asked, in the encoding asked for. */
function embeddingsAnswer(request: RecordedRequest) {
  const { input, encoding_format: format, dimensions, model } = request.json;
  const inputs: unknown[] = Array.isArray(input) && (typeof input[0] === 'string' || Array.isArray(input[0])) ? input : [input];
  return {
    object: 'list',
    data: inputs.map((_, i) => {
      const values = vectorFor(i, dimensions);
      return { object: 'embedding', index: i, embedding: format === 'base64' ? Buffer.from(new Float32Array(values).buffer).toString('base64') : values };
    }),
    model,
    usage: { prompt_tokens: 3 * inputs.length, total_tokens: 3 * inputs.length },
  };
}

let openai: RecordingServer;
let azure: RecordingServer;
let gateway: TestGateway;
let client: OpenAI;

beforeAll(async () => {
  openai = await startRecordingServer((request, res) => sendJson(res, 200, embeddingsAnswer(request)));
  azure = await startRecordingServer((request, res) => sendJson(res, 200, embeddingsAnswer(request)));
  gateway = await startGateway(
    `
model_list:
  - model_name: embedder
    litellm_params:
      model: openai/text-embedding-3-small
      api_base: ${openai.url}
      api_key: os.environ/OPENAI_KEY
      input_cost_per_token: 0.001
  - model_name: azure-embedder
    litellm_params:
      model: azure/my-embedding-deployment
      api_base: ${azure.url}
      api_key: os.environ/AZURE_KEY
      api_version: 2024-10-21
  - model_name: groq-chat
    litellm_params: { model: groq/llama-3.1-8b-instant, api_base: ${openai.url}, api_key: gsk-test }
  - model_name: groq-new
    litellm_params: { model: groq/a-model-the-price-table-does-not-know, api_base: ${openai.url}, api_key: gsk-test }
general_settings: { master_key: ${MASTER} }
`,
    { OPENAI_KEY, AZURE_KEY },
  );
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: MASTER, maxRetries: 0 });
});
afterAll(async () => {
  await gateway.close();
  await Promise.all([openai.close(), azure.close()]);
});
beforeEach(() => {
  openai.requests.length = 0;
  azure.requests.length = 0;
  openai.respond((request, res) => sendJson(res, 200, embeddingsAnswer(request)));
});

describe('embeddings through the openai client', () => {
  it('names the model the client asked for after a fallback too, and the deployment that answered in the header', async () => {
    openai.respond((_request, res) => sendJson(res, 500, { error: { message: 'The server had an error', type: 'server_error' } }));
    const { data, response } = await client.embeddings.create({ model: 'embedder', input: 'hello', fallbacks: ['azure-embedder'], num_retries: 0 } as OpenAI.EmbeddingCreateParams).withResponse();
    expect(data.model).toBe('embedder');
    expect(azure.requests).toHaveLength(1);
    expect(response.headers.get('x-litellm-attempted-fallbacks')).toBe('1');
    const direct = await client.embeddings.create({ model: 'azure-embedder', input: 'hello' }).withResponse();
    expect(response.headers.get('x-tollgate-model-id')).toBe(direct.response.headers.get('x-tollgate-model-id'));
  });

  it('answers floats, names the model the client asked for, and prices the usage', async () => {
    const { data, response } = await client.embeddings.create({ model: 'embedder', input: ['first', 'second'], encoding_format: 'float', dimensions: 3 }).withResponse();
    expect(data.model).toBe('embedder');
    expect(data.data.map((d) => d.embedding)).toEqual([vectorFor(0, 3), vectorFor(1, 3)]);
    expect(data.usage).toEqual({ prompt_tokens: 6, total_tokens: 6 });
    expect(response.headers.get('x-litellm-model-group')).toBe('embedder');
    expect(Number(response.headers.get('x-litellm-response-cost'))).toBeCloseTo(0.006);
    const sent = openai.requests[0]!;
    expect(sent.url).toBe('/v1/embeddings');
    expect(sent.headers['authorization']).toBe(`Bearer ${OPENAI_KEY}`);
    expect(sent.json).toEqual({ model: 'text-embedding-3-small', input: ['first', 'second'], encoding_format: 'float', dimensions: 3 });
  });

  it('passes base64 through: the SDK default decodes it, an explicit base64 gets the string', async () => {
    const decoded = await client.embeddings.create({ model: 'embedder', input: 'hello' });
    expect(openai.requests[0]!.json.encoding_format).toBe('base64');
    expect(Array.from(decoded.data[0]!.embedding)).toEqual(vectorFor(0));

    const raw = await client.embeddings.create({ model: 'embedder', input: 'hello', encoding_format: 'base64' });
    const bytes = Buffer.from(raw.data[0]!.embedding as unknown as string, 'base64');
    expect(Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4))).toEqual(vectorFor(0));
  });

  it('takes token ids, and leaves gateway-only fields out of the upstream body', async () => {
    await client.embeddings.create({ model: 'embedder', input: [[1, 2, 3], [4]], encoding_format: 'float', metadata: { team: 'x' }, num_retries: 0 } as OpenAI.EmbeddingCreateParams);
    expect(openai.requests[0]!.json).toEqual({ model: 'text-embedding-3-small', input: [[1, 2, 3], [4]], encoding_format: 'float' });
  });

  it('calls an Azure deployment at its embeddings URL with the api-key header', async () => {
    const result = await client.embeddings.create({ model: 'azure-embedder', input: 'hi', encoding_format: 'float' });
    expect(result.data[0]!.embedding).toEqual(vectorFor(0));
    const sent = azure.requests[0]!;
    expect(sent.url).toBe('/openai/deployments/my-embedding-deployment/embeddings?api-version=2024-10-21');
    expect(sent.headers['api-key']).toBe(AZURE_KEY);
    expect(sent.headers['authorization']).toBeUndefined();
  });

  it('serves /embeddings without the /v1 prefix', async () => {
    const response = await fetch(`${gateway.url}/embeddings`, {
      method: 'POST',
      headers: { authorization: `Bearer ${MASTER}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'embedder', input: 'hi', encoding_format: 'float' }),
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as OpenAI.CreateEmbeddingResponse).data[0]!.embedding).toEqual(vectorFor(0));
  });
});

describe('embeddings errors', () => {
  const post = (body: unknown) =>
    fetch(`${gateway.url}/v1/embeddings`, {
      method: 'POST',
      headers: { authorization: `Bearer ${MASTER}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it.each([
    [{ model: 'embedder' }, 'input'],
    [{ model: 'embedder', input: '' }, 'input'],
    [{ model: 'embedder', input: [] }, 'input'],
    [{ model: 'embedder', input: [{ text: 'x' }] }, 'input'],
    [{ model: 'embedder', input: 'x', encoding_format: 'int8' }, 'encoding_format'],
    [{ model: 'embedder', input: 'x', dimensions: 0 }, 'dimensions'],
    [{ model: 'embedder', input: 'x', dimensions: 1.5 }, 'dimensions'],
    [{ input: 'x' }, 'model'],
  ])('refuses %j with a 400 naming %s', async (body, param) => {
    const response = await post(body);
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: Record<string, unknown> & { message: string } };
    expect(error).toMatchObject({ type: 'invalid_request_error', param, code: '400' });
    expect(error.message).toContain(param);
    expect(openai.requests).toHaveLength(0);
  });

  it('says so when the model does not serve embeddings: by its mode, else by its provider', async () => {
    const chat = await client.embeddings.create({ model: 'groq-chat', input: 'x' }).catch((e: unknown) => e);
    expect(chat).toBeInstanceOf(OpenAI.BadRequestError);
    expect((chat as Error).message).toContain('Model "groq-chat" is a chat model: it is served on POST /v1/chat/completions and /v1/messages, not here');
    const unknown = await client.embeddings.create({ model: 'groq-new', input: 'x' }).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(OpenAI.BadRequestError);
    expect((unknown as Error).message).toContain('does not serve embeddings');
    expect(openai.requests).toHaveLength(0);
  });

  it('names the models there are for an unknown one', async () => {
    const error = await client.embeddings.create({ model: 'nope', input: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as Error).message).toContain('embedder');
  });

  it('maps an upstream refusal without leaking the provider key', async () => {
    openai.respond((_r, res) => sendJson(res, 401, { error: { message: `Incorrect API key provided: ${OPENAI_KEY}.`, type: 'invalid_request_error', param: null, code: 'invalid_api_key' } }));
    const error = await client.embeddings.create({ model: 'embedder', input: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((error as Error).message).not.toContain(OPENAI_KEY);
  });

  it('needs the gateway key', async () => {
    const anonymous = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'sk-wrong', maxRetries: 0 });
    await expect(anonymous.embeddings.create({ model: 'embedder', input: 'x' })).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    expect(openai.requests).toHaveLength(0);
  });
});
