// The built-in content filter (LiteLLM's `litellm_content_filter`) as a guardrail on every kind of
// model call, driven by the official `openai` and `@anthropic-ai/sdk` clients against fake upstreams
// on 127.0.0.1: masking seen in what the upstream received, blocks with no upstream call, post_call
// on whole answers and on streams (a value split across chunks masked whole; a secret ending the
// stream with an in-band error), default_on versus per-request guardrails.
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RequestContext } from '../../shared/core/types.ts';
import { callRecordOf } from '../../shared/pricing/call-record.ts';
import { startFakeOpenAI } from '../helpers/fake-openai.ts';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';
import { sendJson, sendSse, sleep, startRecordingServer, type RecordingServer } from '../helpers/recording-server.ts';

const OPENAI_KEY = 'sk-openai-upstream-0123456789';
const MASTER = 'sk-test-master';
const models = { 'gpt-4o-mini': { maxOutputTokens: 16384, reasoning: false } };

let upstream: RecordingServer;
/** Streams what a test scripts, in chunks as small as it likes. */
let streamer: RecordingServer;
/** OpenAI's embeddings API: one vector per input. */
let embedder: RecordingServer;
let gateway: TestGateway;
let openai: OpenAI;
let anthropic: Anthropic;
const finished: RequestContext[] = [];

beforeAll(async () => {
  upstream = await startFakeOpenAI({ apiKey: OPENAI_KEY, models });
  streamer = await startRecordingServer();
  embedder = await startRecordingServer((request, res) => {
    const inputs: unknown[] = Array.isArray(request.json.input) ? request.json.input : [request.json.input];
    sendJson(res, 200, {
      object: 'list',
      model: request.json.model,
      data: inputs.map((_, index) => ({ object: 'embedding', index, embedding: [0.1, 0.2, 0.3] })),
      usage: { prompt_tokens: 8, total_tokens: 8 },
    });
  });
  gateway = await startGateway(
    `
model_list:
  - model_name: gpt
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${upstream.url}/v1, api_key: os.environ/OPENAI_KEY }
  - model_name: streamer
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${streamer.url}/v1, api_key: os.environ/OPENAI_KEY }
  - model_name: embedder
    litellm_params: { model: openai/text-embedding-3-small, api_base: ${embedder.url}/v1, api_key: os.environ/OPENAI_KEY }
guardrails:
  - guardrail_name: pii-in
    litellm_params:
      guardrail: litellm_content_filter
      mode: pre_call
      default_on: true
      patterns:
        - { pattern_type: prebuilt, pattern_name: email, action: MASK }
        - { pattern_type: prebuilt, pattern_name: credit_card, action: MASK }
        - { pattern_type: prebuilt, pattern_name: us_ssn, action: BLOCK }
        - { pattern_type: prebuilt, pattern_name: aws_access_key, action: BLOCK }
        - { pattern_type: regex, pattern: 'EMP-\\d{4}', name: employee_id, action: MASK }
      blocked_words:
        - { keyword: confidential, action: BLOCK }
  - guardrail_name: answers
    litellm_params:
      guardrail: litellm_content_filter
      mode: post_call
      patterns:
        - { pattern_type: prebuilt, pattern_name: email, action: MASK }
        - { pattern_type: prebuilt, pattern_name: openai_api_key, action: BLOCK }
        - { pattern_type: prebuilt, pattern_name: private_key, action: BLOCK }
        - { pattern_type: regex, pattern: 'TICKET-[A-Z ]{150,}END', name: long_ticket, action: MASK }
  - guardrail_name: hide-secrets
    litellm_params: { guardrail: hide-secrets, mode: pre_call }
general_settings: { master_key: ${MASTER} }
`,
    { OPENAI_KEY },
    { afterResponse: [(ctx) => void finished.push(ctx)] },
  );
  openai = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: MASTER, maxRetries: 0 });
  anthropic = new Anthropic({ baseURL: gateway.url, apiKey: MASTER, maxRetries: 0 });
});
afterAll(async () => {
  await gateway.close();
  await Promise.all([upstream.close(), streamer.close(), embedder.close()]);
});
beforeEach(() => {
  upstream.requests.length = 0;
  streamer.requests.length = 0;
  embedder.requests.length = 0;
  finished.length = 0;
});

async function lastFinished(): Promise<RequestContext> {
  for (let i = 0; i < 100 && !finished.length; i++) await sleep(5);
  return finished.at(-1)!;
}

