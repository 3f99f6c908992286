// The gemini provider against a fake Gemini API on 127.0.0.1: URLs, key header, answers, streams,
// safety blocks, errors and embeddings.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GatewayError } from '../../../shared/core/errors.ts';
import type { ChatCompletionRequest, EmbeddingRequest } from '../../../shared/openai/types.ts';
import { geminiProvider } from '../../../shared/providers/gemini/provider.ts';
import { sendJson, sendSse, startRecordingServer, type RecordingServer } from '../../helpers/recording-server.ts';
import { API_KEY, collect, deployment, failure, fixtureJson, sseFrames } from './support.ts';

let upstream: RecordingServer;
beforeAll(async () => void (upstream = await startRecordingServer()));
afterAll(() => upstream.close());
beforeEach(() => void (upstream.requests.length = 0));

const chatRequest = (overrides: Partial<ChatCompletionRequest> = {}): ChatCompletionRequest => ({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'Hi' }], ...overrides });
const chat = (overrides: Partial<ChatCompletionRequest> = {}, apiBase = upstream.url) =>
  geminiProvider.chat({ request: chatRequest(overrides), deployment: deployment({ apiBase }), signal: new AbortController().signal });
async function streamed(overrides: Partial<ChatCompletionRequest> = {}) {
  const result = await chat({ ...overrides, stream: true });
  if (!result.stream) throw new Error('expected a stream');
  return collect(result.chunks);
}

