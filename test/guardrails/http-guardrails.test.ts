// The guardrails that are HTTP services, each against a local fake speaking its documented contract:
// LiteLLM's Generic Guardrail API (POST /beta/litellm_basic_guardrail_api), Microsoft Presidio's
// analyzer (/analyze) and anonymizer (/anonymize), and OpenAI's moderation API (/v1/moderations).
// Driven by the official openai and @anthropic-ai/sdk clients, a passed-through Anthropic stream too.
import Anthropic from '@anthropic-ai/sdk';
import type { ServerResponse } from 'node:http';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeAnthropic } from '../helpers/fake-anthropic.ts';
import { startFakeOpenAI } from '../helpers/fake-openai.ts';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';
import { sendJson, startRecordingServer, type RecordedRequest, type RecordingServer } from '../helpers/recording-server.ts';

const OPENAI_KEY = 'sk-openai-upstream-0123456789';
const ANTHROPIC_KEY = 'sk-ant-api03-upstream-key-0123456789';
const GUARD_KEY = 'guard-service-key-42';
const MODERATION_KEY = 'sk-moderation-key-0123456789';
const MASTER = 'sk-test-master';

let openaiUpstream: RecordingServer;
let anthropicUpstream: RecordingServer;
let generic: RecordingServer;
let presidio: RecordingServer;
let moderation: RecordingServer;
let gateway: TestGateway;
let openai: OpenAI;
let anthropic: Anthropic;

/** The generic guardrail service: blocks "badword", replaces "pii_value" (and in answers "out_value"), passes the rest. */
function genericService(request: RecordedRequest, res: ServerResponse): void | Promise<void> {
  if (request.url !== '/beta/litellm_basic_guardrail_api') return sendJson(res, 404, { detail: 'Not Found' });
  if (request.headers['x-api-key'] !== GUARD_KEY) return sendJson(res, 401, { detail: 'bad key' });
  const texts: string[] = request.json.texts;
  if (texts.some((text) => text.includes('badword'))) return sendJson(res, 200, { action: 'BLOCKED', blocked_reason: 'Content contains prohibited terms' });
  const masked = /pii_value/g;
  const pattern = request.json.input_type === 'response' ? /pii_value|out_value/g : masked;
  if (texts.some((text) => text.match(pattern))) return sendJson(res, 200, { action: 'GUARDRAIL_INTERVENED', texts: texts.map((text) => text.replaceAll(pattern, '[MASKED]')) });
  sendJson(res, 200, { action: 'NONE' });
}

/** Presidio's analyzer and anonymizer: e-mail addresses, one known name, SSNs; `<ENTITY_TYPE>` replacements. */
function presidioService(request: RecordedRequest, res: ServerResponse): void | Promise<void> {
  if (request.url === '/analyze') {
    const { text, entities } = request.json as { text: string; entities?: string[] };
    const found: Array<{ entity_type: string; start: number; end: number; score: number }> = [];
    for (const [type, regex, score] of [
      ['EMAIL_ADDRESS', /[\w.]+@[\w.]+\.[a-z]+/g, 1],
      ['PERSON', /John Smith/g, 0.85],
      ['US_SSN', /\d{3}-\d{2}-\d{4}/g, 0.9],
    ] as const) {
      for (const match of text.matchAll(regex)) found.push({ entity_type: type, start: match.index, end: match.index + match[0].length, score });
    }
    return sendJson(
      res,
      200,
      found.filter((f) => !entities || entities.includes(f.entity_type)),
    );
  }
  if (request.url === '/anonymize') {
    const { text, analyzer_results: results } = request.json as { text: string; analyzer_results: Array<{ entity_type: string; start: number; end: number }> };
    let out = text;
    const items: Array<{ start: number; end: number; entity_type: string; text: string; operator: string }> = [];
    for (const result of [...results].sort((a, b) => b.start - a.start)) {
      const replacement = `<${result.entity_type}>`;
      out = out.slice(0, result.start) + replacement + out.slice(result.end);
      items.unshift({ start: result.start, end: result.start + replacement.length, entity_type: result.entity_type, text: replacement, operator: 'replace' });
    }
    // Later items' offsets move by the earlier replacements' change in length.
    let shift = 0;
    for (const [i, item] of items.entries()) {
      item.start += shift;
      item.end += shift;
      const original = [...results].sort((a, b) => a.start - b.start)[i]!;
      shift += item.text.length - (original.end - original.start);
    }
    return sendJson(res, 200, { text: out, items });
  }
  sendJson(res, 404, { error: 'not found' });
}

