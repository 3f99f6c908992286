// OpenAI's audio API driven by the official `openai` client: transcriptions and translations of a real
// WAV file the test makes (a multipart upload, read back by the fakes as an upstream reads it), and
// speech streamed to a file, in front of fake OpenAI, Azure and Groq upstreams that answer as OpenAI's
// audio API reference describes.
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import OpenAI, { toFile } from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readForm, wavFile } from '../helpers/audio.ts';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';
import { sendJson, sleep, startRecordingServer, type RecordedRequest, type RecordingServer } from '../helpers/recording-server.ts';

const MASTER = 'sk-test-master';
const AZURE_KEY = 'azure-upstream-key-0123456789';
const WAV = wavFile(1.5);
/** The fake's speech: three chunks of "audio", sent apart, as a real upstream sends them while it speaks. */
const AUDIO_CHUNKS = [Buffer.from('ID3-first-frames'), Buffer.from([0xff, 0xfb, 0x90, 0x00, 1, 2, 3]), Buffer.from('last-frames')];

/** OpenAI's audio API: a transcript in the format asked for, or speech as bytes. */
async function audioAnswer(request: RecordedRequest, res: import('node:http').ServerResponse) {
  if (request.url.includes('/audio/speech')) {
    res.writeHead(200, { 'content-type': 'audio/mpeg', 'transfer-encoding': 'chunked' });
    for (const chunk of AUDIO_CHUNKS) {
      res.write(chunk);
      await sleep(40);
    }
    res.end();
    return;
  }
  const form = await readForm(request.headers['content-type']!, request.raw);
  const format = form.fields['response_format']?.[0] ?? 'json';
  if (format === 'text') return void res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('hello from the fake\n');
  if (format === 'srt') return void res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('1\n00:00:00,000 --> 00:00:01,500\nhello from the fake\n\n');
  if (format === 'verbose_json') return sendJson(res, 200, { task: 'transcribe', language: 'english', duration: 1.5, text: 'hello from the fake', segments: [], words: [] });
  sendJson(res, 200, { text: 'hello from the fake', usage: { type: 'duration', seconds: 2 } });
}

let openai: RecordingServer;
let azure: RecordingServer;
let groq: RecordingServer;
let gateway: TestGateway;
let client: OpenAI;
let dir: string;

beforeAll(async () => {
  [openai, azure, groq] = await Promise.all([startRecordingServer(audioAnswer), startRecordingServer(audioAnswer), startRecordingServer(audioAnswer)]);
  gateway = await startGateway(
    `
model_list:
  - model_name: whisper
    litellm_params: { model: openai/whisper-1, api_base: ${openai.url}, api_key: sk-openai-upstream }
  - model_name: azure-whisper
    litellm_params: { model: azure/my-whisper, api_base: ${azure.url}, api_key: ${AZURE_KEY}, api_version: 2024-10-21 }
    model_info: { base_model: azure/whisper-1 }
  - model_name: groq-whisper
    litellm_params: { model: groq/whisper-large-v3-turbo, api_base: ${groq.url}/openai/v1, api_key: gsk-upstream }
  - model_name: groq-new
    litellm_params: { model: groq/a-model-the-price-table-does-not-know, api_base: ${groq.url}/openai/v1, api_key: gsk-upstream }
  - model_name: tts
    litellm_params: { model: openai/tts-1, api_base: ${openai.url}, api_key: sk-openai-upstream }
  - model_name: azure-tts
    litellm_params: { model: azure/my-tts, api_base: ${azure.url}, api_key: ${AZURE_KEY} }
general_settings: { master_key: ${MASTER} }
`,
  );
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: MASTER, maxRetries: 0 });
  dir = await mkdtemp(join(tmpdir(), 'tollgate-audio-'));
});
afterAll(async () => {
  await gateway.close();
  await Promise.all([openai.close(), azure.close(), groq.close()]);
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  for (const server of [openai, azure, groq]) {
    server.requests.length = 0;
    server.respond(audioAnswer);
  }
});

const wav = () => toFile(WAV, 'speech.wav', { type: 'audio/wav' });
const failure = (call: Promise<unknown>) =>
  call.then(
    () => expect.unreachable('the call should have failed'),
    (error: unknown) => error as InstanceType<typeof OpenAI.APIError>,
  );

