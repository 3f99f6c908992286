// POST /v1/embeddings: check the body, pick a deployment of the model group, and answer in OpenAI's
// embeddings shape with usage recorded for spend.
import { parseJsonObject } from '../core/json-body.ts';
import type { Route } from '../core/types.ts';
import { endUserOf } from '../keys/end-user.ts';
import { authorizeModel } from '../keys/model-access.ts';
import { parseEmbeddingRequest } from '../openai/embedding-request-schema.ts';
import { costHeaders, settleCost } from '../pricing/request-cost.ts';
import { routeEmbedding } from '../routing/route-embedding.ts';
import type { Services } from '../services.ts';
import { embeddingCall } from '../spend/model-calls.ts';
import { deploymentHeaders } from './deployment-headers.ts';

export function embeddingsRoutes(services: Services): Route[] {
  return [{
    method: 'POST',
    paths: ['/v1/embeddings', '/embeddings'],
    auth: 'caller',
    async handle(request, ctx) {
      const body = parseEmbeddingRequest(parseJsonObject(request.body));
      const endUser = endUserOf(request.headers, body.user);
      await authorizeModel(ctx, services, body.model, endUser);
      await services.spend?.admit(ctx, services, embeddingCall(body, endUser));
      const response = await routeEmbedding(body, ctx, services);
      ctx.usage = { prompt_tokens: response.usage.prompt_tokens, completion_tokens: 0, total_tokens: response.usage.total_tokens };
      return { headers: { ...deploymentHeaders(ctx), ...costHeaders(settleCost(ctx, services.pricer)) }, body: JSON.stringify(response) };
    },
  }];
}
