// One generateContent call, streamed or not, against any host that speaks it: the Gemini API
// (key header) and Vertex AI's Gemini models (bearer token) differ only in URL and headers.
import type { Deployment } from '../../config/types.ts';
import { translateUpstreamStream } from '../../http/upstream-stream.ts';
import { callUpstream, readJson, type UpstreamRequest } from '../../http/upstream.ts';
import type { ChatCall, ChatResult } from '../types.ts';
import { parseAnswer } from '../upstream-answer.ts';
import { generateContentSchema } from './answer-schema.ts';
import { googleHttpError, type GoogleErrorContext } from './errors.ts';
import { toGenerateContentRequest } from './request.ts';
import { toChatCompletion } from './response.ts';
import { toChunks } from './stream.ts';
import { deploymentLimits } from '../deployment-limits.ts';

export interface GeminiTarget extends GoogleErrorContext {
  /** The model's resource URL, before `:generateContent`. */
  modelUrl: string;
  headers: Record<string, string>;
}

export async function generateContent({ request, deployment, signal }: ChatCall, target: GeminiTarget): Promise<ChatResult> {
  const stream = request.stream === true;
  const upstream = googleMethodRequest(target, deployment, stream ? 'streamGenerateContent' : 'generateContent', toGenerateContentRequest(request), signal);
  const response = await callUpstream(upstream, (status, text, headers) => googleHttpError(target, status, text, headers));
  if (!stream) {
    const answer = parseAnswer(generateContentSchema, await readJson(response, upstream), target.provider, 'a generateContent answer');
    return { stream: false, completion: toChatCompletion(answer, request.model, target) };
  }
  return { stream: true, chunks: translateUpstreamStream(response.body, upstream, target.provider, (events) => toChunks(events, request.model, target)) };
}

/** The HTTP call of a model's method with a body in Google's format; a stream's events as SSE (`?alt=sse`). */
export function googleMethodRequest(
  target: GeminiTarget,
  deployment: Deployment,
  method: 'generateContent' | 'streamGenerateContent' | 'countTokens',
  body: unknown,
  signal: AbortSignal,
): UpstreamRequest {
  const stream = method === 'streamGenerateContent';
  return {
    url: `${target.modelUrl}:${method}${stream ? '?alt=sse' : ''}`,
    headers: { 'content-type': 'application/json', accept: stream ? 'text/event-stream' : 'application/json', ...target.headers, ...deployment.extraHeaders },
    body: JSON.stringify(body),
    signal,
    stream,
    ...deploymentLimits(deployment),
  };
}
