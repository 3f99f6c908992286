// Image generation on Bedrock through the official `openai` client: InvokeModel bodies for Amazon Nova
// Canvas, Titan Image Generator and Stability's models, signed by the AWS SDK and answered by a fake
// Bedrock Runtime (HTTP/2, as the SDK speaks it) as Bedrock's model parameter references describe.
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sendBedrockError, sendBedrockJson, startFakeBedrock, type BedrockRequest, type FakeBedrock } from '../helpers/fake-bedrock.ts';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';

const MASTER = 'sk-test-master';
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex').toString('base64');

/** Nova and Titan answer `{images}`; Stability `{images, finish_reasons, seeds}`. */
function imageAnswer(request: BedrockRequest) {
  if (request.modelId.startsWith('stability.')) return { seeds: [42], finish_reasons: [null], images: [PNG] };
  return { images: Array.from({ length: request.json.imageGenerationConfig.numberOfImages }, () => PNG) };
}

let fake: FakeBedrock;
let gateway: TestGateway;
let client: OpenAI;

beforeAll(async () => {
  fake = await startFakeBedrock((request, res) => sendBedrockJson(res, imageAnswer(request)));
  const params = `api_base: ${fake.url}, aws_access_key_id: AKIAIOSFODNN7EXAMPLE, aws_secret_access_key: test-secret, aws_region_name: us-east-1`;
  gateway = await startGateway(`
model_list:
  - model_name: nova-canvas
    litellm_params: { model: bedrock/amazon.nova-canvas-v1:0, ${params} }
  - model_name: titan-image
    litellm_params: { model: bedrock/amazon.titan-image-generator-v2:0, ${params} }
  - model_name: sd35
    litellm_params: { model: bedrock/stability.sd3-5-large-v1:0, ${params} }
general_settings: { master_key: ${MASTER} }
`);
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: MASTER, maxRetries: 0 });
});
afterAll(async () => {
  await gateway.close();
  await fake.close();
});
beforeEach(() => {
  fake.requests.length = 0;
  fake.respond((request, res) => sendBedrockJson(res, imageAnswer(request)));
});

const failure = (call: Promise<unknown>) =>
  call.then(
    () => expect.unreachable('the call should have failed'),
    (error: unknown) => error as InstanceType<typeof OpenAI.APIError>,
  );

describe('images on Bedrock through the openai client', () => {
  it('asks Nova Canvas for n images of the size, premium for hd, priced by that entry', async () => {
    const { data, response } = await client.images.generate({ model: 'nova-canvas', prompt: 'a fox', n: 2, size: '1024x1024', quality: 'hd', response_format: 'b64_json' }).withResponse();
    expect(data.data!.map((image) => image.b64_json)).toEqual([PNG, PNG]);
    expect(Number(response.headers.get('x-litellm-response-cost'))).toBeCloseTo(0.12, 9);
    const sent = fake.requests[0]!;
    expect(sent.operation).toBe('invoke');
    expect(sent.modelId).toBe('amazon.nova-canvas-v1:0');
    expect(sent.json).toEqual({ taskType: 'TEXT_IMAGE', textToImageParams: { text: 'a fox' }, imageGenerationConfig: { numberOfImages: 2, width: 1024, height: 1024, quality: 'premium' } });
  });

  it('speaks the same body to Titan Image Generator, standard quality by default', async () => {
    const { response } = await client.images.generate({ model: 'titan-image', prompt: 'a fox' }).withResponse();
    expect(fake.requests[0]!.json.imageGenerationConfig).toEqual({ numberOfImages: 1, width: 1024, height: 1024, quality: 'standard' });
    expect(Number(response.headers.get('x-litellm-response-cost'))).toBeCloseTo(0.01, 9);
  });

  it('asks a Stability model for the aspect ratio nearest the size', async () => {
    const { data, response } = await client.images.generate({ model: 'sd35', prompt: 'a fox', size: '1536x1024', output_format: 'jpeg' }).withResponse();
    expect(data.data![0]!.b64_json).toBe(PNG);
    expect(fake.requests[0]!.json).toEqual({ prompt: 'a fox', aspect_ratio: '3:2', output_format: 'jpeg' });
    expect(Number(response.headers.get('x-litellm-response-cost'))).toBeCloseTo(0.08, 9);
  });

  it('passes on why Nova made no image, and maps Bedrock exceptions', async () => {
    fake.respond((_r, res) => sendBedrockJson(res, { images: [], error: 'This request has been blocked by our content filters.' }));
    const blocked = await failure(client.images.generate({ model: 'nova-canvas', prompt: 'something' }));
    expect(blocked.code).toBe('content_policy_violation');
    expect(blocked.message).toContain('blocked by our content filters');
    fake.respond((_r, res) => sendBedrockError(res, 400, 'ValidationException', 'Malformed input request: width must be a multiple of 16'));
    const invalid = await failure(client.images.generate({ model: 'nova-canvas', prompt: 'a fox', size: '1000x1000' }));
    expect(invalid).toBeInstanceOf(OpenAI.BadRequestError);
    expect(invalid.message).toContain('width must be a multiple of 16');
  });

  it('refuses response_format url, which Bedrock cannot give', async () => {
    const error = await failure(client.images.generate({ model: 'nova-canvas', prompt: 'a fox', response_format: 'url' }));
    expect(error.status).toBe(400);
    expect(error.message).toContain('ask for response_format "b64_json"');
    expect(fake.requests).toHaveLength(0);
  });
});
