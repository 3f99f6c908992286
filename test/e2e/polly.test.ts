// aws_polly/<engine> on POST /v1/audio/speech, driven by the official `openai` client: the gateway signs
// a SynthesizeSpeech request (SigV4 for polly in the deployment's region) to a fake Polly on 127.0.0.1
// that answers as Polly's API reference describes (the audio as the body, errors as {message} with
// x-amzn-ErrorType), and streams the audio on; priced per character by engine.
import type { ServerResponse } from 'node:http';
import OpenAI from 'openai';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sigV4Scope } from '../helpers/fake-bedrock.ts';
import { Pricer } from '../../shared/pricing/pricer.ts';
import { defaultProviders } from '../../shared/providers/registry.ts';
import { recordingLog, startGateway, testConfig, type TestGateway } from '../helpers/gateway.ts';
import { sendJson, startRecordingServer, type RecordedRequest, type RecordingServer } from '../helpers/recording-server.ts';

const MASTER = 'sk-test-master';
let polly: RecordingServer;
let gateway: TestGateway;
let client: OpenAI;

/** Polly's SynthesizeSpeech: the audio stream as the body, in two pieces. */
function synthesize(request: RecordedRequest, res: ServerResponse): void {
  if (sigV4Scope(request.headers['authorization'])?.service !== 'polly')
    return void sendJson(res, 403, { message: 'Missing Authentication Token' }, { 'x-amzn-errortype': 'MissingAuthenticationTokenException' });
  if (request.url !== '/v1/speech') return void sendJson(res, 404, { message: 'Not Found' });
  if (request.json.VoiceId === 'Nobody') return void sendJson(res, 400, { message: 'Voice ID Nobody is not valid.' }, { 'x-amzn-errortype': 'InvalidParameterValueException:' });
  const types: Record<string, string> = { mp3: 'audio/mpeg', ogg_vorbis: 'audio/ogg', pcm: 'audio/pcm' };
  res.writeHead(200, { 'content-type': types[request.json.OutputFormat] ?? 'application/octet-stream', 'x-amzn-requestcharacters': String(request.json.Text.length) });
  res.write(Buffer.from('ID3-fake-audio-'));
  res.end(Buffer.from(request.json.Text));
}

beforeAll(async () => {
  polly = await startRecordingServer(synthesize);
  gateway = await startGateway(`
model_list:
  - model_name: polly-neural
    litellm_params: { model: aws_polly/neural, api_base: "${polly.url}", aws_region_name: eu-central-1, aws_access_key_id: AKIDFAKE, aws_secret_access_key: fake-secret-key }
general_settings: { master_key: ${MASTER} }
router_settings: { num_retries: 0 }
`);
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: MASTER, maxRetries: 0 });
});
afterAll(async () => {
  await gateway.close();
  await polly.close();
});

it('signs SynthesizeSpeech for polly in the region, maps the voice, engine and format, and streams the audio on', async () => {
  const response = await client.audio.speech.create({ model: 'polly-neural', voice: 'alloy', input: 'Hello from Polly', response_format: 'opus' });
  expect(Buffer.from(await response.arrayBuffer()).toString()).toBe('ID3-fake-audio-Hello from Polly');
  expect(response.headers.get('content-type')).toBe('audio/ogg');
  const sent = polly.requests.at(-1)!;
  expect(sigV4Scope(sent.headers['authorization'])).toEqual({ region: 'eu-central-1', service: 'polly' });
  expect(String(sent.headers['authorization'])).toContain('Credential=AKIDFAKE/');
  expect(sent.json).toEqual({ Engine: 'neural', OutputFormat: 'ogg_vorbis', Text: 'Hello from Polly', TextType: 'text', VoiceId: 'Joanna' });
});

it("is priced per character at the engine's price", () => {
  const config = testConfig('model_list:\n  - model_name: p\n    litellm_params: { model: aws_polly/generative }\n');
  expect(new Pricer(recordingLog(), defaultProviders()).priceOf(config.deployments[0]!)).toMatchObject({ input_cost_per_character: 0.00003, mode: 'audio_speech' });
});

it('sends SSML as SSML and a Polly voice id as it is', async () => {
  await (await client.audio.speech.create({ model: 'polly-neural', voice: 'Matthew', input: '<speak>Hi <break time="1s"/> there</speak>' })).arrayBuffer();
  expect(polly.requests.at(-1)!.json).toMatchObject({ TextType: 'ssml', VoiceId: 'Matthew', OutputFormat: 'mp3' });
});

it("passes Polly's refusal on as the client's 400 naming the exception, without the secret key", async () => {
  const error = await client.audio.speech.create({ model: 'polly-neural', voice: 'Nobody', input: 'hi' }).catch((e: InstanceType<typeof OpenAI.APIError>) => e);
  expect(error).toMatchObject({ status: 400, message: expect.stringContaining('InvalidParameterValueException: Voice ID Nobody is not valid.') });
  expect(JSON.stringify(error)).not.toContain('fake-secret-key');
});