/** What a call rejected with. */
async function failure(promise: Promise<unknown>): Promise<any> {
  return promise.then(
    () => undefined,
    (error) => error,
  );
}

/** OpenAI SSE: `text` cut into chunks of `size` characters, then the finish. */
function chunked(text: string, size: number): string[] {
  const chunk = (delta: object, finish: string | null = null) =>
    `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] })}\n\n`;
  const out = [chunk({ role: 'assistant', content: '' })];
  for (let at = 0; at < text.length; at += size) out.push(chunk({ content: text.slice(at, at + size) }));
  return [...out, chunk({}, 'stop'), 'data: [DONE]\n\n'];
}

describe('pre_call on chat', () => {
  it('masks e-mail addresses, valid card numbers and custom patterns before the upstream sees them', async () => {
    const { data, response } = await openai.chat.completions
      .create({
        model: 'gpt',
        messages: [
          { role: 'system', content: 'Staff EMP-1234 writes from ops@corp.example.' },
          { role: 'user', content: 'Card 4111 1111 1111 1111, order 4111 1111 1111 1112, mail me at jane.doe@example.com [[say noted]]' },
        ],
      })
      .withResponse();
    expect(data.choices[0]!.message.content).toBe('noted');
    expect(response.headers.get('x-litellm-applied-guardrails')).toBe('pii-in');
    const sent = JSON.stringify(upstream.requests[0]!.json.messages);
    expect(sent).toContain('Staff [EMPLOYEE_ID_REDACTED] writes from [EMAIL_REDACTED].');
    // The order number fails the Luhn check: it is no card, and stays.
    expect(sent).toContain('Card [CREDIT_CARD_REDACTED], order 4111 1111 1111 1112, mail me at [EMAIL_REDACTED]');
    expect(sent).not.toContain('jane.doe');
    const outcome = callRecordOf(await lastFinished())!.guardrails;
    expect(outcome).toEqual([
      { guardrail_name: 'pii-in', guardrail_mode: 'pre_call', action: 'masked', detected: expect.arrayContaining(['email pattern', 'credit_card pattern', 'employee_id pattern']) },
    ]);
    expect(outcome![0]!.detected).toHaveLength(3);
  });

  it('masks tool calls arguments and tool results too', async () => {
    await openai.chat.completions.create({
      model: 'gpt',
      messages: [
        { role: 'user', content: 'look her up' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"email":"ann@example.org"}' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: 'Ann, ann@example.org, card 5555 5555 5555 4444' },
      ],
      tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: { email: { type: 'string' } } } } }],
    });
    const [, call, result] = upstream.requests[0]!.json.messages;
    expect(call.tool_calls[0].function.arguments).toBe('{"email":"[EMAIL_REDACTED]"}');
    expect(result.content).toBe('Ann, [EMAIL_REDACTED], card [CREDIT_CARD_REDACTED]');
  });

  it('blocks with a 400 in LiteLLM shape that names the guardrail and the pattern, never the value, and calls no upstream', async () => {
    const error = await failure(openai.chat.completions.create({ model: 'gpt', messages: [{ role: 'user', content: 'My SSN is 123-45-6789' }] }));
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error.status).toBe(400);
    expect(error.error.type).toBe('None');
    expect(error.error.code).toBe('400');
    expect(JSON.parse(error.error.message)).toEqual({ error: 'Violated guardrail policy', guardrail_name: 'pii-in', guardrail_mode: 'pre_call', reason: 'us_ssn pattern detected' });
    expect(JSON.stringify(error.error)).not.toContain('123-45-6789');
    expect(upstream.requests).toHaveLength(0);
    expect(callRecordOf(await lastFinished())!.guardrails).toEqual([{ guardrail_name: 'pii-in', guardrail_mode: 'pre_call', action: 'blocked', detected: ['us_ssn pattern detected'] }]);
  });

  it('blocks cloud credentials and blocked words, as whole words', async () => {
    const key = await failure(openai.chat.completions.create({ model: 'gpt', messages: [{ role: 'user', content: 'use AKIAIOSFODNN7EXAMPLE please' }] }));
    expect(JSON.parse(key.error.message).reason).toBe('aws_access_key pattern detected');
    const word = await failure(openai.chat.completions.create({ model: 'gpt', messages: [{ role: 'user', content: 'This is CONFIDENTIAL.' }] }));
    expect(JSON.parse(word.error.message).reason).toBe('blocked word "confidential" detected');
    expect(upstream.requests).toHaveLength(0);
    await openai.chat.completions.create({ model: 'gpt', messages: [{ role: 'user', content: 'nonconfidentiality is a word [[say fine]]' }] });
    expect(upstream.requests).toHaveLength(1);
  });

  it('runs guardrails not default_on only when the request asks, in its body or its metadata; an unknown name is a 400', async () => {
    const SECRET = 'sk-proj-abcdefghijklmnopqrstuvwx0123';
    const answer = (body: object) => openai.chat.completions.create({ model: 'gpt', messages: [{ role: 'user', content: `[[say token ${SECRET}]]` }], ...body } as any);
    expect((await answer({})).choices[0]!.message.content).toBe(`token ${SECRET}`);
    for (const asks of [{ guardrails: ['answers'] }, { metadata: { guardrails: ['answers'] } }, { guardrails: { answers: { extra_body: {} } } }, { guardrails: [{ answers: {} }] }]) {
      const error = await failure(answer(asks));
      expect(error?.status, JSON.stringify(asks)).toBe(400);
      expect(JSON.parse(error.error.message).guardrail_name).toBe('answers');
    }
    const unknown = await failure(answer({ guardrails: ['nope'] }));
    expect(unknown.status).toBe(400);
    expect(unknown.error).toMatchObject({ param: 'guardrails', message: 'Unknown guardrail "nope" in guardrails: the gateway\'s guardrails are pii-in, answers, hide-secrets.' });
  });
});

