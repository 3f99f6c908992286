// The OpenAI-compatible providers' APIs beside chat and embeddings: image generation (OpenAI, Azure).
// The request goes on as the client sent it (checked, gateway-only fields removed); the answer comes
// back in OpenAI's shape as it is.
import { callUpstream, readJson, type UpstreamErrorMapper, type UpstreamRequest } from '../../http/upstream.ts';
import { createdNow } from '../../openai/completion-id.ts';
import type { ImagesResponse } from '../../openai/images.ts';
import type { Deployment } from '../../config/types.ts';
import type { Provider } from '../types.ts';
import { parseAnswer } from '../upstream-answer.ts';
import { imagesSchema } from './media-schema.ts';
import type { OpenAICompatiblePreset, OpenAIEndpoint } from './presets.ts';

export interface OpenAIRequestParts {
  url(deployment: Deployment, endpoint: OpenAIEndpoint): string;
  headers(deployment: Deployment): Record<string, string>;
  mapError(deployment: Deployment): UpstreamErrorMapper;
}

/** The media methods the preset's API has. */
export function mediaApis(preset: OpenAICompatiblePreset, parts: OpenAIRequestParts): Pick<Provider, 'generateImage'> {
  const apis: Pick<Provider, 'generateImage'> = {};
  if (preset.images) {
    apis.generateImage = async ({ request, deployment, signal }): Promise<ImagesResponse> => {
      const upstream = jsonRequest(parts.url(deployment, 'images/generations'), parts.headers(deployment), request, deployment, signal);
      const answer = parseAnswer(imagesSchema, await readJson(await callUpstream(upstream, parts.mapError(deployment)), upstream), preset.name, 'an images answer');
      return { ...answer, created: answer.created ?? createdNow() };
    };
  }
  return apis;
}

function jsonRequest(url: string, headers: Record<string, string>, body: unknown, deployment: Deployment, signal: AbortSignal): UpstreamRequest {
  return {
    url,
    headers,
    body: JSON.stringify(body),
    signal,
    stream: false,
    timeoutMs: deployment.timeoutMs,
    maxResponseBytes: deployment.maxResponseBytes,
    provider: deployment.provider,
  };
}
