// The OpenAI-compatible providers' APIs beside chat and embeddings: image generation and edits
// (OpenAI, Azure), transcriptions and translations (OpenAI, Azure, Groq), speech (OpenAI, Azure),
// moderations (OpenAI), rerank in Jina's shape (vLLM, Together). The request goes on as the client
// sent it (checked, gateway-only fields removed); the answer comes back in OpenAI's shape as it is,
// speech as its bytes arrive.
import { randomUUID } from 'node:crypto';
import { connectionError, callUpstream, headerValue, readJson, readText, type UpstreamErrorMapper, type UpstreamRequest, type UpstreamResponse } from '../../http/upstream.ts';
import { multipartBody } from '../../http/multipart-body.ts';
import { createdNow } from '../../openai/completion-id.ts';
import { SPEECH_CONTENT_TYPES, type SpeechAnswer, type TranscriptAnswer, type TranscriptionRequest } from '../../openai/audio.ts';
import type { ImagesResponse } from '../../openai/images.ts';
import type { ModerationResponse } from '../../openai/moderations.ts';
import type { Deployment } from '../../config/types.ts';
import type { Provider, UpstreamCall } from '../types.ts';
import { parseAnswer } from '../upstream-answer.ts';
import { callRerank } from '../rerank/rerank-apis.ts';
import { imagesSchema, moderationSchema, transcriptSchema } from './media-schema.ts';
import type { OpenAICompatiblePreset, OpenAIEndpoint } from './presets.ts';
import { deploymentLimits } from '../deployment-limits.ts';

type MediaApis = Pick<Provider, 'generateImage' | 'editImage' | 'transcribe' | 'translate' | 'speak' | 'rerank' | 'moderate'>;

export interface OpenAIRequestParts {
  url(deployment: Deployment, endpoint: OpenAIEndpoint): string;
  headers(deployment: Deployment): Record<string, string>;
  mapError(deployment: Deployment): UpstreamErrorMapper;
}

/** The media methods the preset's API has. */
export function mediaApis(preset: OpenAICompatiblePreset, parts: OpenAIRequestParts): MediaApis {
  const apis: MediaApis = {};
  if (preset.images) {
    apis.generateImage = async ({ request, deployment, signal }): Promise<ImagesResponse> => {
      const upstream = jsonRequest(parts.url(deployment, 'images/generations'), parts.headers(deployment), request, deployment, signal);
      const answer = parseAnswer(imagesSchema, await readJson(await callUpstream(upstream, parts.mapError(deployment)), upstream), preset.name, 'an images answer');
      return { ...answer, created: answer.created ?? createdNow() };
    };
  }
  if (preset.images) {
    apis.editImage = async ({ request, deployment, signal }): Promise<ImagesResponse> => {
      const upstream = formRequest(parts, 'images/edits', request, deployment, signal);
      const answer = parseAnswer(imagesSchema, await readJson(await callUpstream(upstream, parts.mapError(deployment)), upstream), preset.name, 'an images answer');
      return { ...answer, created: answer.created ?? createdNow() };
    };
  }
  if (preset.transcriptions) {
    apis.transcribe = (call) => transcript(preset, parts, 'audio/transcriptions', call);
    apis.translate = (call) => transcript(preset, parts, 'audio/translations', call);
  }
  if (preset.speech) {
    apis.speak = async ({ request, deployment, signal }): Promise<SpeechAnswer> => {
      const upstream: UpstreamRequest = {
        ...jsonRequest(parts.url(deployment, 'audio/speech'), { ...parts.headers(deployment), accept: '*/*' }, request, deployment, signal),
        // Audio comes as it is made: each wait between bytes is bounded, not the whole answer.
        stream: true,
        streamTimeoutMs: deployment.streamTimeoutMs,
      };
      const response = await callUpstream(upstream, parts.mapError(deployment));
      const contentType = headerValue(response.headers, 'content-type') ?? SPEECH_CONTENT_TYPES[request.response_format ?? 'mp3'];
      return { contentType, audio: audioBytes(response, upstream) };
    };
  }
  if (preset.moderations) {
    apis.moderate = async ({ request, deployment, signal }): Promise<ModerationResponse> => {
      const upstream = jsonRequest(parts.url(deployment, 'moderations'), parts.headers(deployment), request, deployment, signal);
      const answer = parseAnswer(moderationSchema, await readJson(await callUpstream(upstream, parts.mapError(deployment)), upstream), preset.name, 'a moderations answer');
      return { ...answer, id: answer.id ?? `modr-${randomUUID()}`, model: answer.model ?? request.model };
    };
  }
  if (preset.rerank) {
    apis.rerank = (call) => callRerank('jina', { url: parts.url(call.deployment, 'rerank'), headers: parts.headers(call.deployment), mapError: parts.mapError(call.deployment) }, call);
  }
  return apis;
}

/** A transcript, sent as the multipart upload OpenAI's audio API takes; JSON answers say the seconds heard. */
async function transcript(
  preset: OpenAICompatiblePreset,
  parts: OpenAIRequestParts,
  endpoint: OpenAIEndpoint,
  { request, deployment, signal }: UpstreamCall<TranscriptionRequest>,
): Promise<TranscriptAnswer> {
  const upstream = formRequest(parts, endpoint, request, deployment, signal);
  const response = await callUpstream(upstream, parts.mapError(deployment));
  const format = request.response_format ?? 'json';
  if (format !== 'json' && format !== 'verbose_json') {
    return { body: await readText(response, upstream), contentType: headerValue(response.headers, 'content-type') ?? 'text/plain; charset=utf-8' };
  }
  const answer = parseAnswer(transcriptSchema, await readJson(response, upstream), preset.name, 'a transcript');
  const seconds = answer.duration ?? (answer.usage?.type === 'duration' ? answer.usage.seconds : undefined);
  return { body: JSON.stringify(answer), contentType: 'application/json', seconds };
}

/** A multipart upload of the request's fields and files, as OpenAI's audio and image edit APIs take them. */
function formRequest(parts: OpenAIRequestParts, endpoint: OpenAIEndpoint, request: Record<string, unknown>, deployment: Deployment, signal: AbortSignal): UpstreamRequest {
  const form = multipartBody(request);
  return upstreamRequest(parts.url(deployment, endpoint), { ...parts.headers(deployment), 'content-type': form.contentType, accept: '*/*' }, form.body, deployment, signal);
}

/** The audio's bytes as they arrive; a connection lost midway is the upstream's failure, a consumer that stops frees it. */
export async function* audioBytes(response: UpstreamResponse, upstream: UpstreamRequest): AsyncGenerator<Buffer> {
  let finished = false;
  try {
    for await (const chunk of response.body as AsyncIterable<Buffer>) yield chunk;
    finished = true;
  } catch (error) {
    throw connectionError(error, upstream);
  } finally {
    if (!finished) response.body.destroy();
  }
}

function jsonRequest(url: string, headers: Record<string, string>, body: unknown, deployment: Deployment, signal: AbortSignal): UpstreamRequest {
  return upstreamRequest(url, headers, JSON.stringify(body), deployment, signal);
}

function upstreamRequest(url: string, headers: Record<string, string>, body: string | Buffer, deployment: Deployment, signal: AbortSignal): UpstreamRequest {
  return {
    url,
    headers,
    body,
    signal,
    stream: false,
    ...deploymentLimits(deployment),
  };
}