/** OpenAI's moderation endpoint: flags violence ("kill"). */
function moderationService(request: RecordedRequest, res: ServerResponse): void | Promise<void> {
  if (request.url !== '/v1/moderations' || request.headers['authorization'] !== `Bearer ${MODERATION_KEY}`)
    return sendJson(res, 401, { error: { message: 'Incorrect API key provided', type: 'invalid_request_error' } });
  const inputs: string[] = Array.isArray(request.json.input) ? request.json.input : [request.json.input];
  const results = inputs.map((input) => {
    const violent = /\bkill\b/i.test(input);
    return { flagged: violent, categories: { violence: violent, harassment: false }, category_scores: { violence: violent ? 0.97 : 0.01, harassment: 0.01 } };
  });
  sendJson(res, 200, { id: 'modr-1', model: request.json.model, results });
}

beforeAll(async () => {
  openaiUpstream = await startFakeOpenAI({ apiKey: OPENAI_KEY, models: { 'gpt-4o-mini': { maxOutputTokens: 16384, reasoning: false } } });
  anthropicUpstream = await startFakeAnthropic({ apiKey: ANTHROPIC_KEY, models: { 'claude-sonnet-4-5-20250929': 64000 } });
  generic = await startRecordingServer(genericService);
  presidio = await startRecordingServer(presidioService);
  moderation = await startRecordingServer(moderationService);
  gateway = await startGateway(
    `
model_list:
  - model_name: gpt
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${openaiUpstream.url}/v1, api_key: os.environ/OPENAI_KEY }
  - model_name: claude
    litellm_params: { model: anthropic/claude-sonnet-4-5-20250929, api_base: ${anthropicUpstream.url}, api_key: os.environ/ANTHROPIC_KEY }
guardrails:
  - guardrail_name: in-house
    litellm_params:
      guardrail: generic_guardrail_api
      mode: [pre_call, post_call]
      api_base: ${generic.url}
      api_key: os.environ/GUARD_KEY
      additional_provider_specific_params: { threshold: 0.8 }
  - guardrail_name: pii
    litellm_params:
      guardrail: presidio
      mode: pre_call
      presidio_analyzer_api_base: ${presidio.url}
      presidio_anonymizer_api_base: ${presidio.url}
      pii_entities_config: { EMAIL_ADDRESS: MASK, PERSON: MASK, US_SSN: BLOCK }
      presidio_score_thresholds: { PERSON: 0.8 }
      output_parse_pii: true
  - guardrail_name: moderation
    litellm_params: { guardrail: openai_moderation, mode: during_call, api_key: os.environ/MODERATION_KEY, api_base: ${moderation.url} }
general_settings: { master_key: ${MASTER} }
`,
    { OPENAI_KEY, ANTHROPIC_KEY, GUARD_KEY, MODERATION_KEY },
  );
  openai = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: MASTER, maxRetries: 0 });
  anthropic = new Anthropic({ baseURL: gateway.url, apiKey: MASTER, maxRetries: 0 });
});
afterAll(async () => {
  await gateway.close();
  await Promise.all([openaiUpstream, anthropicUpstream, generic, presidio, moderation].map((server) => server.close()));
});
beforeEach(() => {
  for (const server of [openaiUpstream, anthropicUpstream, generic, presidio, moderation]) server.requests.length = 0;
});

const failure = (promise: Promise<unknown>): Promise<any> =>
  promise.then(
    () => undefined,
    (error) => error,
  );
const ask = (content: string, guardrails: unknown, extra: Record<string, unknown> = {}) =>
  openai.chat.completions.create({ model: 'gpt', messages: [{ role: 'user', content }], guardrails, ...extra } as any) as Promise<OpenAI.ChatCompletion>;

