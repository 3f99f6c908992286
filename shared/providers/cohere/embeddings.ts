// OpenAI embeddings → Cohere's v2 embed (POST /v2/embed): the inputs as `texts`, LiteLLM's
// `input_type` (default `search_document`, as LiteLLM sends), float vectors asked for and encoded as
// the client asked; the billed input tokens as usage.
import { GatewayError } from '../../core/errors.ts';
import { callUpstream, readJson, type UpstreamErrorMapper, type UpstreamRequest } from '../../http/upstream.ts';
import { embeddingResponse, embeddingTexts } from '../../openai/embedding-encoding.ts';
import type { EmbeddingResponse } from '../../openai/types.ts';
import { deploymentLimits } from '../deployment-limits.ts';
import { tokenCount } from '../token-count.ts';
import type { EmbeddingCall } from '../types.ts';
import { parseAnswer } from '../upstream-answer.ts';
import { embedAnswerSchema } from './answer-schema.ts';

export async function embed({ request, deployment, signal }: EmbeddingCall, url: string, headers: Record<string, string>, mapError: UpstreamErrorMapper): Promise<EmbeddingResponse> {
  const texts = embeddingTexts(request, deployment.provider);
  const upstream: UpstreamRequest = {
    url,
    headers,
    body: JSON.stringify({
      model: request.model,
      texts,
      input_type: typeof request['input_type'] === 'string' ? request['input_type'] : 'search_document',
      embedding_types: ['float'],
      ...(request.dimensions ? { output_dimension: request.dimensions } : {}),
    }),
    signal,
    stream: false,
    ...deploymentLimits(deployment),
  };
  const answer = parseAnswer(embedAnswerSchema, await readJson(await callUpstream(upstream, mapError), upstream), deployment.provider, 'an embed answer');
  if (answer.embeddings.float.length !== texts.length) {
    throw new GatewayError('upstream_error', `${deployment.provider} answered with ${answer.embeddings.float.length} embeddings for ${texts.length} inputs.`);
  }
  return embeddingResponse(answer.embeddings.float, request, tokenCount(answer.meta?.billed_units?.input_tokens));
}
