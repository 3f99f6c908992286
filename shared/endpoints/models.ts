// GET /v1/models and GET /v1/models/{id}: the public model names (LiteLLM's model groups) the caller
// may use, in OpenAI's shape, or in Anthropic's for callers that speak Anthropic's API (its SDKs and
// Claude Code send `anthropic-version` with every request). OpenAI's shape adds LiteLLM's `mode` where
// the model's is known (chat, embedding, image_generation, ...).
import { anthropicErrorBody } from '../anthropic-format/errors.ts';
import { GatewayError } from '../core/errors.ts';
import { errorReply } from '../core/gateway.ts';
import type { GatewayRequest, Reply, RequestContext, Route } from '../core/types.ts';
import type { ModelAccess } from '../keys/model-access.ts';
import type { ModelModes } from '../pipeline/model-modes.ts';

export function modelsEndpoint(access: ModelAccess, modes: ModelModes): Route[] {
  const created = new Date();
  const inAnthropicShape = (request: GatewayRequest) => request.headers['anthropic-version'] !== undefined;
  const openaiModel = (id: string) => {
    const mode = modes.modeOf(id);
    return { id, object: 'model', created: Math.floor(created.getTime() / 1000), owned_by: 'tollgate', ...(mode && { mode }) };
  };
  const anthropicModel = (id: string) => ({ type: 'model', id, display_name: id, created_at: created.toISOString() });
  return [
    {
      method: 'GET',
      paths: ['/v1/models', '/models'],
      auth: 'caller',
      group: 'llm_api',
      async handle(request, ctx) {
        // LiteLLM's `only_model_access_groups`: the access groups the caller's models belong to, listed as models.
        const ids = /^true$/i.test(request.query['only_model_access_groups'] ?? '') ? access.allowedAccessGroups(ctx.identity) : access.allowed(ctx.identity);
        if (!inAnthropicShape(request)) return { body: JSON.stringify({ object: 'list', data: ids.map(openaiModel) }) };
        // One page holds every model: Anthropic's cursors (before_id, after_id, limit) have nothing to page through.
        return { body: JSON.stringify({ data: ids.map(anthropicModel), has_more: false, first_id: ids[0] ?? null, last_id: ids.at(-1) ?? null }) };
      },
    },
    {
      method: 'GET',
      paths: ['/v1/models/{id}', '/models/{id}'],
      auth: 'caller',
      group: 'llm_api',
      async handle(request, ctx, params) {
        const id = params['id']!;
        const anthropic = inAnthropicShape(request);
        // A model the caller may not use is as unknown to them as one that does not exist.
        if (!access.allowed(ctx.identity).includes(id)) return notFound(ctx, id, anthropic);
        return { body: JSON.stringify(anthropic ? anthropicModel(id) : openaiModel(id)) };
      },
    },
  ];
}

function notFound(ctx: RequestContext, id: string, anthropic: boolean): Reply {
  const error = new GatewayError('not_found', `The model "${id}" does not exist or this key may not use it. GET /v1/models lists the models this key may call.`, { param: 'model' });
  const reply = errorReply(ctx, error);
  return anthropic ? { ...reply, body: JSON.stringify(anthropicErrorBody(error)) } : reply;
}