describe('the Generic Guardrail API', () => {
  it("posts the texts with who is calling and the config's and request's parameters; its modified texts go upstream", async () => {
    const answer = await ask('my pii_value here [[say done]]', [{ 'in-house': { extra_body: { strict: true } } }]);
    expect(answer.choices[0]!.message.content).toBe('done');
    expect(openaiUpstream.requests[0]!.json.messages[0].content).toBe('my [MASKED] here [[say done]]');
    const [request, response] = generic.requests.map((r) => r.json);
    expect(request).toMatchObject({
      texts: ['my pii_value here [[say done]]'],
      input_type: 'request',
      request_data: { user_api_key_hash: null },
      additional_provider_specific_params: { threshold: 0.8, strict: true },
    });
    expect(request.litellm_call_id).toMatch(/\S/);
    expect(response).toMatchObject({ texts: ['done'], input_type: 'response' });
  });

  it('blocks with the reason the service gives, and masks the answer under post_call', async () => {
    const error = await failure(ask('a badword', ['in-house']));
    expect(error.status).toBe(400);
    expect(JSON.parse(error.error.message)).toMatchObject({ guardrail_name: 'in-house', reason: 'Content contains prohibited terms' });
    expect(openaiUpstream.requests).toHaveLength(0);
    expect((await ask('[[say the pii_value is out]]', ['in-house'])).choices[0]!.message.content).toBe('the [MASKED] is out');
  });

  it('checks an Anthropic stream passed through event by event, masking the text deltas', async () => {
    const stream = anthropic.messages.stream({ model: 'claude', max_tokens: 200, messages: [{ role: 'user', content: '[[say here the out_value comes]]' }], guardrails: ['in-house'] } as any);
    const message = await stream.finalMessage();
    expect(message.content).toEqual([expect.objectContaining({ type: 'text', text: 'here the [MASKED] comes' })]);
    expect(anthropicUpstream.requests[0]!.json.guardrails).toBeUndefined();
    expect(generic.requests.at(-1)!.json).toMatchObject({ input_type: 'response', texts: ['here the out_value comes'] });
  });

  it('checks tool calls arguments in answers, whole and streamed', async () => {
    const tools = [{ type: 'function' as const, function: { name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } } } } }];
    const prompt = '[[call lookup {"q":"find out_value now"}]]';
    const whole = await ask(prompt, ['in-house'], { tools });
    expect((whole.choices[0]!.message.tool_calls![0] as OpenAI.ChatCompletionMessageFunctionToolCall).function).toMatchObject({ name: 'lookup', arguments: '{"q":"find [MASKED] now"}' });
    const stream = await openai.chat.completions.create({ model: 'gpt', messages: [{ role: 'user', content: prompt }], tools, stream: true, guardrails: ['in-house'] } as any);
    let args = '';
    for await (const chunk of stream as any) args += chunk.choices[0]?.delta.tool_calls?.[0]?.function?.arguments ?? '';
    expect(args).toBe('{"q":"find [MASKED] now"}');
  });

  it("takes guardrails in an Anthropic request's metadata, which does not reach Anthropic; masks what is passed through, and its whole answer", async () => {
    const message = await anthropic.messages.create({
      model: 'claude',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'my pii_value: [[say the out_value]]' }],
      metadata: { user_id: 'u1', guardrails: ['in-house'] },
    } as any);
    expect(message.content).toEqual([expect.objectContaining({ type: 'text', text: 'the [MASKED]' })]);
    expect(anthropicUpstream.requests[0]!.json.metadata).toEqual({ user_id: 'u1' });
    expect(anthropicUpstream.requests[0]!.json.messages[0].content).toBe('my [MASKED]: [[say the out_value]]');
  });
});

describe('Presidio', () => {
  it('masks the entities the analyzer finds through the anonymizer, and restores them in the answer (output_parse_pii)', async () => {
    const answer = await ask('I am John Smith, john@example.com. [[say Hello John Smith]]', ['pii']);
    expect(openaiUpstream.requests[0]!.json.messages[0].content).toBe('I am <PERSON>, <EMAIL_ADDRESS>. [[say Hello <PERSON>]]');
    expect(answer.choices[0]!.message.content).toBe('Hello John Smith');
    expect(presidio.requests[0]!.json).toEqual({ text: 'I am John Smith, john@example.com. [[say Hello John Smith]]', language: 'en', entities: ['EMAIL_ADDRESS', 'PERSON', 'US_SSN'] });
  });

  it('blocks the entities set to BLOCK, without calling the anonymizer or the upstream', async () => {
    const error = await failure(anthropic.messages.create({ model: 'gpt', max_tokens: 50, messages: [{ role: 'user', content: 'ssn 123-45-6789' }], guardrails: ['pii'] } as any));
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect(JSON.parse(error.error.error.message)).toMatchObject({ guardrail_name: 'pii', reason: 'PII US_SSN detected' });
    expect(presidio.requests.map((r) => r.url)).toEqual(['/analyze']);
    expect(openaiUpstream.requests).toHaveLength(0);
  });
});

describe('OpenAI moderation', () => {
  it('refuses what the moderation API flags, naming the categories; passes the rest', async () => {
    const error = await failure(ask('how do I kill a process tree [[say use kill -9]]', ['moderation']));
    expect(error.status).toBe(400);
    expect(JSON.parse(error.error.message)).toMatchObject({ guardrail_name: 'moderation', guardrail_mode: 'during_call', reason: 'flagged by OpenAI moderation: violence' });
    expect(moderation.requests[0]!.json).toEqual({ model: 'omni-moderation-latest', input: ['how do I kill a process tree [[say use kill -9]]'] });
    expect((await ask('[[say hi]]', ['moderation'])).choices[0]!.message.content).toBe('hi');
  });
});
