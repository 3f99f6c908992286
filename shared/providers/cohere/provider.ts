// Cohere (`cohere/<model>`) on its v2 API: chat (POST /v2/chat, streamed as SSE events), embeddings
// (POST /v2/embed) and rerank (POST /v2/rerank, shared with the other rerank services), with the key
// as Bearer (`COHERE_API_KEY`). Translation lives in request.ts, response.ts, stream.ts and embeddings.ts.
import type { Deployment } from '../../config/types.ts';
import { translateUpstreamStream } from '../../http/upstream-stream.ts';
import { callUpstream, readJson, type UpstreamRequest } from '../../http/upstream.ts';
import { withVersionPath } from '../api-base.ts';
import { deploymentLimits } from '../deployment-limits.ts';
import { callRerank } from '../rerank/rerank-apis.ts';
import type { Provider } from '../types.ts';
import { parseAnswer } from '../upstream-answer.ts';
import { retryAfterSeconds, upstreamError } from '../upstream-errors.ts';
import { chatAnswerSchema, errorBodySchema } from './answer-schema.ts';
import { embed } from './embeddings.ts';
import { toCohereChat } from './request.ts';
import { toChatCompletion } from './response.ts';
import { toChunks } from './stream.ts';

const PROVIDER_NAME = 'cohere';
export const COHERE_DEFAULT_API_BASE = 'https://api.cohere.com';

/** OpenAI parameters Cohere's v2 chat has no counterpart for: refused, or dropped under drop_params. */
const UNSUPPORTED_PARAMS = ['n', 'logit_bias', 'logprobs', 'top_logprobs', 'parallel_tool_calls', 'audio', 'modalities', 'prediction', 'service_tier', 'store', 'reasoning_effort'];

export const cohereProvider: Provider = {
  name: PROVIDER_NAME,
  apiKeyEnv: 'COHERE_API_KEY',
  requiresApiKey: true,
  requiresApiBase: false,
  unsupportedParams: new Set(UNSUPPORTED_PARAMS),
  priceKeys: (model) => [`cohere/${model}`],

  async chat({ request, deployment, signal }) {
    const stream = request.stream === true;
    const upstream: UpstreamRequest = {
      url: url(deployment, '/v2/chat'),
      headers: { ...headers(deployment), accept: stream ? 'text/event-stream' : 'application/json' },
      body: JSON.stringify(toCohereChat(request)),
      signal,
      stream,
      ...deploymentLimits(deployment),
    };
    const response = await callUpstream(upstream, mapError(deployment));
    if (!stream) return { stream: false, completion: toChatCompletion(parseAnswer(chatAnswerSchema, await readJson(response, upstream), PROVIDER_NAME, 'a chat answer'), request.model) };
    return { stream: true, chunks: translateUpstreamStream(response.body, upstream, PROVIDER_NAME, (events) => toChunks(events, request.model, PROVIDER_NAME)) };
  },

  embed: (call) => embed(call, url(call.deployment, '/v2/embed'), headers(call.deployment), mapError(call.deployment)),

  rerank: (call) => callRerank('cohere', { url: url(call.deployment, '/v2/rerank'), headers: bearer(call.deployment), mapError: mapError(call.deployment) }, call),
};

/** `api_base` with or without a trailing `/v2` or `/v1`, as LiteLLM takes it. */
function url(deployment: Deployment, path: string): string {
  return `${withVersionPath(deployment.apiBase ?? COHERE_DEFAULT_API_BASE, '').replace(/\/v[12]$/, '')}${path}`;
}

function bearer(deployment: Deployment): Record<string, string> {
  return deployment.apiKey ? { authorization: `Bearer ${deployment.apiKey}` } : {};
}

function headers(deployment: Deployment): Record<string, string> {
  return { 'content-type': 'application/json', accept: 'application/json', ...bearer(deployment), ...deployment.extraHeaders };
}

/** Cohere's errors are `{"message": "..."}`. */
function mapError(deployment: Deployment) {
  return (status: number, text: string, responseHeaders: Record<string, string | string[] | undefined>) => {
    let message = text.trim() || 'no error message';
    try {
      const body = errorBodySchema.safeParse(JSON.parse(text));
      if (body.success) message = body.data.message;
    } catch {
      // not JSON: the text as it is
    }
    return upstreamError({ provider: PROVIDER_NAME, status, message, retryAfterSeconds: retryAfterSeconds(responseHeaders), secrets: [deployment.apiKey] });
  };
}
