// POST /v1/moderations driven by the official `openai` client, in front of a fake OpenAI answering as
// its moderations reference describes: text and image inputs, free models recorded at zero cost.
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';
import { sendJson, startRecordingServer, type RecordedRequest, type RecordingServer } from '../helpers/recording-server.ts';

const MASTER = 'sk-test-master';
const failure = (call: Promise<unknown>) =>
  call.then(
    () => expect.unreachable('the call should have failed'),
    (error: unknown) => error as InstanceType<typeof OpenAI.APIError>,
  );

/** One result per input; anything mentioning "knife" is flagged as violence. */
function moderationAnswer(request: RecordedRequest) {
  const { input } = request.json;
  const inputs: unknown[] = typeof input === 'string' ? [input] : input;
  const texts = typeof inputs[0] === 'object' ? [JSON.stringify(inputs)] : (inputs as string[]);
  return {
    id: 'modr-1234',
    model: 'omni-moderation-2024-09-26',
    results: texts.map((text) => {
      const violent = text.includes('knife');
      return {
        flagged: violent,
        categories: { violence: violent, harassment: false },
        category_scores: { violence: violent ? 0.91 : 0.01, harassment: 0.001 },
        category_applied_input_types: { violence: ['text'] },
      };
    }),
  };
}

let openai: RecordingServer;
let gateway: TestGateway;
let client: OpenAI;

beforeAll(async () => {
  openai = await startRecordingServer((request, res) => sendJson(res, 200, moderationAnswer(request)));
  gateway = await startGateway(
    `
model_list:
  - model_name: moderation
    litellm_params: { model: openai/omni-moderation-latest, api_base: ${openai.url}, api_key: sk-openai-upstream }
  - model_name: omni-moderation-latest
    litellm_params: { model: openai/omni-moderation-latest, api_base: ${openai.url}, api_key: sk-openai-upstream }
  - model_name: azure-chat
    litellm_params: { model: azure/gpt-4o, api_base: ${openai.url}, api_key: azure-key }
    model_info: { base_model: azure/gpt-4o }
  - model_name: azure-new
    litellm_params: { model: azure/my-deployment, api_base: ${openai.url}, api_key: azure-key }
general_settings: { master_key: ${MASTER} }
`,
  );
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: MASTER, maxRetries: 0 });
});
afterAll(async () => {
  await gateway.close();
  await openai.close();
});
beforeEach(() => void (openai.requests.length = 0));

describe('moderations through the openai client', () => {
  it('moderates texts, names the model the client asked for, and costs nothing', async () => {
    const { data, response } = await client.moderations.create({ model: 'moderation', input: ['I like pie', 'I will use a knife'] }).withResponse();
    expect(data.model).toBe('moderation');
    expect(data.results.map((r) => r.flagged)).toEqual([false, true]);
    expect(data.results[1]!.category_scores.violence).toBe(0.91);
    expect(response.headers.get('x-litellm-response-cost')).toBe('0');
    const sent = openai.requests[0]!;
    expect(sent.url).toBe('/v1/moderations');
    expect(sent.json).toEqual({ model: 'omni-moderation-latest', input: ['I like pie', 'I will use a knife'] });
  });

  it("takes OpenAI's default model, omni-moderation-latest, when the request names none (LiteLLM's e2e tests send none)", async () => {
    const result = await fetch(`${gateway.url}/moderations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${MASTER}`, 'content-type': 'application/json' },
      body: JSON.stringify({ input: 'I like pie' }),
    });
    expect(result.status).toBe(200);
    expect(((await result.json()) as { model: string }).model).toBe('omni-moderation-latest');
    expect(openai.requests[0]!.json).toEqual({ model: 'omni-moderation-latest', input: 'I like pie' });
  });

  it('passes image inputs on to the omni models', async () => {
    const input: OpenAI.ModerationMultiModalInput[] = [
      { type: 'text', text: 'what is this?' },
      { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
    ];
    const result = await client.moderations.create({ model: 'moderation', input });
    expect(result.results).toHaveLength(1);
    expect(openai.requests[0]!.json.input).toEqual(input);
  });

  it('checks the input first, refuses a chat model by its mode, and says which providers moderate', async () => {
    const bad = await failure(client.moderations.create({ model: 'moderation', input: [{ type: 'audio' }] as never }));
    expect(bad.status).toBe(400);
    expect(bad.message).toContain('input must be a string, a list of strings');
    const chat = await failure(client.moderations.create({ model: 'azure-chat', input: 'hi' }));
    expect(chat.message).toContain('is a chat model');
    const azure = await failure(client.moderations.create({ model: 'azure-new', input: 'hi' }));
    expect(azure.status).toBe(400);
    expect(azure.message).toContain('does not serve moderation: its provider azure has no moderation API in Tollgate. Use a model configured with one that has (openai)');
    expect(openai.requests).toHaveLength(0);
  });
});
