// GET /v1/models: the public model names (LiteLLM's model groups), in OpenAI's list shape.
import type { Route } from '../core/types.ts';
import { allowedModels } from '../keys/model-access.ts';
import type { Services } from '../services.ts';

export function modelsRoutes(services: Services): Route[] {
  const created = Math.floor(Date.now() / 1000);
  return [{
    method: 'GET',
    paths: ['/v1/models', '/models'],
    auth: 'caller',
    async handle(_request, ctx) {
      const data = allowedModels(ctx.identity, services.groups.names()).map((id) => ({ id, object: 'model', created, owned_by: 'tollgate' }));
      return { body: JSON.stringify({ object: 'list', data }) };
    },
  }];
}