describe('transcriptions and translations through the openai client', () => {
  it('uploads the file as sent, with the fields, and prices the seconds the upstream heard', async () => {
    const { data, response } = await client.audio.transcriptions
      .create({ file: await wav(), model: 'whisper', language: 'en', prompt: 'A greeting.', temperature: 0.2, response_format: 'json' })
      .withResponse();
    expect(data.text).toBe('hello from the fake');
    // usage says 2 seconds: whisper-1 is $0.0001 a second.
    expect(Number(response.headers.get('x-litellm-response-cost'))).toBeCloseTo(0.0002, 9);
    const sent = openai.requests[0]!;
    expect(sent.url).toBe('/v1/audio/transcriptions');
    expect(sent.headers['authorization']).toBe('Bearer sk-openai-upstream');
    const form = await readForm(sent.headers['content-type']!, sent.raw);
    expect(form.files['file']).toEqual({ filename: 'speech.wav', contentType: 'audio/wav', bytes: WAV });
    expect(form.fields).toEqual({ model: ['whisper-1'], language: ['en'], prompt: ['A greeting.'], temperature: ['0.2'], response_format: ['json'] });
  });

  it('passes text and SRT through as text, priced by the length the WAV header says', async () => {
    const { data, response } = await client.audio.transcriptions.create({ file: await wav(), model: 'whisper', response_format: 'text' }).withResponse();
    expect(data).toBe('hello from the fake\n');
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(Number(response.headers.get('x-litellm-response-cost'))).toBeCloseTo(1.5 * 0.0001, 9);
    const srt = await client.audio.transcriptions.create({ file: await wav(), model: 'whisper', response_format: 'srt' });
    expect(srt).toContain('00:00:00,000 --> 00:00:01,500');
  });

  it('asks for word timestamps in verbose_json and prices its duration', async () => {
    const { data, response } = await client.audio.transcriptions
      .create({ file: await wav(), model: 'whisper', response_format: 'verbose_json', timestamp_granularities: ['word', 'segment'] })
      .withResponse();
    expect(data.duration).toBe(1.5);
    expect(Number(response.headers.get('x-litellm-response-cost'))).toBeCloseTo(0.00015, 9);
    const form = await readForm(openai.requests[0]!.headers['content-type']!, openai.requests[0]!.raw);
    expect(form.fields['timestamp_granularities[]']).toEqual(['word', 'segment']);
  });

  it('translates at the translations URL', async () => {
    const result = await client.audio.translations.create({ file: await wav(), model: 'whisper' });
    expect(result.text).toBe('hello from the fake');
    expect(openai.requests[0]!.url).toBe('/v1/audio/translations');
  });

  it('calls Azure at its deployment URL and Groq at its OpenAI-compatible one', async () => {
    await client.audio.transcriptions.create({ file: await wav(), model: 'azure-whisper' });
    expect(azure.requests[0]!.url).toBe('/openai/deployments/my-whisper/audio/transcriptions?api-version=2024-10-21');
    expect(azure.requests[0]!.headers['api-key']).toBe(AZURE_KEY);
    const { response } = await client.audio.transcriptions.create({ file: await wav(), model: 'groq-whisper' }).withResponse();
    expect(groq.requests[0]!.url).toBe('/openai/v1/audio/transcriptions');
    expect(groq.requests[0]!.headers['authorization']).toBe('Bearer gsk-upstream');
    // Groq's whisper-large-v3-turbo: $0.04 an hour, 2 seconds heard.
    expect(Number(response.headers.get('x-litellm-response-cost'))).toBeCloseTo(2 * 0.00001111, 9);
  });

  it('refuses a file over the audio cap with a 413 that names the cap, before any upstream call', async () => {
    const big = toFile(Buffer.alloc(25 * 1024 * 1024 + 1), 'long.mp3', { type: 'audio/mpeg' });
    const error = await failure(client.audio.transcriptions.create({ file: await big, model: 'whisper' }));
    expect(error.status).toBe(413);
    expect(error.message).toContain('The file in "file" is larger than 25 MB, the most OpenAI\'s audio API takes');
    expect(openai.requests).toHaveLength(0);
    // 26 MB through the client, the server and the parser: slow on a loaded machine.
  }, 60_000);

  it('says what to send when the body is not a form, or the form has no file', async () => {
    const json = await fetch(`${gateway.url}/v1/audio/transcriptions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${MASTER}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'whisper', file: 'speech.wav' }),
    });
    expect(json.status).toBe(400);
    expect(((await json.json()) as { error: { message: string } }).error.message).toContain('This route takes multipart/form-data (a file upload), not application/json');
    const form = new FormData();
    form.set('model', 'whisper');
    const noFile = await fetch(`${gateway.url}/v1/audio/transcriptions`, { method: 'POST', headers: { authorization: `Bearer ${MASTER}` }, body: form });
    expect(noFile.status).toBe(400);
    expect(((await noFile.json()) as { error: { message: string; param: string } }).error).toMatchObject({ param: 'file', message: expect.stringContaining('file is required') });
  });

  it('maps an upstream error through the one error map', async () => {
    openai.respond((_request, res) => sendJson(res, 400, { error: { message: 'Invalid file format. Supported formats: flac, m4a, mp3, wav', type: 'invalid_request_error', param: 'file' } }));
    const error = await failure(client.audio.transcriptions.create({ file: await wav(), model: 'whisper' }));
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error.message).toContain('Invalid file format');
  });
});

describe('speech through the openai client', () => {
  it('streams the audio to a file as it arrives, bytes unchanged', async () => {
    const response = await client.audio.speech.create({ model: 'tts', input: 'Hello, world!', voice: 'alloy', response_format: 'mp3', speed: 1.25, instructions: 'cheerful' });
    expect(response.headers.get('content-type')).toBe('audio/mpeg');
    const arrivals: number[] = [];
    const file = join(dir, 'speech.mp3');
    await pipeline(
      Readable.fromWeb(response.body as import('node:stream/web').ReadableStream),
      async function* (chunks: AsyncIterable<Buffer>) {
        for await (const chunk of chunks) {
          arrivals.push(performance.now());
          yield chunk;
        }
      },
      createWriteStream(file),
    );
    expect(await readFile(file)).toEqual(Buffer.concat(AUDIO_CHUNKS));
    // Not held until the end: the bytes came in more than one piece.
    expect(arrivals.length).toBeGreaterThan(1);
    const sent = openai.requests[0]!;
    expect(sent.url).toBe('/v1/audio/speech');
    expect(sent.json).toEqual({ model: 'tts-1', input: 'Hello, world!', voice: 'alloy', response_format: 'mp3', speed: 1.25, instructions: 'cheerful' });
  });

  it('falls back when the upstream fails before the first bytes', async () => {
    openai.respond((_request, res) => sendJson(res, 503, { error: { message: 'overloaded', type: 'server_error' } }));
    const response = await client.audio.speech.create({ model: 'tts', input: 'Hi', voice: 'alloy', fallbacks: ['azure-tts'], num_retries: 0 } as OpenAI.Audio.SpeechCreateParams);
    expect(Buffer.from(await response.arrayBuffer())).toEqual(Buffer.concat(AUDIO_CHUNKS));
    expect(azure.requests[0]!.url).toBe('/openai/deployments/my-tts/audio/speech?api-version=2024-10-21');
  });

  it('checks the body first: a 400 naming the field', async () => {
    const error = await failure(client.audio.speech.create({ model: 'tts', input: 'Hi', voice: 'alloy', response_format: 'ogg' as 'mp3' }));
    expect(error.status).toBe(400);
    expect(error.message).toContain('response_format must be one of mp3, opus, aac, flac, wav, pcm');
    const long = await failure(client.audio.speech.create({ model: 'tts', input: 'x'.repeat(4097), voice: 'alloy' }));
    expect(long.message).toContain('input must be at most 4096 characters');
    expect(openai.requests).toHaveLength(0);
  });

  it('refuses a transcription model by its mode, and says which providers speak for one of unknown mode', async () => {
    const whisper = await failure(client.audio.speech.create({ model: 'groq-whisper', input: 'Hi', voice: 'alloy' }));
    expect(whisper.status).toBe(400);
    expect(whisper.message).toContain('is an audio_transcription model: it is served on POST /v1/audio/transcriptions and /v1/audio/translations');
    const unknown = await failure(client.audio.speech.create({ model: 'groq-new', input: 'Hi', voice: 'alloy' }));
    expect(unknown.message).toContain('does not serve text-to-speech: its provider groq has no text-to-speech API in Tollgate');
    expect(groq.requests).toHaveLength(0);
  });
});
