// Image generation on Google's models through the official `openai` client: Imagen's `:predict` and a
// Gemini image model's generateContent, on a fake Gemini API and a fake Vertex AI (with a fake token
// endpoint) that answer as Google's REST references describe.
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';
import { sendJson, startRecordingServer, type RecordedRequest, type RecordingServer } from '../helpers/recording-server.ts';
import { serviceAccount, startTokenEndpoint, type TokenEndpoint } from '../providers/vertex-ai/support.ts';

const MASTER = 'sk-test-master';
const GEMINI_KEY = 'AIzaSyTest-0123456789abcdefghijklmnopq';
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex').toString('base64');

/** Google's answers: Imagen predictions, or a generateContent candidate with the image inline. */
function googleAnswer(request: RecordedRequest) {
  if (request.url.endsWith(':predict')) {
    return { predictions: Array.from({ length: request.json.parameters.sampleCount }, () => ({ bytesBase64Encoded: PNG, mimeType: 'image/png' })) };
  }
  return {
    candidates: [{ content: { role: 'model', parts: [{ inlineData: { mimeType: 'image/png', data: PNG } }] }, finishReason: 'STOP', index: 0 }],
    usageMetadata: { promptTokenCount: 7, candidatesTokenCount: 1290, totalTokenCount: 1297 },
  };
}

let gemini: RecordingServer;
let vertex: RecordingServer;
let tokens: TokenEndpoint;
let gateway: TestGateway;
let client: OpenAI;

beforeAll(async () => {
  [gemini, vertex, tokens] = await Promise.all([
    startRecordingServer((r, res) => sendJson(res, 200, googleAnswer(r))),
    startRecordingServer((r, res) => sendJson(res, 200, googleAnswer(r))),
    startTokenEndpoint(),
  ]);
  gateway = await startGateway(
    `
model_list:
  - model_name: imagen
    litellm_params: { model: gemini/imagen-4.0-generate-001, api_base: ${gemini.url}, api_key: ${GEMINI_KEY} }
  - model_name: nano-banana
    litellm_params: { model: gemini/gemini-2.5-flash-image, api_base: ${gemini.url}, api_key: ${GEMINI_KEY} }
  - model_name: vertex-imagen
    litellm_params: { model: vertex_ai/imagen-4.0-generate-001, vertex_project: my-project, vertex_location: us-central1, vertex_credentials: os.environ/VERTEX_CREDENTIALS, api_base: ${vertex.url} }
general_settings: { master_key: ${MASTER} }
`,
    { VERTEX_CREDENTIALS: JSON.stringify(serviceAccount(tokens.tokenUri).json) },
  );
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: MASTER, maxRetries: 0 });
});
afterAll(async () => {
  await gateway.close();
  await Promise.all([gemini.close(), vertex.close(), tokens.close()]);
});
beforeEach(() => {
  gemini.requests.length = 0;
  vertex.requests.length = 0;
  gemini.respond((r, res) => sendJson(res, 200, googleAnswer(r)));
});

const failure = (call: Promise<unknown>) =>
  call.then(
    () => expect.unreachable('the call should have failed'),
    (error: unknown) => error as InstanceType<typeof OpenAI.APIError>,
  );

describe('images on Google models through the openai client', () => {
  it('asks Imagen for n samples at the aspect ratio nearest the size, priced per image', async () => {
    const { data, response } = await client.images.generate({ model: 'imagen', prompt: 'a fox', n: 2, size: '1792x1024', response_format: 'b64_json' }).withResponse();
    expect(data.data!.map((image) => image.b64_json)).toEqual([PNG, PNG]);
    // imagen-4.0-generate-001: $0.04 an image.
    expect(Number(response.headers.get('x-litellm-response-cost'))).toBeCloseTo(0.08, 9);
    const sent = gemini.requests[0]!;
    expect(sent.url).toBe('/v1beta/models/imagen-4.0-generate-001:predict');
    expect(sent.headers['x-goog-api-key']).toBe(GEMINI_KEY);
    expect(sent.json).toEqual({ instances: [{ prompt: 'a fox' }], parameters: { sampleCount: 2, aspectRatio: '16:9' } });
  });

  it('makes an image with a Gemini image model, priced per token from its usage', async () => {
    const { data, response } = await client.images.generate({ model: 'nano-banana', prompt: 'a fox', size: '1024x1024' }).withResponse();
    expect(data.data![0]!.b64_json).toBe(PNG);
    expect(data.usage).toEqual({ input_tokens: 7, output_tokens: 1290, total_tokens: 1297 });
    expect(Number(response.headers.get('x-litellm-response-cost'))).toBeCloseTo(7 * 0.3e-6 + 1290 * 30e-6, 9);
    const sent = gemini.requests[0]!;
    expect(sent.url).toBe('/v1beta/models/gemini-2.5-flash-image:generateContent');
    expect(sent.json).toEqual({ contents: [{ role: 'user', parts: [{ text: 'a fox' }] }], generationConfig: { responseModalities: ['IMAGE'], imageConfig: { aspectRatio: '1:1' } } });
  });

  it('calls Imagen on Vertex AI with an access token', async () => {
    const result = await client.images.generate({ model: 'vertex-imagen', prompt: 'a fox' });
    expect(result.data).toHaveLength(1);
    const sent = vertex.requests[0]!;
    expect(sent.url).toBe('/v1/projects/my-project/locations/us-central1/publishers/google/models/imagen-4.0-generate-001:predict');
    expect(sent.headers['authorization']).toMatch(/^Bearer /);
  });

  it('refuses response_format url with a 400 that says to ask for b64_json, before calling Google', async () => {
    const error = await failure(client.images.generate({ model: 'imagen', prompt: 'a fox', response_format: 'url' }));
    expect(error.status).toBe(400);
    expect(error.message).toContain('gemini answers images as base64 only, with no URL to pass on: ask for response_format "b64_json"');
    expect(gemini.requests).toHaveLength(0);
  });

  it('says why no image came when the safety filter withheld them all', async () => {
    gemini.respond((_r, res) => sendJson(res, 200, { predictions: [{ raiFilteredReason: 'Unable to show generated images. Some images were filtered.' }] }));
    const error = await failure(client.images.generate({ model: 'imagen', prompt: 'something' }));
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error.code).toBe('content_policy_violation');
    expect(error.message).toContain('Some images were filtered');
  });
});
