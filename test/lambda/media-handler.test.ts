// The kinds of calls priced in other units than tokens, through the Lambda entry point: an API
// Gateway REST proxy event → middy streamify handler → the core → a fake OpenAI upstream on
// 127.0.0.1, read back the way API Gateway reads the Lambda response stream.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { apiGatewayEvent, lambdaContext, type EventInput } from '../helpers/apigw-events.ts';
import { installLambdaShim, invokeStreaming } from '../helpers/lambda-stream-shim.ts';
import { readForm, wavFile } from '../helpers/audio.ts';
import { sendBedrockJson, sigV4Scope, startFakeBedrock, type FakeBedrock } from '../helpers/fake-bedrock.ts';
import { sendJson, sleep, startRecordingServer, type RecordingServer } from '../helpers/recording-server.ts';

installLambdaShim();

const MASTER = 'sk-lambda-media-master';
const PNG = Buffer.from('89504e470d0a1a0a', 'hex').toString('base64');
const WAV = wavFile(0.5);
/** Binary audio, bytes no text encoding survives (NUL, 0xFF), in three pieces sent apart. */
const AUDIO = [Buffer.from([0xff, 0xf3, 0x00, 0x80]), Buffer.from([0x00, 0xfe, 0x7f]), Buffer.from([0xc3, 0x28, 0xa0])];

let upstream: RecordingServer;
/** Bedrock's Agent Runtime (Rerank). */
let bedrock: FakeBedrock;
let dir: string;
let handler: unknown;
let configPath: string;

beforeAll(async () => {
  upstream = await startRecordingServer(async (request, res) => {
    if (request.url === '/v1/images/generations') return sendJson(res, 200, { created: 1, data: [{ b64_json: PNG }] });
    if (request.url === '/v1/audio/transcriptions') {
      const form = await readForm(request.headers['content-type']!, request.raw);
      return sendJson(res, 200, { text: form.files['file']!.bytes.equals(WAV) ? 'the file arrived whole' : 'the file was mangled' });
    }
    if (request.url === '/v1/images/edits') {
      const form = await readForm(request.headers['content-type']!, request.raw);
      return sendJson(res, 200, { created: 1, data: [{ b64_json: form.files['image']!.bytes.equals(WAV) ? 'whole' : 'mangled' }] });
    }
    if (request.url === '/v1/moderations') return sendJson(res, 200, { id: 'modr-1', model: 'omni-moderation-latest', results: [{ flagged: false }] });
    if (request.url === '/v2/rerank') return sendJson(res, 200, { id: 'r-1', results: [{ index: 1, relevance_score: 0.8 }], meta: { billed_units: { search_units: 1 } } });
    // Amazon Polly's SynthesizeSpeech: the audio as the body.
    if (request.url === '/v1/speech') {
      res.writeHead(200, { 'content-type': 'audio/mpeg' });
      for (const piece of AUDIO) {
        res.write(piece);
        await sleep(60);
      }
      return void res.end();
    }
    if (request.url === '/v1/audio/speech') {
      res.writeHead(200, { 'content-type': 'audio/mpeg' });
      for (const piece of AUDIO) {
        res.write(piece);
        await sleep(60);
      }
      return void res.end();
    }
    sendJson(res, 404, { error: { message: 'no such route', type: 'invalid_request_error' } });
  });
  bedrock = await startFakeBedrock((_request, res) => sendBedrockJson(res, { results: [{ index: 1, relevanceScore: 0.9 }] }));
  dir = mkdtempSync(join(tmpdir(), 'tollgate-lambda-media-'));
  configPath = join(dir, 'gateway.config.json');
  writeFileSync(
    configPath,
    JSON.stringify({
      model_list: [
        { model_name: 'painter', litellm_params: { model: 'openai/dall-e-3', api_base: upstream.url, api_key: 'sk-upstream' } },
        { model_name: 'whisper', litellm_params: { model: 'openai/whisper-1', api_base: upstream.url, api_key: 'sk-upstream' } },
        { model_name: 'tts', litellm_params: { model: 'openai/tts-1', api_base: upstream.url, api_key: 'sk-upstream' } },
        { model_name: 'moderation', litellm_params: { model: 'openai/omni-moderation-latest', api_base: upstream.url, api_key: 'sk-upstream' } },
        { model_name: 'reranker', litellm_params: { model: 'cohere/rerank-v3.5', api_base: upstream.url, api_key: 'co-upstream' } },
        {
          model_name: 'polly',
          litellm_params: { model: 'aws_polly/neural', api_base: upstream.url, aws_region_name: 'eu-central-1', aws_access_key_id: 'AKIDFAKE', aws_secret_access_key: 'fake-secret-key' },
        },
        {
          model_name: 'bedrock-rerank',
          litellm_params: { model: 'bedrock/cohere.rerank-v3-5:0', api_base: bedrock.url, aws_region_name: 'us-west-2', aws_access_key_id: 'AKIDFAKE', aws_secret_access_key: 'fake-secret-key' },
        },
      ],
      general_settings: { master_key: MASTER },
    }),
  );
  // The module builds its default handler from GATEWAY_CONFIG when first imported.
  process.env['GATEWAY_CONFIG'] = configPath;
  const { createHandler } = await import('../../functions/gateway/handler.ts');
  delete process.env['GATEWAY_CONFIG'];
  const logger = new Logger({ serviceName: 'media-test', logLevel: 'SILENT' });
  handler = createHandler({ configPath, env: () => undefined, logger });
  createHandlerFor = (metrics) => createHandler({ configPath, env: () => undefined, logger, metrics });
});
afterAll(async () => {
  await Promise.all([upstream.close(), bedrock.close()]);
  rmSync(dir, { recursive: true, force: true });
});

