// One implementation for every OpenAI-compatible provider; the differences are the preset's data.
import { GatewayError } from '../../core/errors.ts';
import type { SseEvent } from '../../http/sse-events.ts';
import { callUpstream, readJson, type UpstreamRequest } from '../../http/upstream.ts';
import { translateUpstreamStream } from '../../http/upstream-stream.ts';
import { completionId, createdNow } from '../../openai/completion-id.ts';
import type { ChatCompletionChunk, ChatCompletionRequest, EmbeddingResponse } from '../../openai/types.ts';
import type { Deployment } from '../../config/types.ts';
import { withVersionPath } from '../api-base.ts';
import type { ChatCall, ChatResult, EmbeddingCall, Provider } from '../types.ts';
import { parseAnswer, parseEvent } from '../upstream-answer.ts';
import { parseErrorBody, retryAfterSeconds, upstreamError } from '../upstream-errors.ts';
import { toChatCompletion, toChunk, toEmbeddingResponse } from './answer.ts';
import { chatViaResponses, servedOnResponses } from './chat-via-responses.ts';
import { chunkSchema, completionSchema, embeddingsSchema, inBandErrorSchema } from './answer-schema.ts';
import type { OpenAICompatiblePreset, OpenAIEndpoint } from './presets.ts';
import { mediaApis } from './media.ts';
import { forReasoningModel, isOpenAIReasoningModel } from './reasoning-models.ts';
import { deploymentLimits } from '../deployment-limits.ts';

/** How an OpenAI-format upstream's failure becomes a gateway error. */
export const upstreamErrorMapper = (preset: OpenAICompatiblePreset, deployment: Deployment) => (status: number, text: string, headers: Record<string, string | string[] | undefined>) =>
  upstreamError({ provider: preset.name, status, ...parseErrorBody(text), retryAfterSeconds: retryAfterSeconds(headers), secrets: [deployment.apiKey] });

export function openAICompatibleProvider(preset: OpenAICompatiblePreset): Provider {
  const mapError = (deployment: Deployment) => upstreamErrorMapper(preset, deployment);

  const provider: Provider = {
    name: preset.name,
    apiKeyEnv: preset.apiKeyEnv,
    requiresApiKey: preset.requiresApiKey,
    requiresApiBase: preset.requiresApiBase,
    unsupportedParams: new Set(preset.unsupportedParams ?? []),
    priceKeys: (model) => [...new Set([`${preset.priceSection ?? preset.name}/${model}`, `${preset.name}/${model}`])],

    async chat(call: ChatCall): Promise<ChatResult> {
      const { request, deployment, signal } = call;
      if (preset.nativeApis?.includes('responses') && servedOnResponses(deployment)) return chatViaResponses(preset, call);
      const upstream: UpstreamRequest = {
        url: chatUrl(preset, deployment),
        headers: requestHeaders(preset, deployment),
        body: JSON.stringify(upstreamBody(preset, request, deployment)),
        signal,
        stream: request.stream === true,
        ...deploymentLimits(deployment),
      };
      const response = await callUpstream(upstream, mapError(deployment));
      if (!upstream.stream) {
        const answer = parseAnswer(completionSchema, await readJson(response, upstream), preset.name, 'a chat completion');
        return { stream: false, completion: toChatCompletion(answer, request.model) };
      }
      return { stream: true, chunks: translateUpstreamStream(response.body, upstream, preset.name, (events) => openAIChunks(events, preset.name, request.model, deployment)) };
    },
    ...mediaApis(preset, { url: (deployment, endpoint) => endpointUrl(preset, deployment, endpoint), headers: (deployment) => requestHeaders(preset, deployment), mapError }),
  };
  if (preset.embeddings === false) return provider;

  provider.embed = async ({ request, deployment, signal }: EmbeddingCall): Promise<EmbeddingResponse> => {
    const upstream: UpstreamRequest = {
      url: endpointUrl(preset, deployment, 'embeddings'),
      headers: requestHeaders(preset, deployment),
      // encoding_format and dimensions pass through: these APIs take them as OpenAI does.
      body: JSON.stringify({ ...request, model: upstreamModel(preset, request.model) }),
      signal,
      stream: false,
      ...deploymentLimits(deployment),
    };
    const answer = parseAnswer(embeddingsSchema, await readJson(await callUpstream(upstream, mapError(deployment)), upstream), preset.name, 'an embeddings list');
    return toEmbeddingResponse(answer, request.model);
  };
  return provider;
}

