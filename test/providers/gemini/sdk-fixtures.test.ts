// The fixtures and the fake's URLs are the real wire format: the official @google/genai client,
// pointed at a fake upstream that replays them, calls the same paths the provider calls and parses
// every answer (streams and errors included) without complaint.
import { ApiError, GoogleGenAI } from '@google/genai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sendJson, sendSse, startRecordingServer, type RecordingServer } from '../../helpers/recording-server.ts';
import { API_KEY, fixtureJson, sseFrames } from './support.ts';

let upstream: RecordingServer;
let client: GoogleGenAI;

beforeAll(async () => {
  upstream = await startRecordingServer();
  // v1beta, the version the provider calls (and LiteLLM): it has thinking, response schemas and tools.
  client = new GoogleGenAI({ apiKey: API_KEY, apiVersion: 'v1beta', httpOptions: { baseUrl: upstream.url } });
});
afterAll(() => upstream.close());
beforeEach(() => void (upstream.requests.length = 0));

describe('Gemini fixtures read by the official @google/genai client', () => {
  it('calls models/{model}:generateContent with the key header and reads text, thoughts and usage', async () => {
    upstream.respond((_r, res) => sendJson(res, 200, fixtureJson('generate-text.json')));
    const response = await client.models.generateContent({ model: 'gemini-2.5-flash', contents: 'A haiku about the sea' });
    const sent = upstream.requests[0]!;
    expect(sent.url).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expect(sent.headers['x-goog-api-key']).toBe(API_KEY);
    expect(response.text).toBe('Waves fold into foam,\nsalt wind carries gull voices,\nthe tide keeps its time.');
    expect(response.candidates![0]!.content!.parts![0]!.thought).toBe(true);
    expect(response.usageMetadata).toMatchObject({ promptTokenCount: 2071, cachedContentTokenCount: 2048, thoughtsTokenCount: 92 });
  });

  it('reads parallel function calls and the thought signature', async () => {
    upstream.respond((_r, res) => sendJson(res, 200, fixtureJson('generate-function-call.json')));
    const response = await client.models.generateContent({ model: 'gemini-3-pro-preview', contents: 'Weather and time in SF?' });
    expect(response.functionCalls?.map((call) => call.name)).toEqual(['get_weather', 'get_time']);
    expect(response.candidates![0]!.content!.parts![0]!.thoughtSignature).toMatch(/^CiQB/);
  });

  it('reads prompt feedback of a blocked prompt and a SAFETY finish', async () => {
    upstream.respond((_r, res) => sendJson(res, 200, fixtureJson('prompt-blocked.json')));
    const blocked = await client.models.generateContent({ model: 'gemini-2.5-flash', contents: 'x' });
    expect(blocked.promptFeedback?.blockReason).toBe('SAFETY');
    upstream.respond((_r, res) => sendJson(res, 200, fixtureJson('answer-blocked.json')));
    const stopped = await client.models.generateContent({ model: 'gemini-2.5-flash', contents: 'x' });
    expect(stopped.candidates![0]!.finishReason).toBe('SAFETY');
    expect(stopped.text).toBeUndefined();
  });

  it.each(['stream-text.sse', 'stream-function-call.sse', 'stream-safety-stop.sse'])('streams %s from :streamGenerateContent?alt=sse', async (name) => {
    upstream.respond((_r, res) => sendSse(res, sseFrames(name)));
    const stream = await client.models.generateContentStream({ model: 'gemini-2.5-flash', contents: 'x' });
    const events = [];
    for await (const event of stream) events.push(event);
    expect(upstream.requests[0]!.url).toBe('/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse');
    expect(events).toHaveLength(sseFrames(name).length);
    expect(events.at(-1)!.candidates![0]!.finishReason).toBeDefined();
    if (name === 'stream-text.sse') expect(events.map((e) => e.text).join('')).toBe('Waves fold into foam,\nsalt wind carries gull voices,\nthe tide keeps its time.');
    if (name === 'stream-function-call.sse') expect(events.at(-1)!.functionCalls).toEqual([{ name: 'get_weather', args: { location: 'Paris', unit: 'celsius' } }]);
  });

  it('embeds through :batchEmbedContents, the request shape the provider sends', async () => {
    upstream.respond((_r, res) => sendJson(res, 200, fixtureJson('batch-embed-contents.json')));
    const response = await client.models.embedContent({ model: 'gemini-embedding-001', contents: ['first', 'second'], config: { outputDimensionality: 8, taskType: 'RETRIEVAL_DOCUMENT' } });
    const sent = upstream.requests[0]!;
    expect(sent.url).toBe('/v1beta/models/gemini-embedding-001:batchEmbedContents');
    expect(sent.json.requests[0]).toMatchObject({ model: 'models/gemini-embedding-001', content: { parts: [{ text: 'first' }] }, outputDimensionality: 8, taskType: 'RETRIEVAL_DOCUMENT' });
    expect(response.embeddings?.map((e) => e.values?.length)).toEqual([8, 8]);
  });

  it.each([
    ['error-rate-limit.json', 429, 'RESOURCE_EXHAUSTED'],
    ['error-context-length.json', 400, 'INVALID_ARGUMENT'],
    ['error-invalid-key.json', 400, 'INVALID_ARGUMENT'],
  ] as const)('raises %s as an ApiError', async (name, status, googleStatus) => {
    upstream.respond((_r, res) => sendJson(res, status, fixtureJson(name)));
    const error = await client.models.generateContent({ model: 'gemini-2.5-flash', contents: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(status);
    expect((error as ApiError).message).toContain(googleStatus);
  });
});