let createHandlerFor: (metrics: Metrics) => unknown;

async function invoke(input: EventInput, via = handler) {
  const { stream, result } = invokeStreaming(via, apiGatewayEvent({ ...input, headers: { Authorization: `Bearer ${MASTER}`, ...input.headers } }), lambdaContext());
  await result;
  return { prelude: stream.prelude!, stream };
}

describe('media calls through the Lambda handler', () => {
  it('generates an image, priced per image', async () => {
    const { prelude, stream } = await invoke({ path: '/v1/images/generations', body: { model: 'painter', prompt: 'a fox', response_format: 'b64_json' } });
    expect(prelude.statusCode).toBe(200);
    expect(prelude.headers['x-litellm-response-cost']).toBe('0.04');
    expect(JSON.parse(stream.body).data).toEqual([{ b64_json: PNG }]);
  });

  it('transcribes a multipart upload that API Gateway hands over base64-encoded (a binary media type)', async () => {
    const form = new FormData();
    form.set('model', 'whisper');
    form.set('file', new Blob([WAV], { type: 'audio/wav' }), 'speech.wav');
    const request = new Request('http://local/', { method: 'POST', body: form });
    const body = Buffer.from(await request.arrayBuffer());
    const { prelude, stream } = await invoke({ path: '/v1/audio/transcriptions', headers: { 'Content-Type': request.headers.get('content-type')! }, body });
    expect(prelude.statusCode).toBe(200);
    expect(JSON.parse(stream.body)).toEqual({ text: 'the file arrived whole' });
    // Half a second of whisper-1, by the WAV header: the upstream said no duration.
    expect(Number(prelude.headers['x-litellm-response-cost'])).toBeCloseTo(0.5 * 0.0001, 9);
  });

  it("reranks in Cohere's shape, priced per search unit", async () => {
    const { prelude, stream } = await invoke({ path: '/v2/rerank', body: { model: 'reranker', query: 'capital', documents: ['a', 'b'] } });
    expect(prelude.statusCode).toBe(200);
    expect(prelude.headers['x-litellm-response-cost']).toBe('0.002');
    expect(JSON.parse(stream.body).results).toEqual([{ index: 1, relevance_score: 0.8 }]);
  });

  it('moderates at zero cost', async () => {
    const { prelude, stream } = await invoke({ path: '/v1/moderations', body: { model: 'moderation', input: 'hello' } });
    expect(prelude.statusCode).toBe(200);
    expect(prelude.headers['x-litellm-response-cost']).toBe('0');
    expect(JSON.parse(stream.body)).toMatchObject({ model: 'moderation', results: [{ flagged: false }] });
  });

  it('edits an image uploaded as a form, its bytes intact', async () => {
    const form = new FormData();
    form.set('model', 'painter');
    form.set('prompt', 'brighter');
    // Any binary file shows whether bytes survive: the WAV stands in for a PNG here.
    form.set('image', new Blob([WAV], { type: 'image/png' }), 'photo.png');
    const request = new Request('http://local/', { method: 'POST', body: form });
    const body = Buffer.from(await request.arrayBuffer());
    const { prelude, stream } = await invoke({ path: '/v1/images/edits', headers: { 'Content-Type': request.headers.get('content-type')! }, body });
    expect(prelude.statusCode).toBe(200);
    expect(JSON.parse(stream.body).data).toEqual([{ b64_json: 'whole' }]);
    expect(prelude.headers['x-litellm-response-cost']).toBe('0.04');
  });

  it('streams speech through the response stream as binary, piece by piece', async () => {
    const { prelude, stream } = await invoke({ path: '/v1/audio/speech', body: { model: 'tts', input: 'Hello', voice: 'alloy' } });
    expect(prelude.statusCode).toBe(200);
    expect(prelude.headers['content-type']).toBe('audio/mpeg');
    expect(Buffer.concat(stream.chunks.map((chunk) => chunk.bytes))).toEqual(Buffer.concat(AUDIO));
    expect(stream.chunks.length).toBeGreaterThan(1);
  });

  it('speaks through Amazon Polly, its audio streamed through the response stream as binary', async () => {
    const { prelude, stream } = await invoke({ path: '/v1/audio/speech', body: { model: 'polly', input: 'Hello', voice: 'alloy' } });
    expect(prelude.statusCode).toBe(200);
    expect(prelude.headers['content-type']).toBe('audio/mpeg');
    expect(Buffer.concat(stream.chunks.map((chunk) => chunk.bytes))).toEqual(Buffer.concat(AUDIO));
    const sent = upstream.requests.at(-1)!;
    expect(sent.url).toBe('/v1/speech');
    expect(sigV4Scope(sent.headers['authorization'])).toEqual({ region: 'eu-central-1', service: 'polly' });
  });

  it("reranks through Bedrock's Rerank API, priced per query", async () => {
    const { prelude, stream } = await invoke({ path: '/v1/rerank', body: { model: 'bedrock-rerank', query: 'capital', documents: ['a', 'b'] } });
    expect(prelude.statusCode).toBe(200);
    expect(JSON.parse(stream.body).results).toEqual([{ index: 1, relevance_score: 0.9 }]);
    expect(Number(prelude.headers['x-litellm-response-cost'])).toBeCloseTo(0.002, 10);
  });

  it('publishes the units counted in its EMF record: images, audio seconds, characters, search units', async () => {
    const lines: string[] = [];
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(' ')));
    try {
      const metrics = new Metrics({ namespace: 'Tollgate', serviceName: 'gateway' });
      const measured = createHandlerFor(metrics);
      await invoke({ path: '/v1/images/generations', body: { model: 'painter', prompt: 'a fox', response_format: 'b64_json' } }, measured);
      await invoke({ path: '/v1/audio/speech', body: { model: 'tts', input: 'Hello', voice: 'alloy' } }, measured);
      await invoke({ path: '/v2/rerank', body: { model: 'reranker', query: 'capital', documents: ['a', 'b'] } }, measured);
    } finally {
      stdout.mockRestore();
      log.mockRestore();
    }
    const emf = lines
      .map((l) => l.trim())
      .filter((l) => l.startsWith('{') && l.includes('"_aws"'))
      .map((l) => JSON.parse(l));
    expect(emf.map((record) => [record.model, record.Images, record.Characters, record.SearchUnits])).toEqual([
      ['painter', 1, undefined, undefined],
      ['tts', undefined, 5, undefined],
      ['reranker', undefined, undefined, 1],
    ]);
  });
});
