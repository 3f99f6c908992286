// POST /v1/rerank (also /rerank and /v2/rerank): Cohere's rerank API, as LiteLLM serves it for every
// provider, one kind of model call on the pipeline. Priced per search unit (Cohere's billing) or per
// token (Jina, Voyage, Together, vLLM report tokens); errors in OpenAI's shape, as LiteLLM's proxy
// answers them (the cohere-ai clients read any JSON error body).
import { parseRerankRequest, type RerankRequest, type RerankResponse } from '../cohere-format/rerank.ts';
import type { Route } from '../core/types.ts';
import { estimateTextTokens } from '../openai/token-estimate.ts';
import { estimatedSearches, rerankSize } from '../pipeline/media-size.ts';
import type { ModelCallKind } from '../pipeline/model-call.ts';
import type { ModelCallPipeline } from '../pipeline/pipeline.ts';
import { attemptService } from '../pipeline/provider-call.ts';
import type { ProviderRegistry } from '../providers/registry.ts';
import { routingOptions } from '../router/request-options.ts';

export function rerankEndpoint(pipeline: ModelCallPipeline, providers: ProviderRegistry): Route[] {
  return [pipeline.route(['/v1/rerank', '/rerank', '/v2/rerank'], rerank(providers))];
}

function rerank(providers: ProviderRegistry): ModelCallKind<RerankRequest, RerankResponse> {
  return {
    callType: 'arerank',
    modes: ['rerank'],
    parse: parseRerankRequest,
    plan: (body) => ({
      model: body.model,
      endUser: body.user,
      routing: routingOptions(body, body.model),
      promptTokens: estimateTextTokens(body.query),
      size: rerankSize(body),
      prompt: body.query,
    }),
    attempt: (body, deployment, ctx) => attemptService('rerank', body, deployment, ctx, providers),
    answer(response, body, meter) {
      const { usage, ...answer } = response;
      const tokens = usage && { prompt_tokens: usage.total_tokens, completion_tokens: 0, total_tokens: usage.total_tokens };
      // Token-billed upstreams count no search units; Cohere's always do (one per 100 documents when it does not say).
      const searches = tokens ? undefined : (response.meta.billed_units?.search_units ?? estimatedSearches(body));
      return meter.json(answer, tokens, '', searches === undefined ? undefined : { searches });
    },
  };
}
