// Amazon Polly text-to-speech (`aws_polly/<engine>`: standard, neural, long-form, generative), as
// LiteLLM names it: POST /v1/audio/speech → Polly's SynthesizeSpeech (`POST /v1/speech`), signed with
// SigV4 (./sigv4.ts: no Polly SDK client exists at the AWS SDK version the gateway pins), the audio
// passed on as it arrives. OpenAI's voices map to Polly's as LiteLLM maps them (alloy → Joanna, ...);
// any other voice is a Polly voice id. Formats Polly lacks (aac, flac, wav) come as mp3, as in LiteLLM;
// input with a <speak> tag is sent as SSML. Priced per character.
import type { Deployment } from '../../config/types.ts';
import { GatewayError } from '../../core/errors.ts';
import { callUpstream, headerValue, type UpstreamRequest } from '../../http/upstream.ts';
import type { SpeechAnswer, SpeechRequest } from '../../openai/audio.ts';
import { targetOf, targetSecrets } from '../bedrock/client.ts';
import { deploymentLimits } from '../deployment-limits.ts';
import { audioBytes } from '../openai-compatible/media.ts';
import type { Provider, UpstreamCall } from '../types.ts';
import { retryAfterSeconds, upstreamError } from '../upstream-errors.ts';
import { signedHeaders } from './sigv4.ts';

const PROVIDER_NAME = 'aws_polly';
const ENGINES = new Set(['standard', 'neural', 'long-form', 'generative']);
const VOICES: Record<string, string> = { alloy: 'Joanna', echo: 'Matthew', fable: 'Amy', onyx: 'Brian', nova: 'Ivy', shimmer: 'Kendra' };
const FORMATS: Record<string, string> = { mp3: 'mp3', opus: 'ogg_vorbis', pcm: 'pcm', aac: 'mp3', flac: 'mp3', wav: 'mp3' };

export const pollyProvider: Provider = {
  name: PROVIDER_NAME,
  requiresApiKey: false,
  requiresApiBase: false,
  extraParams: ['aws_access_key_id', 'aws_secret_access_key', 'aws_session_token', 'aws_region_name'],
  unsupportedParams: new Set(),
  priceKeys: (engine) => [`aws_polly/${engine}`],
  async chat() {
    throw new GatewayError('invalid_request', 'aws_polly/ models serve POST /v1/audio/speech in Tollgate, not chat.', { param: 'model' });
  },
  speak: synthesizeSpeech,
};

async function synthesizeSpeech({ request, deployment, signal }: UpstreamCall<SpeechRequest>): Promise<SpeechAnswer> {
  const target = targetOf(deployment.params, deployment.apiBase);
  const url = `${(deployment.apiBase ?? `https://polly.${target.region}.amazonaws.com`).replace(/\/+$/, '')}/v1/speech`;
  const voice = typeof request.voice === 'string' ? request.voice : request.voice.id;
  const body = JSON.stringify({
    Engine: ENGINES.has(request.model) ? request.model : 'neural',
    OutputFormat: FORMATS[request.response_format ?? 'mp3'],
    Text: request.input,
    TextType: /<speak[\s>]/.test(request.input) ? 'ssml' : 'text',
    VoiceId: VOICES[voice] ?? voice,
  });
  const headers = await signedHeaders(url, body, { 'content-type': 'application/json', ...deployment.extraHeaders }, 'polly', target);
  const upstream: UpstreamRequest = { url, headers, body, signal, ...deploymentLimits(deployment), stream: true, streamTimeoutMs: deployment.streamTimeoutMs };
  const response = await callUpstream(upstream, mapError(deployment));
  return { contentType: headerValue(response.headers, 'content-type') ?? 'audio/mpeg', audio: audioBytes(response, upstream) };
}

/** Polly's errors: `{"message"}` with the exception in `x-amzn-ErrorType`. */
function mapError(deployment: Deployment) {
  return (status: number, text: string, headers: Record<string, string | string[] | undefined>) => {
    let message = text.trim() || 'no error message';
    try {
      const parsed = JSON.parse(text) as { message?: unknown; Message?: unknown };
      const said = parsed.message ?? parsed.Message;
      if (typeof said === 'string') message = said;
    } catch {
      // not JSON: the text as it is
    }
    const exception = headerValue(headers, 'x-amzn-errortype')?.split(':')[0];
    return upstreamError({
      provider: PROVIDER_NAME,
      status,
      message: exception ? `${exception}: ${message}` : message,
      retryAfterSeconds: retryAfterSeconds(headers),
      secrets: targetSecrets(targetOf(deployment.params, deployment.apiBase)),
    });
  };
}
