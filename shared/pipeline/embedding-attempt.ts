// One embeddings call on one deployment: its provider's `embed`, with the gateway-only fields removed.
import type { Deployment } from '../config/types.ts';
import { GatewayError } from '../core/errors.ts';
import type { RequestContext } from '../core/types.ts';
import type { EmbeddingRequest, EmbeddingResponse } from '../openai/types.ts';
import { withoutGatewayFields } from '../providers/params.ts';
import type { ProviderRegistry } from '../providers/registry.ts';
import { providerOf } from './chat-attempt.ts';

export async function attemptEmbedding(body: EmbeddingRequest, deployment: Deployment, ctx: Pick<RequestContext, 'signal' | 'timings'>, providers: ProviderRegistry): Promise<EmbeddingResponse> {
  const provider = providerOf(providers, deployment.provider);
  if (!provider.embed) {
    throw new GatewayError(
      'invalid_request',
      `Model "${body.model}" does not serve embeddings: its provider ${provider.name} has no embeddings API in Tollgate. Use a model configured with an embedding provider (openai, azure, gemini, vertex_ai, bedrock, or an OpenAI-compatible one).`,
      { param: 'model' },
    );
  }
  ctx.timings.upstreamStart = Date.now();
  const response = await provider.embed({ request: withoutGatewayFields(body, deployment.upstreamModel), deployment, signal: ctx.signal });
  ctx.timings.firstByte = Date.now();
  return response;
}
