// POST /v1/embeddings: OpenAI's embeddings, one kind of model call on the pipeline, answered in
// OpenAI's shape with `model` as the client sent it.
import { embeddingAnswers } from '../cache/embedding-answers.ts';
import type { Route } from '../core/types.ts';
import { parseEmbeddingRequest } from '../openai/embedding-request-schema.ts';
import type { EmbeddingRequest, EmbeddingResponse } from '../openai/types.ts';
import { attemptEmbedding } from '../pipeline/embedding-attempt.ts';
import { embeddingsSurface } from '../guardrails/surfaces/embeddings.ts';
import type { ModelCallKind } from '../pipeline/model-call.ts';
import type { ModelCallPipeline } from '../pipeline/pipeline.ts';
import { embeddingSize } from '../pipeline/request-size.ts';
import type { ProviderRegistry } from '../providers/registry.ts';
import { estimatePromptTokens } from '../openai/token-estimate.ts';
import { routingOptions } from '../router/request-options.ts';

export function embeddingsEndpoint(pipeline: ModelCallPipeline, providers: ProviderRegistry): Route[] {
  return [pipeline.route(['/v1/embeddings', '/embeddings', '/openai/v1/embeddings', '/openai/deployments/{model}/embeddings', '/engines/{model}/embeddings'], embedding(providers))];
}

function embedding(providers: ProviderRegistry): ModelCallKind<EmbeddingRequest, EmbeddingResponse> {
  return {
    callType: 'aembedding',
    guard: embeddingsSurface,
    modes: ['embedding'],
    parse: parseEmbeddingRequest,
    plan: (body) => ({
      model: body.model,
      endUser: body.user,
      routing: routingOptions(body, body.model),
      promptTokens: inputTokens(body.input),
      size: embeddingSize(body),
      prompt: body.input,
    }),
    cache: embeddingAnswers,
    attempt: (body, deployment, ctx) => attemptEmbedding(body, deployment, ctx, providers),
    answer(response, _body, meter) {
      const usage = response.usage && { prompt_tokens: response.usage.prompt_tokens, completion_tokens: 0, total_tokens: response.usage.prompt_tokens };
      return meter.json({ ...response, model: meter.model }, usage, '');
    },
  };
}

/** Strings are estimated like chat text; token ids are counted. */
function inputTokens(input: EmbeddingRequest['input']): number {
  const items: Array<string | number | number[]> = Array.isArray(input) ? input : [input];
  return items.reduce<number>((sum, item) => sum + (typeof item === 'string' ? estimatePromptTokens([{ role: 'user', content: item }]) : Array.isArray(item) ? item.length : 1), 0);
}