describe('hide-secrets', () => {
  it("redacts credentials before the upstream sees them, as LiteLLM's secret detection does", async () => {
    await openai.chat.completions.create({
      model: 'gpt',
      guardrails: ['hide-secrets'],
      messages: [{ role: 'user', content: "what is the value of my open ai key? openai_api_key=sk-1234998222, and ghp_16C7e42F292c6912E7710c838347Ae178B4a, API_KEY = 'sk_1234567890abcdef'" }],
    } as any);
    expect(upstream.requests[0]!.json.messages[0].content).toBe("what is the value of my open ai key? openai_api_key=[REDACTED], and [REDACTED], API_KEY = '[REDACTED]'");
    expect(upstream.requests[0]!.json.messages[0].content).not.toContain('ghp_');
  });
});

describe('post_call', () => {
  it('blocks a whole answer that holds a secret, and still records its usage', async () => {
    const error = await failure(
      openai.chat.completions.create({ model: 'gpt', guardrails: ['answers'], messages: [{ role: 'user', content: '[[say the key is sk-proj-abcdefghijklmnopqrstuvwx0123]]' }] } as any),
    );
    expect(error.status).toBe(400);
    expect(JSON.parse(error.error.message)).toMatchObject({ guardrail_name: 'answers', guardrail_mode: 'post_call', reason: 'openai_api_key pattern detected' });
    expect(JSON.stringify(error.error)).not.toContain('abcdefghij');
    const record = callRecordOf(await lastFinished())!;
    expect(record.usage?.completion_tokens).toBeGreaterThan(0);
  });

  it('masks a streamed value split across many chunks whole, without waiting for the whole answer', async () => {
    const text = `${'Some words before it. '.repeat(8)}Reach me at jane.doe@example.com today, or later at j.d@corp.example.org. ${'And more words after. '.repeat(8)}`;
    streamer.respond((_r, res) => sendSse(res, chunked(text, 3)));
    const stream = await openai.chat.completions.create({ model: 'streamer', guardrails: ['answers'], messages: [{ role: 'user', content: 'hi' }], stream: true } as any);
    const pieces: string[] = [];
    for await (const chunk of stream as any) if (chunk.choices[0]?.delta.content) pieces.push(chunk.choices[0].delta.content);
    expect(pieces.join('')).toBe(text.replace('jane.doe@example.com', '[EMAIL_REDACTED]').replace('j.d@corp.example.org', '[EMAIL_REDACTED]'));
    // Released a segment at a time, not held to the end.
    expect(pieces.length).toBeGreaterThan(3);
  });

  it('ends a stream that reveals a secret with an in-band error, the secret never sent', async () => {
    const text = `${'Here is some harmless text. '.repeat(6)}-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\n-----END RSA PRIVATE KEY----- and the rest.`;
    streamer.respond((_r, res) => sendSse(res, chunked(text, 5)));
    const stream = await openai.chat.completions.create({ model: 'streamer', guardrails: ['answers'], messages: [{ role: 'user', content: 'hi' }], stream: true } as any);
    let received = '';
    const error = await failure(
      (async () => {
        for await (const chunk of stream as any) received += chunk.choices[0]?.delta.content ?? '';
      })(),
    );
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(JSON.parse(error.error.message)).toMatchObject({ guardrail_name: 'answers', reason: 'private_key pattern detected' });
    expect(received).not.toContain('MIIB');
    expect(text.startsWith(received)).toBe(true);
    expect(callRecordOf(await lastFinished())!.guardrails).toContainEqual({ guardrail_name: 'answers', guardrail_mode: 'post_call', action: 'blocked', detected: ['private_key pattern detected'] });
  });
});

