// POST /v1/images/generations driven by the official `openai` client, in front of fake OpenAI and
// Azure upstreams answering as OpenAI's images API reference describes: DALL·E priced per image by
// its quality and size entry, gpt-image priced per token from the usage it reports.
import OpenAI, { toFile } from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readForm } from '../helpers/audio.ts';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';
import { sendJson, startRecordingServer, type RecordedRequest, type RecordingServer } from '../helpers/recording-server.ts';

const MASTER = 'sk-test-master';
const AZURE_KEY = 'azure-upstream-key-0123456789';
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex').toString('base64');

/** OpenAI's answer for what was asked (a JSON body, or an edit's form): URLs for DALL·E, base64 with usage for gpt-image. */
async function imagesAnswer(request: RecordedRequest) {
  const form = request.url.includes('/images/edits') ? await readForm(request.headers['content-type']!, request.raw) : undefined;
  const fields = form ? { model: form.fields['model']![0], n: Number(form.fields['n']?.[0] ?? 1), response_format: form.fields['response_format']?.[0] } : request.json;
  const { model, n = 1, response_format: format } = fields;
  const gptImage = String(model).startsWith('gpt-image');
  const data = Array.from({ length: n }, (_, i) => (gptImage || format === 'b64_json' ? { b64_json: PNG } : { url: `https://images.example/${i}.png`, revised_prompt: 'a red fox, painted' }));
  return gptImage ? { created: 1_700_000_000, data, size: '1024x1024', usage: { input_tokens: 20, output_tokens: 1056 * n, total_tokens: 20 + 1056 * n } } : { created: 1_700_000_000, data };
}

/** The error a call fails with (a call that succeeds fails the test). */
const failure = (call: Promise<unknown>) =>
  call.then(
    () => expect.unreachable('the call should have failed'),
    (error: unknown) => error as InstanceType<typeof OpenAI.APIError>,
  );

let openai: RecordingServer;
let azure: RecordingServer;
let gateway: TestGateway;
let client: OpenAI;