describe('gemini chat', () => {
  it('calls generateContent with the key header and translates text, thoughts and usage', async () => {
    upstream.respond((_r, res) => sendJson(res, 200, fixtureJson('generate-text.json')));
    const result = await chat();
    const sent = upstream.requests[0]!;
    expect(sent.url).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expect(sent.headers['x-goog-api-key']).toBe(API_KEY);
    expect(sent.json).toEqual({ contents: [{ role: 'user', parts: [{ text: 'Hi' }] }] });
    if (result.stream) throw new Error('expected a completion');
    const { completion } = result;
    expect(completion.id).toBe('yJ8kaeHRHpjNvdIPgq6yoQ0');
    expect(completion.model).toBe('gemini-2.5-flash');
    expect(completion.choices[0]).toMatchObject({
      finish_reason: 'stop',
      message: { role: 'assistant', content: 'Waves fold into foam,\nsalt wind carries gull voices,\nthe tide keeps its time.', reasoning_content: expect.stringContaining('haiku') },
    });
    expect(completion.usage).toEqual({
      prompt_tokens: 2071,
      completion_tokens: 113,
      total_tokens: 2184,
      prompt_tokens_details: { cached_tokens: 2048 },
      completion_tokens_details: { reasoning_tokens: 92 },
    });
  });

  it.each(['', '/v1beta', '/v1beta/'])('accepts api_base with or without the version path (%j)', async (suffix) => {
    upstream.respond((_r, res) => sendJson(res, 200, fixtureJson('generate-text.json')));
    await chat({}, `${upstream.url}${suffix}`);
    expect(upstream.requests[0]!.url).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
  });

  it('gives function calls distinct ids, carrying the thought signature, and finishes with tool_calls', async () => {
    upstream.respond((_r, res) => sendJson(res, 200, fixtureJson('generate-function-call.json')));
    const result = await chat({ model: 'gemini-3-pro-preview' });
    if (result.stream) throw new Error('expected a completion');
    const choice = result.completion.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    const [first, second] = choice.message.tool_calls!;
    expect(first!.id).toMatch(/^call_[0-9a-f]{24}__thought__CiQB0e2Kb3Vw9wH2qB5ZsnNq8mY0o0mXh3Zb4kq1Yt5Qx2g=$/);
    expect(second!.id).toMatch(/^call_[0-9a-f]{24}$/);
    expect(first!.function).toEqual({ name: 'get_weather', arguments: '{"location":"San Francisco, CA","unit":"celsius"}' });
    expect(JSON.parse(second!.function.arguments)).toEqual({ timezone: 'America/Los_Angeles' });
  });

  it('streams text from streamGenerateContent?alt=sse, then the finish and a usage chunk', async () => {
    upstream.respond((_r, res) => sendSse(res, sseFrames('stream-text.sse')));
    const chunks = await streamed();
    expect(upstream.requests[0]!.url).toBe('/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse');
    expect(chunks[0]!.choices[0]!.delta.role).toBe('assistant');
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('Waves fold into foam,\nsalt wind carries gull voices,\nthe tide keeps its time.');
    expect(chunks.at(-2)!.choices[0]).toEqual({ index: 0, delta: {}, finish_reason: 'stop' });
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 9, completion_tokens: 21, total_tokens: 30 } });
    expect(new Set(chunks.map((c) => c.id))).toEqual(new Set(['3Z8kaYq0K5-KvdIPnKfTwQ4']));
  });

  it('streams thoughts as reasoning_content and a function call whole, then tool_calls', async () => {
    upstream.respond((_r, res) => sendSse(res, sseFrames('stream-function-call.sse')));
    const chunks = await streamed({ reasoning_effort: 'low' });
    expect(upstream.requests[0]!.json.generationConfig.thinkingConfig).toEqual({ thinkingBudget: 1024, includeThoughts: true });
    expect(chunks.map((c) => c.choices[0]?.delta.reasoning_content ?? '').join('')).toContain('I should call get_weather');
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('Let me look that up.');
    const call = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? [])[0]!;
    expect(call).toMatchObject({ index: 0, type: 'function', function: { name: 'get_weather', arguments: '{"location":"Paris","unit":"celsius"}' } });
    expect(call.id).toContain('__thought__CtwBAdHtim8');
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe('tool_calls');
    expect(chunks.at(-1)!.usage).toMatchObject({ prompt_tokens: 96, completion_tokens: 66, completion_tokens_details: { reasoning_tokens: 44 } });
  });

  it('streams several candidates (n) as choices of their own', async () => {
    const event = (candidates: unknown[]) => `data: ${JSON.stringify({ candidates, responseId: 'r1', modelVersion: 'gemini-2.5-flash' })}\n\n`;
    upstream.respond((_r, res) =>
      sendSse(res, [
        event([
          { content: { role: 'model', parts: [{ text: 'A' }] }, index: 0 },
          { content: { role: 'model', parts: [{ text: 'B' }] }, index: 1 },
        ]),
        event([
          { content: { role: 'model', parts: [{ text: '!' }] }, finishReason: 'STOP', index: 0 },
          { content: { role: 'model', parts: [{ text: '?' }] }, finishReason: 'MAX_TOKENS', index: 1 },
        ]),
      ]),
    );
    const chunks = await streamed({ n: 2 });
    expect(upstream.requests[0]!.json.generationConfig).toEqual({ candidateCount: 2 });
    const text = (i: number) => chunks.map((c) => (c.choices[0]?.index === i ? (c.choices[0].delta.content ?? '') : '')).join('');
    expect([text(0), text(1)]).toEqual(['A!', 'B?']);
    const finishes = chunks.flatMap((c) => c.choices.filter((choice) => choice.finish_reason).map((choice) => [choice.index, choice.finish_reason]));
    expect(finishes).toEqual([
      [0, 'stop'],
      [1, 'length'],
    ]);
  });

  it('ends a stream a safety filter stopped midway with content_filter', async () => {
    upstream.respond((_r, res) => sendSse(res, sseFrames('stream-safety-stop.sse')));
    const chunks = await streamed();
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('Here is how to');
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe('content_filter');
  });

  it.each(['prompt-blocked.json', 'answer-blocked.json'])('answers %s with 400 content_policy_violation, streamed or not', async (name) => {
    upstream.respond((_r, res) => sendJson(res, 200, fixtureJson(name)));
    const error = await failure(chat());
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ kind: 'content_policy_violation', status: 400 });
    expect(error.message).toContain('SAFETY');
    upstream.respond((_r, res) => sendSse(res, [`data: ${JSON.stringify(fixtureJson(name))}\n\n`]));
    const result = await chat({ stream: true });
    if (!result.stream) throw new Error('expected a stream');
    // Thrown by the first next(), before any chunk: the route can still answer with a status.
    await expect(result.chunks[Symbol.asyncIterator]().next()).rejects.toMatchObject({ kind: 'content_policy_violation' });
  });

  it.each([
    [429, 'error-rate-limit.json', 'rate_limited', 7],
    [400, 'error-context-length.json', 'context_length_exceeded', undefined],
    [400, 'error-invalid-key.json', 'upstream_auth', undefined],
    [503, 'error-rate-limit.json', 'upstream_unavailable', 7],
  ] as const)('maps a %i with %s to %s', async (status, name, kind, retryAfter) => {
    upstream.respond((_r, res) => sendJson(res, status, fixtureJson(name)));
    const error = await failure(chat());
    expect(error).toMatchObject({ kind, retryAfter });
    expect(error.message).toMatch(/^gemini error \(\d+\): /);
    expect(error.message).not.toContain(API_KEY);
  });

  it('reports a stream cut before its finishReason, and an error event inside the stream', async () => {
    upstream.respond((_r, res) => sendSse(res, sseFrames('stream-text.sse').slice(0, 2)));
    await expect(streamed()).rejects.toMatchObject({ kind: 'upstream_error', message: expect.stringContaining('before a finishReason') });
    upstream.respond((_r, res) => sendSse(res, [...sseFrames('stream-text.sse').slice(0, 1), `data: ${JSON.stringify(fixtureJson('error-rate-limit.json'))}\n\n`]));
    await expect(streamed()).rejects.toMatchObject({ kind: 'rate_limited', retryAfter: 7 });
  });

  it('closes the upstream connection when the consumer stops reading', async () => {
    let closed!: Promise<void>;
    upstream.respond((_r, res) => {
      closed = new Promise((resolve) => res.on('close', () => resolve()));
      return sendSse(res, sseFrames('stream-text.sse'), 200);
    });
    const result = await chat({ stream: true });
    if (!result.stream) throw new Error('expected a stream');
    for await (const _chunk of result.chunks) break;
    await closed;
  });
});

