// The router's entry for embeddings: the same model groups, strategies, retries and fallbacks as
// chat (shared/router/router.ts), with one attempt being one call to the provider's `embed`.
import type { Deployment } from '../config/types.ts';
import { GatewayError } from '../core/errors.ts';
import type { RequestContext } from '../core/types.ts';
import type { EmbeddingRequest, EmbeddingResponse } from '../openai/types.ts';
import { withoutGatewayFields } from '../providers/params.ts';
import type { ProviderRegistry } from '../providers/registry.ts';
import type { Services } from '../services.ts';
import { authorizeRequestFallbacks } from './fallback-access.ts';
import { estimatePromptTokens } from '../openai/token-estimate.ts';
import { routingOptions } from './request-options.ts';

export async function routeEmbedding(body: EmbeddingRequest, ctx: RequestContext, services: Services): Promise<EmbeddingResponse> {
  ctx.requestedModel = body.model;
  const options = routingOptions(body, body.model);
  await authorizeRequestFallbacks(options, ctx, services);
  const request = { model: body.model, promptTokens: inputTokens(body.input), options };
  const routed = await services.router.route(request, ctx, (deployment) => attemptEmbedding(body, deployment, ctx, services.providers));
  // The model asked for, after a fallback too (as chat); x-tollgate-model-id names the deployment.
  return { ...routed.value, model: body.model };
}

/** One call to one deployment's `embed`: what the router retries, and what the SDK calls directly. */
export async function attemptEmbedding(body: EmbeddingRequest, deployment: Deployment, ctx: RequestContext, providers: ProviderRegistry): Promise<EmbeddingResponse> {
  const provider = providers.get(deployment.provider);
  if (!provider) throw new GatewayError('internal', `No provider module for "${deployment.provider}".`);
  if (!provider.embed) {
    throw new GatewayError('invalid_request', `Model "${body.model}" does not serve embeddings: its provider ${provider.name} has no embeddings API in Tollgate. Use a model configured with an embedding provider (openai, azure, gemini, vertex_ai, bedrock, or an OpenAI-compatible one).`, { param: 'model' });
  }
  ctx.deployment = deployment;
  ctx.timings.upstreamStart = Date.now();
  const response = await provider.embed({ request: withoutGatewayFields(body, deployment.upstreamModel), deployment, signal: ctx.signal });
  ctx.timings.firstByte = Date.now();
  return response;
}

/** Strings are estimated like chat text; token ids are counted. */
function inputTokens(input: EmbeddingRequest['input']): number {
  const items: Array<string | number | number[]> = Array.isArray(input) ? input : [input];
  return items.reduce<number>((sum, item) => sum + (typeof item === 'string' ? estimatePromptTokens([{ role: 'user', content: item }]) : Array.isArray(item) ? item.length : 1), 0);
}
