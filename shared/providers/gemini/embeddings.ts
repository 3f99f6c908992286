// OpenAI embeddings ⇄ Gemini's batchEmbedContents (what the official SDK calls for one text or
// many): `dimensions` → outputDimensionality, LiteLLM's `task_type` → taskType, base64 encoding
// done here since Gemini answers with numbers. The text and response helpers serve Vertex AI too.
import { GatewayError } from '../../core/errors.ts';
import { callUpstream, readJson, type UpstreamRequest } from '../../http/upstream.ts';
import { encodeEmbedding } from '../../openai/embedding-encoding.ts';
import type { EmbeddingRequest, EmbeddingResponse } from '../../openai/types.ts';
import { estimatePromptTokens } from '../../routing/prompt-size.ts';
import type { EmbeddingCall } from '../types.ts';
import { googleHttpError } from './errors.ts';
import type { GeminiTarget } from './generate.ts';
import type { GeminiBatchEmbedContentsResponse, GeminiEmbedContentRequest } from './types.ts';

export async function batchEmbedContents({ request, deployment, signal }: EmbeddingCall, target: GeminiTarget): Promise<EmbeddingResponse> {
  const texts = embeddingTexts(request, target.provider);
  const model = request.model.replace(/^models\//, '');
  const requests = texts.map((text): GeminiEmbedContentRequest => ({
    model: `models/${model}`,
    content: { parts: [{ text }] },
    ...(typeof request['task_type'] === 'string' ? { taskType: request['task_type'] } : {}),
    ...(request.dimensions ? { outputDimensionality: request.dimensions } : {}),
  }));
  const upstream: UpstreamRequest = {
    url: `${target.modelUrl}:batchEmbedContents`,
    headers: { 'content-type': 'application/json', ...target.headers, ...deployment.extraHeaders },
    body: JSON.stringify({ requests }),
    signal,
    stream: false,
    timeoutMs: deployment.timeoutMs,
  };
  const response = await callUpstream(upstream, (status, text, headers) => googleHttpError(target, status, text, headers));
  const answer = (await readJson(response, upstream)) as GeminiBatchEmbedContentsResponse & { usageMetadata?: { promptTokenCount?: number } };
  if (!Array.isArray(answer.embeddings) || answer.embeddings.length !== texts.length) {
    throw new GatewayError('upstream_error', `${target.provider} answered with ${answer.embeddings?.length ?? 0} embeddings for ${texts.length} inputs.`);
  }
  // Older models report no token count: estimated the way the router sizes embedding inputs.
  const promptTokens = answer.usageMetadata?.promptTokenCount ?? estimatePromptTokens(texts.map((content) => ({ role: 'user', content })));
  return embeddingResponse(answer.embeddings.map((e) => e.values), request, promptTokens);
}

/** `input` as a list of texts; token-id input (numbers) is OpenAI-only. */
export function embeddingTexts(request: EmbeddingRequest, provider: string): string[] {
  const input = request.input;
  const texts = typeof input === 'string' ? [input] : input;
  if (!Array.isArray(texts) || !texts.length || !texts.every((text): text is string => typeof text === 'string')) {
    throw new GatewayError('invalid_request', `${provider} embeds text only: send input as a string or an array of strings (token ids are not supported).`, { param: 'input' });
  }
  return texts;
}

export function embeddingResponse(vectors: number[][], request: EmbeddingRequest, promptTokens: number): EmbeddingResponse {
  return {
    object: 'list',
    data: vectors.map((values, index) => ({ object: 'embedding', index, embedding: encodeEmbedding(values, request.encoding_format) })),
    model: request.model,
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  };
}
