// Guardrails on the kinds of model call beyond chat and /v1/messages: the Responses API (native to
// OpenAI, and bridged through chat for other providers), legacy completions and images, driven by the
// official `openai` client against fake upstreams on 127.0.0.1: the request masked where the upstream
// (and the stored conversation) sees it, blocked with no upstream call, and answers masked whole and
// streamed, the texts the stream's final events repeat included.
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EmbeddedDynamo } from '../../local/embedded-dynamodb.ts';
import { startFakeOpenAI } from '../helpers/fake-openai.ts';
import { MASTER, startDynamo, startKeysGateway, type KeysGateway } from '../helpers/identity.ts';
import { sendJson, startRecordingServer, type RecordingServer } from '../helpers/recording-server.ts';

const OPENAI_KEY = 'sk-openai-upstream-0123456789';
const SECRET = 'sk-proj-abcdefghijklmnopqrstuvwx0123';

let upstream: RecordingServer;
let painter: RecordingServer;
let dynamo: EmbeddedDynamo;
let gateway: KeysGateway;
let openai: OpenAI;

beforeAll(async () => {
  upstream = await startFakeOpenAI({ apiKey: OPENAI_KEY, models: { 'gpt-4o-mini': { maxOutputTokens: 16384, reasoning: false } } });
  painter = await startRecordingServer((request, res) => sendJson(res, 200, { created: 1, data: [{ b64_json: Buffer.from('png').toString('base64'), revised_prompt: request.json.prompt }] }));
  dynamo = await startDynamo();
  // A table, so that Responses turns are stored.
  gateway = await startKeysGateway(dynamo.endpoint, {
    env: { OPENAI_KEY },
    config: `
model_list:
  - model_name: gpt
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${upstream.url}/v1, api_key: os.environ/OPENAI_KEY }
  - model_name: bridged
    litellm_params: { model: hosted_vllm/gpt-4o-mini, api_base: ${upstream.url}/v1, api_key: os.environ/OPENAI_KEY }
  - model_name: painter
    litellm_params: { model: openai/dall-e-3, api_base: ${painter.url}/v1, api_key: os.environ/OPENAI_KEY }
guardrails:
  - guardrail_name: pii-in
    litellm_params:
      guardrail: litellm_content_filter
      mode: pre_call
      patterns:
        - { pattern_type: prebuilt, pattern_name: email, action: MASK }
        - { pattern_type: prebuilt, pattern_name: us_ssn, action: BLOCK }
  - guardrail_name: answers
    litellm_params:
      guardrail: litellm_content_filter
      mode: post_call
      default_on: true
      patterns:
        - { pattern_type: prebuilt, pattern_name: email, action: MASK }
        - { pattern_type: prebuilt, pattern_name: openai_api_key, action: BLOCK }
general_settings: { master_key: ${MASTER} }
`,
  });
  openai = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: MASTER, maxRetries: 0 });
});
afterAll(async () => {
  await gateway.close();
  await Promise.all([upstream.close(), painter.close()]);
  await dynamo.close();
});
beforeEach(() => {
  upstream.requests.length = 0;
  painter.requests.length = 0;
});

/** What a call rejected with. */
async function failure(promise: Promise<unknown>): Promise<any> {
  return promise.then(
    () => undefined,
    (error) => error,
  );
}

/** The raw SSE text a streamed call sent, as the client received it. */
async function rawStream(path: string, body: object): Promise<string> {
  const response = await fetch(`${gateway.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${MASTER}`, 'content-type': 'application/json' },
    body: JSON.stringify({ ...body, stream: true }),
  });
  expect(response.status).toBe(200);
  return response.text();
}

