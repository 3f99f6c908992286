// LiteLLM's model management API: /model/new, /model/update, /model/delete over the model service
// (shared/keys/model-service.ts). Answers are LiteLLM's rows (`model_id`, `model_name`,
// `litellm_params`, `model_info`, ...) with every credential masked.
import * as z from 'zod';
import type { Route } from '../../core/types.ts';
import type { ModelService } from '../../keys/model-service.ts';
import type { StoredModelRow } from '../../store/stored-models.ts';
import { maskedParams } from '../model-info.ts';
import { actorOf, adminRoute } from './admin-route.ts';
import { id, object, parseBody } from './fields.ts';

// litellm_params and model_info are LiteLLM's open dicts; what they may hold is checked as the config file's entries are.
const params = z.looseObject({ model: z.string().min(1, 'must name the provider and model, e.g. "openai/gpt-4o"') });
const newSchema = z.strictObject({ model_name: z.string().min(1, 'must not be empty'), litellm_params: params, model_info: object.nullable().optional() });
const updateSchema = z.strictObject({ model_name: z.string().min(1).nullable().optional(), litellm_params: object.nullable().optional(), model_info: z.looseObject({ id }) });
const deleteSchema = z.strictObject({ id });

/** A stored model as answered: its credentials never leave. */
function answer(row: StoredModelRow) {
  return { ...row, litellm_params: maskedParams(row.litellm_params) };
}

export function modelRoutes(models: ModelService): Route[] {
  return [
    adminRoute('POST', ['/model/new'], async (request, ctx) => {
      const body = parseBody(newSchema, request.body, 'POST /model/new');
      return answer(await models.create({ model_name: body.model_name, litellm_params: body.litellm_params, model_info: body.model_info ?? {} }, actorOf(ctx)));
    }),

    adminRoute('POST', ['/model/update'], async (request, ctx) => {
      const { model_info, model_name, litellm_params } = parseBody(updateSchema, request.body, 'POST /model/update');
      return answer(await models.update(model_info.id, { model_name: model_name ?? undefined, litellm_params: litellm_params ?? undefined, model_info }, actorOf(ctx)));
    }),

    adminRoute('POST', ['/model/delete'], async (request) => {
      const { id: modelId } = parseBody(deleteSchema, request.body, 'POST /model/delete');
      await models.delete(modelId);
      return { message: `Model: ${modelId} deleted successfully` };
    }),
  ];
}
