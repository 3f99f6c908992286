// bedrockProvider.embed against the fake Bedrock Runtime: Titan (one InvokeModel call per text) and
// Cohere (texts batched) bodies on the wire, vectors in input order, usage, and refused requests.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Deployment } from '../../../shared/config/types.ts';
import type { GatewayError } from '../../../shared/core/errors.ts';
import type { EmbeddingRequest } from '../../../shared/openai/types.ts';
import { bedrockProvider } from '../../../shared/providers/bedrock/provider.ts';
import { sendBedrockError, sendBedrockJson, startFakeBedrock, type FakeBedrock } from '../../helpers/fake-bedrock.ts';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../../fixtures/bedrock/${name}`, import.meta.url), 'utf8'));

let fake: FakeBedrock;
beforeAll(async () => {
  fake = await startFakeBedrock();
});
afterAll(() => fake.close());
beforeEach(() => void (fake.requests.length = 0));

const deployment = (upstreamModel: string): Deployment => ({
  id: 'bedrock-embed',
  modelName: 'embed',
  provider: 'bedrock',
  upstreamModel,
  apiBase: fake.url,
  timeoutMs: 5_000,
  maxResponseBytes: 1024 * 1024,
  extraHeaders: {},
  params: {},
  modelInfo: {},
});
const embed = (request: EmbeddingRequest) => bedrockProvider.embed!({ request, deployment: deployment(request.model), signal: new AbortController().signal });
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (e) => e as GatewayError,
  );

describe('titan embeddings', () => {
  it('embeds each input with its own call, in input order, summing the token counts', async () => {
    // Answers out of order in time, so the order of the result must come from the input.
    fake.respond(async (request, res) => {
      const text: string = request.json.inputText;
      await new Promise((resolve) => setTimeout(resolve, text === 'first' ? 30 : 0));
      sendBedrockJson(res, { embedding: [text.length, 0.5], inputTextTokenCount: text.length, embeddingsByType: { float: [text.length, 0.5] } });
    });
    const response = await embed({ model: 'amazon.titan-embed-text-v2:0', input: ['first', 'second!'], dimensions: 256 });
    expect(fake.requests.map((r) => r.json)).toEqual(
      expect.arrayContaining([
        { inputText: 'first', dimensions: 256 },
        { inputText: 'second!', dimensions: 256 },
      ]),
    );
    expect(fake.requests.every((r) => r.operation === 'invoke' && r.modelId === 'amazon.titan-embed-text-v2:0')).toBe(true);
    expect(response).toEqual({
      object: 'list',
      data: [
        { object: 'embedding', index: 0, embedding: [5, 0.5] },
        { object: 'embedding', index: 1, embedding: [7, 0.5] },
      ],
      model: 'amazon.titan-embed-text-v2:0',
      usage: { prompt_tokens: 12, total_tokens: 12 },
    });
  });

  it('reads the Titan V2 answer from the user guide', async () => {
    fake.respond((_r, res) => sendBedrockJson(res, fixture('titan-embed-text-v2.json')));
    const response = await embed({ model: 'amazon.titan-embed-text-v2:0', input: 'hello world' });
    expect(response.data[0]!.embedding).toEqual(fixture('titan-embed-text-v2.json').embedding);
    expect(response.usage).toEqual({ prompt_tokens: 7, total_tokens: 7 });
  });

  it('answers encoding_format base64 as little-endian float32 bytes, as OpenAI does', async () => {
    fake.respond((_r, res) => sendBedrockJson(res, fixture('titan-embed-text-v2.json')));
    const response = await embed({ model: 'amazon.titan-embed-text-v2:0', input: 'hello world', encoding_format: 'base64' });
    const bytes = Buffer.from(response.data[0]!.embedding as string, 'base64');
    const decoded = Array.from({ length: bytes.length / 4 }, (_, i) => bytes.readFloatLE(i * 4));
    expect(decoded.map((n) => Number(n.toFixed(4)))).toEqual(fixture('titan-embed-text-v2.json').embedding);
    expect(fake.requests[0]!.json).toEqual({ inputText: 'hello world' });
  });

  it('refuses dimensions on Titan V1, and token arrays on any model, without calling Bedrock', async () => {
    expect(await failure(embed({ model: 'amazon.titan-embed-text-v1', input: 'x', dimensions: 256 }))).toMatchObject({ kind: 'unsupported_params', param: 'dimensions' });
    expect(await failure(embed({ model: 'amazon.titan-embed-text-v2:0', input: [[1, 2, 3]] }))).toMatchObject({ kind: 'invalid_request', param: 'input' });
    expect(await failure(embed({ model: 'meta.llama3-8b-instruct-v1:0', input: 'x' }))).toMatchObject({ kind: 'invalid_request', param: 'model' });
    expect(fake.requests).toHaveLength(0);
  });
});

describe('cohere embeddings', () => {
  it('sends all texts in one call with search_document, taking the token count from the response header', async () => {
    fake.respond((_r, res) => {
      res.setHeader('x-amzn-bedrock-input-token-count', '6');
      sendBedrockJson(res, fixture('cohere-embed-v3.json'));
    });
    const response = await embed({ model: 'cohere.embed-english-v3', input: ['hello world', 'goodbye world'] });
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]!.json).toEqual({ texts: ['hello world', 'goodbye world'], input_type: 'search_document' });
    expect(response.data.map((d) => d.embedding)).toEqual(fixture('cohere-embed-v3.json').embeddings);
    expect(response.usage).toEqual({ prompt_tokens: 6, total_tokens: 6 });
  });

  it('passes input_type and dimensions (as output_dimension) to Embed v4 and reads vectors by type', async () => {
    fake.respond((_r, res) => sendBedrockJson(res, fixture('cohere-embed-v4.json')));
    const response = await embed({ model: 'us.cohere.embed-v4:0', input: ['hello world', 'goodbye world'], dimensions: 512, input_type: 'search_query' });
    expect(fake.requests[0]!.json).toEqual({ texts: ['hello world', 'goodbye world'], input_type: 'search_query', output_dimension: 512 });
    expect(response.data[1]!.embedding).toEqual(fixture('cohere-embed-v4.json').embeddings.float[1]);
  });

  it('splits more than 96 texts into several calls and keeps the order', async () => {
    fake.respond((request, res) => sendBedrockJson(res, { embeddings: request.json.texts.map((t: string) => [Number(t)]), id: 'x', response_type: 'embeddings_floats', texts: request.json.texts }));
    const input = Array.from({ length: 100 }, (_, i) => String(i));
    const response = await embed({ model: 'cohere.embed-multilingual-v3', input });
    expect(fake.requests.map((r) => r.json.texts.length)).toEqual([96, 4]);
    expect(response.data.map((d) => d.embedding)).toEqual(input.map((t) => [Number(t)]));
  });

  it('maps a Bedrock error on any call', async () => {
    fake.respond((_r, res) => sendBedrockError(res, 429, 'ThrottlingException', 'Too many requests'));
    expect(await failure(embed({ model: 'cohere.embed-english-v3', input: 'x' }))).toMatchObject({ kind: 'rate_limited' });
  });
});
