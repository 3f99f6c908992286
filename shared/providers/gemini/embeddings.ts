// OpenAI embeddings ⇄ Gemini's batchEmbedContents (what the official SDK calls for one text or
// many): `dimensions` → outputDimensionality, LiteLLM's `task_type` → taskType, base64 encoding
// done by embeddingResponse since Gemini answers with numbers.
import { GatewayError } from '../../core/errors.ts';
import { callUpstream, readJson, type UpstreamRequest } from '../../http/upstream.ts';
import { embeddingResponse, embeddingTexts } from '../../openai/embedding-encoding.ts';
import type { EmbeddingResponse } from '../../openai/types.ts';
import { estimatePromptTokens } from '../../openai/token-estimate.ts';
import { tokenCount } from '../token-count.ts';
import type { EmbeddingCall } from '../types.ts';
import { parseAnswer } from '../upstream-answer.ts';
import { batchEmbedContentsSchema } from './answer-schema.ts';
import { googleHttpError } from './errors.ts';
import type { GeminiTarget } from './generate.ts';
import type { GeminiEmbedContentRequest } from './types.ts';
import { deploymentLimits } from '../deployment-limits.ts';

export async function batchEmbedContents({ request, deployment, signal }: EmbeddingCall, target: GeminiTarget): Promise<EmbeddingResponse> {
  const texts = embeddingTexts(request, target.provider);
  const model = request.model.replace(/^models\//, '');
  const requests = texts.map(
    (text): GeminiEmbedContentRequest => ({
      model: `models/${model}`,
      content: { parts: [{ text }] },
      ...(typeof request['task_type'] === 'string' ? { taskType: request['task_type'] } : {}),
      ...(request.dimensions ? { outputDimensionality: request.dimensions } : {}),
    }),
  );
  const upstream: UpstreamRequest = {
    url: `${target.modelUrl}:batchEmbedContents`,
    headers: { 'content-type': 'application/json', ...target.headers, ...deployment.extraHeaders },
    body: JSON.stringify({ requests }),
    signal,
    stream: false,
    ...deploymentLimits(deployment),
  };
  const response = await callUpstream(upstream, (status, text, headers) => googleHttpError(target, status, text, headers));
  const answer = parseAnswer(batchEmbedContentsSchema, await readJson(response, upstream), target.provider, 'a batchEmbedContents answer');
  if (answer.embeddings.length !== texts.length) {
    throw new GatewayError('upstream_error', `${target.provider} answered with ${answer.embeddings.length} embeddings for ${texts.length} inputs.`);
  }
  // Older models report no token count: estimated the way the router sizes embedding inputs.
  const reported = answer.usageMetadata?.promptTokenCount;
  const promptTokens = reported === undefined || reported === null ? estimatePromptTokens(texts.map((content) => ({ role: 'user', content }))) : tokenCount(reported);
  return embeddingResponse(
    answer.embeddings.map((e) => e.values),
    request,
    promptTokens,
  );
}
