// OpenAI embeddings ⇄ Vertex AI's `:predict` for its text-embedding models (text-embedding-005,
// text-multilingual-embedding-002, gemini-embedding-001): one instance per text, `dimensions` →
// outputDimensionality, LiteLLM's `task_type`; usage from each prediction's token_count.
import { GatewayError } from '../../core/errors.ts';
import { callUpstream, readJson, type UpstreamRequest } from '../../http/upstream.ts';
import { embeddingResponse, embeddingTexts } from '../../openai/embedding-encoding.ts';
import type { EmbeddingResponse } from '../../openai/types.ts';
import { googleHttpError } from '../gemini/errors.ts';
import { tokenCount } from '../token-count.ts';
import type { EmbeddingCall } from '../types.ts';
import { parseAnswer } from '../upstream-answer.ts';
import { predictEmbeddingsSchema } from './answer-schema.ts';
import type { VertexModel } from './location.ts';
import { deploymentLimits } from '../deployment-limits.ts';

export async function predictEmbeddings({ request, deployment, signal }: EmbeddingCall, target: VertexModel): Promise<EmbeddingResponse> {
  const texts = embeddingTexts(request, target.provider);
  const taskType = typeof request['task_type'] === 'string' ? { task_type: request['task_type'] } : {};
  const upstream: UpstreamRequest = {
    url: `${target.modelUrl}:predict`,
    headers: { 'content-type': 'application/json', ...target.headers, ...deployment.extraHeaders },
    body: JSON.stringify({
      instances: texts.map((content) => ({ content, ...taskType })),
      ...(request.dimensions ? { parameters: { outputDimensionality: request.dimensions } } : {}),
    }),
    signal,
    stream: false,
    ...deploymentLimits(deployment),
  };
  const response = await callUpstream(upstream, (status, text, headers) => googleHttpError(target, status, text, headers));
  const { predictions } = parseAnswer(predictEmbeddingsSchema, await readJson(response, upstream), target.provider, 'a predict answer');
  if (predictions.length !== texts.length) {
    throw new GatewayError('upstream_error', `${target.provider} answered with ${predictions.length} embeddings for ${texts.length} inputs.`);
  }
  const tokens = predictions.reduce((sum, p) => sum + tokenCount(p.embeddings.statistics?.token_count), 0);
  return embeddingResponse(
    predictions.map((p) => p.embeddings.values),
    request,
    tokens,
  );
}
