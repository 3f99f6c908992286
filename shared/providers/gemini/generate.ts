// One generateContent call, streamed or not, against any host that speaks it: the Gemini API
// (key header) and Vertex AI's Gemini models (bearer token) differ only in URL and headers.
import { GatewayError } from '../../core/errors.ts';
import { sseEvents } from '../../http/sse-events.ts';
import { callUpstream, connectionError, readJson, type UpstreamBody, type UpstreamRequest } from '../../http/upstream.ts';
import type { ChatCompletionChunk } from '../../openai/types.ts';
import type { ChatCall, ChatResult } from '../types.ts';
import { googleHttpError, type GoogleErrorContext } from './errors.ts';
import { toGenerateContentRequest } from './request.ts';
import { toChatCompletion } from './response.ts';
import { toChunks } from './stream.ts';
import type { GenerateContentResponse } from './types.ts';

export interface GeminiTarget extends GoogleErrorContext {
  /** The model's resource URL, before `:generateContent`. */
  modelUrl: string;
  headers: Record<string, string>;
}

export async function generateContent({ request, deployment, signal }: ChatCall, target: GeminiTarget): Promise<ChatResult> {
  const stream = request.stream === true;
  const upstream: UpstreamRequest = {
    url: stream ? `${target.modelUrl}:streamGenerateContent?alt=sse` : `${target.modelUrl}:generateContent`,
    headers: { 'content-type': 'application/json', accept: stream ? 'text/event-stream' : 'application/json', ...target.headers, ...deployment.extraHeaders },
    body: JSON.stringify(toGenerateContentRequest(request)),
    signal,
    stream,
    timeoutMs: deployment.timeoutMs,
    firstByteTimeoutMs: deployment.streamTimeoutMs,
  };
  const response = await callUpstream(upstream, (status, text, headers) => googleHttpError(target, status, text, headers));
  if (!stream) {
    const answer = (await readJson(response, upstream)) as GenerateContentResponse;
    return { stream: false, completion: toChatCompletion(answer, request.model, target) };
  }
  return { stream: true, chunks: chunksOf(response.body, upstream, request.model, target) };
}

async function* chunksOf(body: UpstreamBody, upstream: UpstreamRequest, model: string, target: GeminiTarget): AsyncGenerator<ChatCompletionChunk> {
  let finished = false;
  try {
    yield* toChunks(sseEvents(body), model, target);
    finished = true;
  } catch (error) {
    if (error instanceof SyntaxError) throw new GatewayError('upstream_error', `${target.provider} sent a stream event that is not JSON.`);
    throw connectionError(error, upstream);
  } finally {
    // The consumer stopped early, or the stream failed: free the connection instead of draining it.
    if (!finished) body.destroy();
  }
}
