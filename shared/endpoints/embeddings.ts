// POST /v1/embeddings: check the body, pick a deployment of the model group, and answer in OpenAI's
// embeddings shape with usage recorded for spend.
import { parseJsonObject } from '../core/json-body.ts';
import type { Route } from '../core/types.ts';
import { endUserOf } from '../keys/end-user.ts';
import { authorizeModel } from '../keys/model-access.ts';
import { parseEmbeddingRequest } from '../openai/embedding-request-schema.ts';
import { estimateUsage } from '../openai/token-estimate.ts';
import { costHeaders, recordUsage } from '../pricing/request-cost.ts';
import { routeEmbedding } from '../router/route-embedding.ts';
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
      const call = embeddingCall(body, endUser);
      await services.spend?.admit(ctx, services, call);
      const response = await routeEmbedding(body, ctx, services);
      const reported = response.usage && { prompt_tokens: response.usage.prompt_tokens, completion_tokens: 0, total_tokens: response.usage.prompt_tokens };
      const cost = recordUsage(ctx, services.pricer, call.size, reported, () => estimateUsage(body.input, ''));
      await ctx.answerReady();
      return { headers: { ...deploymentHeaders(ctx), ...costHeaders(cost) }, body: JSON.stringify(response) };
    },
  }];
}