beforeAll(async () => {
  openai = await startRecordingServer(async (request, res) => sendJson(res, 200, await imagesAnswer(request)));
  azure = await startRecordingServer(async (request, res) => sendJson(res, 200, await imagesAnswer(request)));
  gateway = await startGateway(
    `
model_list:
  - model_name: dall-e-3
    litellm_params: { model: openai/dall-e-3, api_base: ${openai.url}, api_key: sk-openai-upstream }
  - model_name: gpt-image
    litellm_params: { model: openai/gpt-image-1, api_base: ${openai.url}, api_key: sk-openai-upstream }
  - model_name: azure-images
    litellm_params: { model: azure/my-dalle, api_base: ${azure.url}, api_key: ${AZURE_KEY}, api_version: 2025-04-01-preview }
    model_info: { base_model: azure/dall-e-3 }
  - model_name: groq-chat
    litellm_params: { model: groq/llama-3.1-8b-instant, api_base: ${openai.url}, api_key: gsk-test }
  - model_name: groq-new
    litellm_params: { model: groq/a-model-the-price-table-does-not-know, api_base: ${openai.url}, api_key: gsk-test }
  - model_name: in-house-painter
    litellm_params: { model: openai/house-painter-2, api_base: ${openai.url}, api_key: sk-openai-upstream, output_cost_per_image: 0.01 }
    model_info: { mode: image_generation }
general_settings: { master_key: ${MASTER} }
`,
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
  openai.respond(async (request, res) => sendJson(res, 200, await imagesAnswer(request)));
});

describe('image generation through the openai client', () => {
  it('passes the request on and prices a DALL·E image by its quality and size entry', async () => {
    const { data, response } = await client.images
      .generate({ model: 'dall-e-3', prompt: 'a red fox', size: '1792x1024', quality: 'hd', response_format: 'url', style: 'natural', user: 'end-user-1' })
      .withResponse();
    expect(data.data!).toEqual([{ url: 'https://images.example/0.png', revised_prompt: 'a red fox, painted' }]);
    expect(Number(response.headers.get('x-litellm-response-cost'))).toBe(0.12);
    const sent = openai.requests[0]!;
    expect(sent.url).toBe('/v1/images/generations');
    expect(sent.headers['authorization']).toBe('Bearer sk-openai-upstream');
    expect(sent.json).toEqual({ model: 'dall-e-3', prompt: 'a red fox', size: '1792x1024', quality: 'hd', response_format: 'url', style: 'natural', user: 'end-user-1' });

    const standard = await client.images.generate({ model: 'dall-e-3', prompt: 'a red fox' }).withResponse();
    expect(Number(standard.response.headers.get('x-litellm-response-cost'))).toBe(0.04);
  });

  it('prices a gpt-image model per token from its usage, and passes background and output_format on', async () => {
    const { data, response } = await client.images.generate({ model: 'gpt-image', prompt: 'a logo', n: 2, background: 'transparent', output_format: 'webp', quality: 'medium' }).withResponse();
    expect(data.data!.map((image) => image.b64_json)).toEqual([PNG, PNG]);
    expect(data.usage).toEqual({ input_tokens: 20, output_tokens: 2112, total_tokens: 2132 });
    expect(Number(response.headers.get('x-litellm-response-cost'))).toBeCloseTo(20 * 5e-6 + 2112 * 40e-6, 9);
    expect(openai.requests[0]!.json).toMatchObject({ model: 'gpt-image-1', n: 2, background: 'transparent', output_format: 'webp', quality: 'medium' });
  });

  it('calls an Azure deployment at its images URL with the api-key header, priced by its base model', async () => {
    const { data, response } = await client.images.generate({ model: 'azure-images', prompt: 'a fox', response_format: 'b64_json' }).withResponse();
    expect(data.data![0]!.b64_json).toBe(PNG);
    expect(Number(response.headers.get('x-litellm-response-cost'))).toBe(0.04);
    const sent = azure.requests[0]!;
    expect(sent.url).toBe('/openai/deployments/my-dalle/images/generations?api-version=2025-04-01-preview');
    expect(sent.headers['api-key']).toBe(AZURE_KEY);
  });

  it('falls back to another model group when the upstream fails before answering', async () => {
    openai.respond((_request, res) => sendJson(res, 500, { error: { message: 'The server had an error', type: 'server_error' } }));
    const { data, response } = await client.images
      .generate({ model: 'dall-e-3', prompt: 'a fox', fallbacks: ['azure-images'], num_retries: 0 } as OpenAI.ImageGenerateParamsNonStreaming)
      .withResponse();
    expect(data.data!).toHaveLength(1);
    expect(azure.requests).toHaveLength(1);
    expect(response.headers.get('x-litellm-attempted-fallbacks')).toBe('1');
  });

  it('maps the upstream error: a content policy refusal is a 400 the client raises', async () => {
    openai.respond((_request, res) =>
      sendJson(res, 400, { error: { message: 'Your request was rejected as a result of our safety system.', type: 'invalid_request_error', code: 'content_policy_violation' } }),
    );
    const error = await failure(client.images.generate({ model: 'dall-e-3', prompt: 'something' }));
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error.code).toBe('content_policy_violation');
  });

  it('refuses an answer with more images than asked for: a 502, charged the most the request could use', async () => {
    openai.respond((_request, res) => sendJson(res, 200, { created: 1, data: [{ url: 'https://a' }, { url: 'https://b' }] }));
    const error = await failure(client.images.generate({ model: 'dall-e-3', prompt: 'a fox' }));
    expect(error.status).toBe(502);
    expect(error.message).toContain('images 2 is more than this request can use (1)');
  });

  it('refuses a chat model with a 400 that names the endpoints its mode is served on', async () => {
    const error = await failure(client.images.generate({ model: 'groq-chat', prompt: 'a fox' }));
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error.message).toContain('Model "groq-chat" is a chat model: it is served on POST /v1/chat/completions and /v1/messages, not here');
    expect(openai.requests).toHaveLength(0);
  });

  it('attempts a model of unknown mode, and says which providers serve images when its provider does not', async () => {
    const error = await failure(client.images.generate({ model: 'groq-new', prompt: 'a fox' }));
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error.message).toContain('Model "groq-new" does not serve image generation: its provider groq has no image generation API in Tollgate');
    expect(error.message).toContain('openai, azure');
    expect(openai.requests).toHaveLength(0);
  });

  it("shows each model's mode in /v1/models and /model/info, model_info.mode first", async () => {
    const models = await client.models.list();
    const modes = Object.fromEntries(models.data.map((m) => [m.id, (m as unknown as { mode?: string }).mode]));
    expect(modes).toMatchObject({ 'dall-e-3': 'image_generation', 'gpt-image': 'image_generation', 'groq-chat': 'chat', 'in-house-painter': 'image_generation' });
    expect(modes['groq-new']).toBeUndefined();
    const info = await fetch(`${gateway.url}/model/info`, { headers: { authorization: `Bearer ${MASTER}` } });
    const byName = Object.fromEntries(((await info.json()) as { data: Array<{ model_name: string; model_info: { mode: string | null } }> }).data.map((d) => [d.model_name, d.model_info.mode]));
    expect(byName).toMatchObject({ 'dall-e-3': 'image_generation', 'groq-chat': 'chat', 'groq-new': null, 'in-house-painter': 'image_generation' });
    // Its configured mode routes it: images yes, chat no.
    const { response } = await client.images.generate({ model: 'in-house-painter', prompt: 'a fox' }).withResponse();
    expect(Number(response.headers.get('x-litellm-response-cost'))).toBe(0.01);
    const chat = await failure(client.chat.completions.create({ model: 'in-house-painter', messages: [{ role: 'user', content: 'hi' }] }));
    expect(chat.message).toContain('is an image_generation model: it is served on POST /v1/images/generations');
  });

  it('edits images given as files (several, with a mask), passing the form on as sent', async () => {
    const photo = Buffer.from('89504e470d0a1a0a-photo', 'latin1');
    const logo = Buffer.from('89504e470d0a1a0a-logo', 'latin1');
    const mask = Buffer.from('89504e470d0a1a0a-mask', 'latin1');
    const { data, response } = await client.images
      .edit({
        model: 'gpt-image',
        image: [await toFile(photo, 'photo.png', { type: 'image/png' }), await toFile(logo, 'logo.png', { type: 'image/png' })],
        mask: await toFile(mask, 'mask.png', { type: 'image/png' }),
        prompt: 'put the logo on the mug',
        n: 2,
        size: '1024x1024',
      })
      .withResponse();
    expect(data.data!.map((image) => image.b64_json)).toEqual([PNG, PNG]);
    expect(Number(response.headers.get('x-litellm-response-cost'))).toBeCloseTo(20 * 5e-6 + 2112 * 40e-6, 9);
    const sent = openai.requests[0]!;
    expect(sent.url).toBe('/v1/images/edits');
    const form = await readForm(sent.headers['content-type']!, sent.raw);
    expect(form.fields).toMatchObject({ model: ['gpt-image-1'], prompt: ['put the logo on the mug'], n: ['2'], size: ['1024x1024'] });
    expect(form.files['mask']!.bytes).toEqual(mask);
    // Several images go up as image[], as the openai clients send them.
    expect(form.fields['image[]']).toBeUndefined();
    expect(Object.keys(form.files).sort()).toEqual(['image[]', 'mask']);
  });

  it('edits on Azure at its deployment URL, and refuses a form without an image', async () => {
    await client.images.edit({ model: 'azure-images', image: await toFile(Buffer.from('png'), 'a.png', { type: 'image/png' }), prompt: 'brighter' });
    expect(azure.requests[0]!.url).toBe('/openai/deployments/my-dalle/images/edits?api-version=2025-04-01-preview');
    const form = new FormData();
    form.set('model', 'gpt-image');
    form.set('prompt', 'brighter');
    const noImage = await fetch(`${gateway.url}/v1/images/edits`, { method: 'POST', headers: { authorization: `Bearer ${MASTER}` }, body: form });
    expect(noImage.status).toBe(400);
    expect(((await noImage.json()) as { error: { param: string } }).error.param).toBe('image');
  });

  it('checks the body first: a 400 naming the field', async () => {
    const tooMany = await failure(client.images.generate({ model: 'dall-e-3', prompt: 'a fox', n: 11 }));
    expect(tooMany.status).toBe(400);
    expect(tooMany.message).toContain('n: n must be a whole number from 1 to 10');
    const badSize = await failure(client.images.generate({ model: 'dall-e-3', prompt: 'a fox', size: 'big' as '1024x1024' }));
    expect(badSize.message).toContain('size must be "auto" or WIDTHxHEIGHT');
    expect(openai.requests).toHaveLength(0);
  });

  it('serves /images/generations without the /v1 prefix, and takes explicit nulls as absent', async () => {
    const response = await fetch(`${gateway.url}/images/generations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${MASTER}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'dall-e-3', prompt: 'a fox', n: null, size: null, quality: null, response_format: null }),
    });
    expect(response.status).toBe(200);
    expect(Number(response.headers.get('x-litellm-response-cost'))).toBe(0.04);
  });
});
