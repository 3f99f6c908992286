// POST /v1/moderations: OpenAI's moderations, text and image inputs, one kind of model call on the
// pipeline. The moderation models are free: recorded at zero cost, and still held to rate limits.
import type { Route } from '../core/types.ts';
import type { ModerationRequest, ModerationResponse } from '../openai/moderations.ts';
import { parseModerationRequest } from '../openai/moderations.ts';
import { moderationSize } from '../pipeline/media-size.ts';
import type { ModelCallKind } from '../pipeline/model-call.ts';
import type { ModelCallPipeline } from '../pipeline/pipeline.ts';
import { attemptService } from '../pipeline/provider-call.ts';
import { estimateJsonTokens } from '../openai/token-estimate.ts';
import type { ProviderRegistry } from '../providers/registry.ts';
import { routingOptions } from '../router/request-options.ts';

export function moderationsEndpoint(pipeline: ModelCallPipeline, providers: ProviderRegistry): Route[] {
  return [pipeline.route(['/v1/moderations', '/moderations'], moderation(providers))];
}

function moderation(providers: ProviderRegistry): ModelCallKind<ModerationRequest, ModerationResponse> {
  return {
    callType: 'amoderation',
    modes: ['moderation'],
    parse: parseModerationRequest,
    plan: (body) => ({
      model: body.model,
      routing: routingOptions(body, body.model),
      promptTokens: estimateJsonTokens(body.input),
      size: moderationSize(body),
      prompt: body.input,
    }),
    attempt: (body, deployment, ctx) => attemptService('moderate', body, deployment, ctx, providers),
    answer: (response, _body, meter) => meter.json({ ...response, model: meter.model }, undefined, ''),
  };
}