describe('gemini embeddings', () => {
  const embed = (request: Partial<EmbeddingRequest>) =>
    geminiProvider.embed!({ request: { model: 'gemini-embedding-001', input: 'x', ...request }, deployment: deployment({ apiBase: upstream.url }), signal: new AbortController().signal });

  it('embeds a list through batchEmbedContents with dimensions and task_type', async () => {
    upstream.respond((_r, res) => sendJson(res, 200, fixtureJson('batch-embed-contents.json')));
    const response = await embed({ input: ['first text', 'second'], dimensions: 8, task_type: 'RETRIEVAL_QUERY' });
    const sent = upstream.requests[0]!;
    expect(sent.url).toBe('/v1beta/models/gemini-embedding-001:batchEmbedContents');
    expect(sent.headers['x-goog-api-key']).toBe(API_KEY);
    expect(sent.json).toEqual({
      requests: [
        { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'first text' }] }, taskType: 'RETRIEVAL_QUERY', outputDimensionality: 8 },
        { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'second' }] }, taskType: 'RETRIEVAL_QUERY', outputDimensionality: 8 },
      ],
    });
    expect(response).toMatchObject({ object: 'list', model: 'gemini-embedding-001', usage: { prompt_tokens: 12, total_tokens: 12 } });
    expect(response.data.map((d) => d.index)).toEqual([0, 1]);
    expect(response.data[0]!.embedding).toEqual(fixtureJson('batch-embed-contents.json').embeddings[0].values);
  });

  it('encodes base64 as little-endian float32, as OpenAI does', async () => {
    upstream.respond((_r, res) => sendJson(res, 200, { embeddings: [{ values: [0.5, -0.25, 0.125, 1] }], usageMetadata: { promptTokenCount: 3 } }));
    const response = await embed({ input: 'one', encoding_format: 'base64' });
    const bytes = Buffer.from(response.data[0]!.embedding as string, 'base64');
    expect(Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4))).toEqual([0.5, -0.25, 0.125, 1]);
    expect(response.usage.prompt_tokens).toBe(3);
  });

  it('refuses token-id input with a 400 naming input', async () => {
    await expect(embed({ input: [1, 2, 3] })).rejects.toMatchObject({ kind: 'invalid_request', param: 'input' });
    expect(upstream.requests).toHaveLength(0);
  });
});