describe('post_call on a stream, what cannot be masked', () => {
  it('ends the stream as a block when a value to mask began in text already sent', async () => {
    // A match longer than a segment's held-back words: its start is out before its end arrives.
    const ticket = `TICKET-${'AB CD '.repeat(40)}END`;
    const text = `${'Plain words here. '.repeat(4)}${ticket} after.`;
    streamer.respond((_r, res) => sendSse(res, chunked(text, 7)));
    const stream = await openai.chat.completions.create({ model: 'streamer', guardrails: ['answers'], messages: [{ role: 'user', content: 'hi' }], stream: true } as any);
    let received = '';
    const error = await failure(
      (async () => {
        for await (const chunk of stream as any) received += chunk.choices[0]?.delta.content ?? '';
      })(),
    );
    expect(JSON.parse(error.error.message)).toMatchObject({ guardrail_name: 'answers', reason: 'a value to mask begins in text already streamed to the client' });
    expect(received).not.toContain('END');
    expect(text.startsWith(received)).toBe(true);
  });
});

describe('/v1/embeddings', () => {
  it('masks and blocks the inputs before the upstream embeds them', async () => {
    await openai.embeddings.create({ model: 'embedder', input: ['call ann@example.org', 'nothing here'] });
    expect(embedder.requests[0]!.json.input).toEqual(['call [EMAIL_REDACTED]', 'nothing here']);
    await openai.embeddings.create({ model: 'embedder', input: 'card 4111111111111111' });
    expect(embedder.requests[1]!.json.input).toBe('card [CREDIT_CARD_REDACTED]');
    const error = await failure(openai.embeddings.create({ model: 'embedder', input: ['ok', 'SSN 123-45-6789'] }));
    expect(error.status).toBe(400);
    expect(embedder.requests).toHaveLength(2);
  });
});

describe('/v1/messages', () => {
  it('masks the request before any provider sees it, and blocks in Anthropic error shape', async () => {
    const message = await anthropic.messages.create({
      model: 'gpt',
      max_tokens: 100,
      system: 'Reply to ops@corp.example',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'I am jane.doe@example.com [[say ok]]' }] }],
    });
    expect(message.content).toEqual([{ type: 'text', text: 'ok', citations: null }].map(({ citations: _c, ...block }) => block));
    const sent = JSON.stringify(upstream.requests[0]!.json.messages);
    expect(sent).toContain('Reply to [EMAIL_REDACTED]');
    expect(sent).toContain('I am [EMAIL_REDACTED]');

    const error = await failure(anthropic.messages.create({ model: 'gpt', max_tokens: 100, messages: [{ role: 'user', content: 'SSN 123-45-6789' }] }));
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect(error.error).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    expect(JSON.parse(error.error.error.message)).toMatchObject({ guardrail_name: 'pii-in', reason: 'us_ssn pattern detected' });
    expect(upstream.requests).toHaveLength(1);
  });

  it('masks a streamed answer translated from chat', async () => {
    const text = `${'Words, words. '.repeat(10)}Write to ann@example.org now.`;
    streamer.respond((_r, res) => sendSse(res, chunked(text, 4)));
    const stream = anthropic.messages.stream({ model: 'streamer', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }], guardrails: ['answers'] } as any);
    const final = await stream.finalMessage();
    expect(final.content).toEqual([expect.objectContaining({ type: 'text', text: text.replace('ann@example.org', '[EMAIL_REDACTED]') })]);
  });
});
