// `:countTokens` on the Google pass-through (`/gemini/{version}/models/{model}:countTokens`, and Vertex
// AI's path under /vertex_ai): Google's own count from a `gemini/` or `vertex_ai/` deployment, else an
// estimate (about four characters a token), as /v1/messages/count_tokens does for Anthropic's. On the
// pipeline like every model call, so it is authorized, counted toward rate limits and logged; it costs
// nothing, so it reserves nothing and leaves no spend record.
import type { Route } from '../core/types.ts';
import { parseGenerateContentRequest, type GenerateContentRequest } from '../google-format/generate-content.ts';
import { estimateJsonTokens } from '../openai/token-estimate.ts';
import type { ModelCallKind } from '../pipeline/model-call.ts';
import type { ModelCallPipeline } from '../pipeline/pipeline.ts';
import { providerOf } from '../pipeline/chat-attempt.ts';
import { NO_SIZE } from '../pipeline/request-size.ts';
import type { CountTokensAnswer } from '../providers/gemini/answer-schema.ts';
import type { ProviderRegistry } from '../providers/registry.ts';
import { withoutGatewayFields } from '../providers/params.ts';
import { GEMINI_MODELS, googleErrorBody, VERTEX_MODELS } from './generate-content.ts';

interface Count {
  answer: CountTokensAnswer;
  estimated: boolean;
}

export function googleCountTokensEndpoint(pipeline: ModelCallPipeline, deps: { providers: ProviderRegistry }): Route[] {
  const kind = googleCountTokens(deps.providers);
  return [
    { ...pipeline.route([`${GEMINI_MODELS}/{model}:countTokens`], kind), keyInQuery: 'key' },
    pipeline.route(
      VERTEX_MODELS.map((models) => `${models}/{model}:countTokens`),
      kind,
    ),
  ];
}

function googleCountTokens(providers: ProviderRegistry): ModelCallKind<GenerateContentRequest, Count> {
  return {
    callType: 'count_tokens',
    errorBody: googleErrorBody,
    parse: (json) => parseGenerateContentRequest(json, false),
    plan: (body) => ({ model: body.model, routing: { disableFallbacks: false }, promptTokens: estimateJsonTokens(body.contents), size: NO_SIZE, prompt: [], free: true }),
    async attempt(body, deployment, ctx) {
      const provider = providerOf(providers, deployment.provider);
      if (!provider.countContentTokens) return { answer: { totalTokens: estimateJsonTokens(body.contents) }, estimated: true };
      const answer = await provider.countContentTokens({ request: withoutGatewayFields(body, deployment.upstreamModel), deployment, signal: ctx.signal });
      return { answer, estimated: false };
    },
    answer: ({ answer, estimated }, _body, meter) => ({
      headers: { ...meter.headers(), 'x-tollgate-token-count': estimated ? 'estimated' : 'provider' },
      body: JSON.stringify(answer),
    }),
  };
}