export function chatUrl(preset: OpenAICompatiblePreset, deployment: Deployment): string {
  return endpointUrl(preset, deployment, 'chat/completions');
}

export function endpointUrl(preset: OpenAICompatiblePreset, deployment: Deployment, endpoint: OpenAIEndpoint): string {
  const configured = deployment.apiBase ?? preset.defaultApiBase;
  if (!configured) throw new GatewayError('internal', `Provider ${preset.name} has no api_base.`);
  const base = withVersionPath(configured, preset.versionPath);
  return preset.endpointUrl ? preset.endpointUrl(base, deployment, endpoint) : `${base}/${endpoint}`;
}

/** Fireworks wants its account path on bare model ids. */
function upstreamModel(preset: OpenAICompatiblePreset, model: string): string {
  return preset.modelPrefix && !model.includes('/') ? `${preset.modelPrefix}${model}` : model;
}

export function requestHeaders(preset: OpenAICompatiblePreset, deployment: Deployment): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
  if (deployment.apiKey) {
    if (sendsApiKeyHeader(preset, deployment)) headers['api-key'] = deployment.apiKey;
    else headers['authorization'] = `Bearer ${deployment.apiKey}`;
  }
  return { ...headers, ...deployment.extraHeaders };
}

const AZURE_HOSTS = /\.(services\.ai|openai)\.azure\.com$/;

function sendsApiKeyHeader(preset: OpenAICompatiblePreset, deployment: Deployment): boolean {
  if (preset.auth !== 'api-key-on-azure-hosts') return preset.auth === 'api-key';
  const base = deployment.apiBase ?? preset.defaultApiBase;
  return base !== undefined && AZURE_HOSTS.test(new URL(base).hostname);
}

function upstreamBody(preset: OpenAICompatiblePreset, request: ChatCompletionRequest, deployment: Deployment): Record<string, unknown> {
  const body: Record<string, unknown> = { ...request };
  if (preset.openAIReasoningModels && isOpenAIReasoningModel(deployment)) forReasoningModel(body);
  // Always ask for the usage chunk: spend is priced from it. The chat route hides it from clients that did not ask.
  if (request.stream) body['stream_options'] = { ...request.stream_options, include_usage: true };
  body['model'] = upstreamModel(preset, request.model);
  for (const [from, to] of Object.entries(preset.renamedParams ?? {})) {
    if (from in body) {
      body[to] = body[from];
      delete body[from];
    }
  }
  return body;
}

/** OpenAI's own SSE: chunks as they are, an in-band error event raised as a gateway error (also read from SageMaker's Messages API containers). */
export async function* openAIChunks(events: AsyncIterable<SseEvent>, provider: string, model: string, deployment: Deployment): AsyncGenerator<ChatCompletionChunk> {
  const stream = { id: completionId(), created: createdNow(), model };
  let sawDone = false;
  // Read on past [DONE] to the body's end, so the keep-alive connection can be reused.
  for await (const event of events) {
    if (sawDone || event.data === '[DONE]') {
      sawDone = true;
      continue;
    }
    const data: unknown = JSON.parse(event.data);
    if (inBandErrorSchema.safeParse(data).success) {
      const { message, code } = parseErrorBody(event.data);
      throw upstreamError({ provider, status: 200, message, code, secrets: [deployment.apiKey] });
    }
    yield toChunk(parseEvent(chunkSchema, data, provider, 'a chat.completion.chunk'), stream);
  }
}
