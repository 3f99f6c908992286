// LiteLLM's tag API: /tag/new, update, info, list, delete, over the keys service
// (shared/keys/tag-service.ts). A tag's limits are LiteLLM's budget fields; answers show them as
// LiteLLM does, in `litellm_budget_table`.
import * as z from 'zod';
import type { Route } from '../../core/types.ts';
import type { TagService } from '../../keys/tag-service.ts';
import type { TagRecord } from '../../store/records.ts';
import { actorOf, adminRoute } from './admin-route.ts';
import { id, limitFields, names, object, parseBody } from './fields.ts';

const { max_budget, soft_budget, budget_duration, rpm_limit, tpm_limit, max_parallel_requests, model_max_budget, budget_id } = limitFields;

/** Every field of LiteLLM's TagNewRequest / TagUpdateRequest. */
const tagFields = {
  description: z.string().nullable(),
  models: names.nullable(),
  model_info: object.nullable(),
  budget_id,
  max_budget,
  soft_budget,
  max_parallel_requests,
  tpm_limit,
  rpm_limit,
  model_max_budget: model_max_budget.nullable(),
  budget_duration,
};
const tagSchema = z.strictObject(tagFields).partial().extend({ name: id });
const infoSchema = z.strictObject({ names: z.array(id).min(1) });
const deleteSchema = z.strictObject({ name: id });

/** The tag as LiteLLM answers it: its limits in `litellm_budget_table`. */
function answer(tag: TagRecord) {
  const { budget_id, max_budget, soft_budget, max_parallel_requests, tpm_limit, rpm_limit, model_max_budget, budget_duration } = tag;
  return { ...tag, litellm_budget_table: { budget_id, max_budget, soft_budget, max_parallel_requests, tpm_limit, rpm_limit, model_max_budget: model_max_budget ?? null, budget_duration } };
}

export function tagRoutes(tags: TagService): Route[] {
  return [
    adminRoute('POST', ['/tag/new'], async (request, ctx) => {
      const tag = await tags.create(parseBody(tagSchema, request.body, 'POST /tag/new'), actorOf(ctx));
      return { message: `Tag ${tag.name} created successfully`, tag: answer(tag) };
    }),

    adminRoute('POST', ['/tag/update'], async (request, ctx) => {
      const { name, ...changes } = parseBody(tagSchema, request.body, 'POST /tag/update');
      return { message: `Tag ${name} updated successfully`, tag: answer(await tags.update(name, changes, actorOf(ctx))) };
    }),

    // LiteLLM answers a map from each name to its tag.
    adminRoute('POST', ['/tag/info'], async (request) => {
      const { names: wanted } = parseBody(infoSchema, request.body, 'POST /tag/info');
      return Object.fromEntries(await Promise.all(wanted.map(async (name) => [name, answer(await tags.get(name))])));
    }),

    adminRoute('GET', ['/tag/list'], async () => (await tags.list()).map(answer)),

    adminRoute('POST', ['/tag/delete'], async (request, ctx) => {
      const { name } = parseBody(deleteSchema, request.body, 'POST /tag/delete');
      await tags.delete(name, actorOf(ctx));
      return { message: `Tag ${name} deleted successfully` };
    }),
  ];
}