describe('the Responses API', () => {
  it('masks the instructions and input items before the upstream sees them, and stores them masked', async () => {
    const response = await openai.responses.create({
      model: 'gpt',
      instructions: 'Reply to ops@corp.example.',
      input: [
        { role: 'user', content: [{ type: 'input_text', text: 'who owns it? I am jane.doe@example.com' }] },
        { type: 'function_call', call_id: 'call_1', name: 'owner', arguments: '{"of":"it"}' },
        { type: 'function_call_output', call_id: 'call_1', output: 'owner: ann@example.org' },
      ],
      tools: [{ type: 'function', name: 'owner', parameters: { type: 'object', properties: { of: { type: 'string' } } }, strict: false }],
      guardrails: ['pii-in'],
    } as any);
    expect(response.output_text).toBe('tool said: owner: [EMAIL_REDACTED]');
    const sent = JSON.stringify(upstream.requests[0]!.json);
    expect(sent).toContain('Reply to [EMAIL_REDACTED].');
    expect(sent).toContain('I am [EMAIL_REDACTED]');
    expect(sent).toContain('owner: [EMAIL_REDACTED]');
    expect(sent).not.toMatch(/jane\.doe|ann@|ops@/);
    const stored = JSON.stringify(await openai.responses.inputItems.list(response.id));
    expect(stored).toContain('[EMAIL_REDACTED]');
    expect(stored).not.toMatch(/jane\.doe|ann@/);
  });

  it('masks a string input in what is sent and in the stored item made from it', async () => {
    const response = await openai.responses.create({ model: 'gpt', input: 'from bob@example.com [[say ok]]', guardrails: ['pii-in'] } as any);
    expect(upstream.requests[0]!.json.input).toBe('from [EMAIL_REDACTED] [[say ok]]');
    expect(JSON.stringify(await openai.responses.inputItems.list(response.id))).not.toContain('bob@');
  });

  it('blocks before any upstream call', async () => {
    const error = await failure(openai.responses.create({ model: 'gpt', input: 'SSN 123-45-6789', guardrails: ['pii-in'] } as any));
    expect(error?.status).toBe(400);
    expect(JSON.parse(error.error.message)).toMatchObject({ guardrail_name: 'pii-in', guardrail_mode: 'pre_call' });
    expect(upstream.requests).toHaveLength(0);
  });

  it('masks a whole answer, native and bridged through chat', async () => {
    for (const model of ['gpt', 'bridged']) {
      const response = await openai.responses.create({ model, input: '[[say write to alice@example.com today]]' });
      expect(response.output_text, model).toBe('write to [EMAIL_REDACTED] today');
    }
  });

  it('masks a streamed answer in its deltas and in the whole texts its last events repeat, native and bridged', async () => {
    for (const model of ['gpt', 'bridged']) {
      const raw = await rawStream('/v1/responses', { model, input: '[[say please write to alice.smith@example.com about it]]' });
      expect(raw, model).not.toContain('alice');
      const events = raw
        .split('\n')
        .filter((line) => line.startsWith('data: '))
        .map((line) => JSON.parse(line.slice(6)));
      const deltas = events.filter((event) => event.type === 'response.output_text.delta').map((event) => event.delta);
      expect(deltas.join(''), model).toBe('please write to [EMAIL_REDACTED] about it');
      expect(events.find((event) => event.type === 'response.output_text.done')?.text, model).toBe('please write to [EMAIL_REDACTED] about it');
      const completed = events.find((event) => event.type === 'response.completed');
      expect(completed.response.output[0].content[0].text, model).toBe('please write to [EMAIL_REDACTED] about it');
    }
  });

  it('ends a stream whose answer holds a secret with an in-band error event', async () => {
    const raw = await rawStream('/v1/responses', { model: 'gpt', input: `[[say the key is ${SECRET}]]` });
    expect(raw).not.toContain(SECRET);
    expect(raw).toContain('event: error');
    expect(raw).toContain('Violated guardrail policy');
    expect(raw).not.toContain('response.completed');
  });
});

describe('legacy completions', () => {
  it('masks the prompt before the upstream sees it, and blocks with no upstream call', async () => {
    await openai.completions.create({ model: 'gpt', prompt: 'mail bob@example.com [[say ok]]', guardrails: ['pii-in'] } as any);
    expect(upstream.requests[0]!.json.prompt).toBe('mail [EMAIL_REDACTED] [[say ok]]');
    const error = await failure(openai.completions.create({ model: 'gpt', prompt: 'SSN 123-45-6789', guardrails: ['pii-in'] } as any));
    expect(error?.status).toBe(400);
    expect(upstream.requests).toHaveLength(1);
  });

  it('masks the answer whole and streamed, native and bridged', async () => {
    for (const model of ['gpt', 'bridged']) {
      const whole = await openai.completions.create({ model, prompt: '[[say reach carol@example.com soon]]' });
      expect(whole.choices[0]!.text, model).toBe('reach [EMAIL_REDACTED] soon');
      const stream = await openai.completions.create({ model, prompt: '[[say reach carol.jones@example.com soon please]]', stream: true });
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.text ?? '';
      expect(text, model).toBe('reach [EMAIL_REDACTED] soon please');
    }
  });

  it('ends a stream whose answer holds a secret with an error', async () => {
    const raw = await rawStream('/v1/completions', { model: 'gpt', prompt: `[[say the key is ${SECRET}]]` });
    expect(raw).not.toContain(SECRET);
    expect(raw).toContain('Violated guardrail policy');
  });
});

describe('images', () => {
  it('masks the prompt before the upstream sees it, and blocks with no upstream call', async () => {
    const images = await openai.images.generate({ model: 'painter', prompt: 'a portrait of dave@example.com', response_format: 'b64_json', guardrails: ['pii-in'] } as any);
    expect(images.data).toHaveLength(1);
    expect(painter.requests[0]!.json.prompt).toBe('a portrait of [EMAIL_REDACTED]');
    const error = await failure(openai.images.generate({ model: 'painter', prompt: 'SSN 123-45-6789', guardrails: ['pii-in'] } as any));
    expect(error?.status).toBe(400);
    expect(painter.requests).toHaveLength(1);
  });
});
