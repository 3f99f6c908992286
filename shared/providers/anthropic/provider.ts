// The Anthropic provider (`anthropic/<model>`): OpenAI chat requests over the Messages API.
// Translation lives in request.ts, response.ts and stream.ts; this module is the transport.
import type { Deployment } from '../../config/types.ts';
import { translateUpstreamStream } from '../../http/upstream-stream.ts';
import { callUpstream, readJson, type UpstreamErrorMapper, type UpstreamRequest, type UpstreamResponse } from '../../http/upstream.ts';
import { withVersionPath } from '../api-base.ts';
import type { ChatCall, ChatResult, Provider } from '../types.ts';
import { parseAnswer } from '../upstream-answer.ts';
import { parseErrorBody, retryAfterSeconds, upstreamError } from '../upstream-errors.ts';
import { messageSchema } from './answer-schema.ts';
import { PROVIDER_NAME } from './errors.ts';
import { toAnthropicRequest } from './request.ts';
import { toChatCompletion } from './response.ts';
import { toChunks, type StreamOptions } from './stream.ts';
import { deploymentLimits } from '../deployment-limits.ts';

export const ANTHROPIC_DEFAULT_API_BASE = 'https://api.anthropic.com/v1';
export const ANTHROPIC_VERSION = '2023-06-01';

/**
 * OpenAI parameters the Messages API has no counterpart for (LiteLLM's Anthropic config supports
 * none of them): refused with a 400, or dropped under drop_params.
 */
export const ANTHROPIC_UNSUPPORTED_PARAMS = [
  'frequency_penalty',
  'presence_penalty',
  'logit_bias',
  'logprobs',
  'top_logprobs',
  'n',
  'seed',
  'audio',
  'modalities',
  'prediction',
  'functions',
  'function_call',
  'service_tier',
  'store',
  'verbosity',
  'prompt_cache_key',
  'prompt_cache_retention',
  'safety_identifier',
];

export const anthropicProvider: Provider = {
  name: PROVIDER_NAME,
  apiKeyEnv: 'ANTHROPIC_API_KEY',
  requiresApiKey: true,
  requiresApiBase: false,
  unsupportedParams: new Set(ANTHROPIC_UNSUPPORTED_PARAMS),
  priceKeys: (model) => [`anthropic/${model}`],

  async chat({ request, deployment, signal }: ChatCall): Promise<ChatResult> {
    const { body, jsonTool } = toAnthropicRequest(request);
    const upstream: UpstreamRequest = {
      url: messagesUrl(deployment),
      headers: requestHeaders(deployment),
      body: JSON.stringify(body),
      signal,
      stream: body.stream === true,
      ...deploymentLimits(deployment),
    };
    const response = await callUpstream(upstream, upstreamErrorMapper(deployment));
    return readAnswer(response, upstream, { jsonTool, provider: PROVIDER_NAME, apiKey: deployment.apiKey });
  },
};

/** A Messages API answer, whole or streamed, as OpenAI's; Claude on Vertex AI answers the same way. */
export async function readAnswer(response: UpstreamResponse, upstream: UpstreamRequest, options: StreamOptions): Promise<ChatResult> {
  if (!upstream.stream) {
    const message = parseAnswer(messageSchema, await readJson(response, upstream), options.provider ?? PROVIDER_NAME, 'a message');
    return { stream: false, completion: toChatCompletion(message, options) };
  }
  return { stream: true, chunks: translateUpstreamStream(response.body, upstream, options.provider ?? PROVIDER_NAME, (events) => toChunks(events, options)) };
}

/** `path` is `messages` or `messages/count_tokens`. */
export function messagesUrl(deployment: Deployment, path = 'messages'): string {
  return `${withVersionPath(deployment.apiBase ?? ANTHROPIC_DEFAULT_API_BASE, '/v1')}/${path}`;
}

export function upstreamErrorMapper(deployment: Deployment): UpstreamErrorMapper {
  return (status, text, headers) => upstreamError({ provider: PROVIDER_NAME, status, ...parseErrorBody(text), retryAfterSeconds: retryAfterSeconds(headers), secrets: [deployment.apiKey] });
}

export function requestHeaders(deployment: Deployment): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    'anthropic-version': ANTHROPIC_VERSION,
  };
  if (deployment.apiKey) headers['x-api-key'] = deployment.apiKey;
  return { ...headers, ...deployment.extraHeaders };
}
