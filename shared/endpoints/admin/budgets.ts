// LiteLLM's budget API: /budget/new, update, info, list, delete, over the keys service
// (shared/keys/budget-service.ts). A budget is a reusable set of limits that keys, users, customers,
// teams and organizations take by `budget_id`.
import * as z from 'zod';
import type { Route } from '../../core/types.ts';
import type { BudgetService } from '../../keys/budget-service.ts';
import { actorOf, adminRoute } from './admin-route.ts';
import { id, limitFields, money, parseBody } from './fields.ts';

const { max_budget, soft_budget, budget_duration, rpm_limit, tpm_limit, max_parallel_requests, model_max_budget } = limitFields;

/** Every field of LiteLLM's BudgetNewRequest. */
const budgetFields = {
  max_budget,
  soft_budget,
  max_parallel_requests,
  tpm_limit,
  rpm_limit,
  budget_duration,
  // A budget's per-model limits: {"gpt-4o": {"max_budget": 5, "budget_duration": "1d", "rpm_limit": 10}}, or a key's shape.
  model_max_budget: z.union([model_max_budget, z.record(z.string(), z.looseObject({ max_budget: money.nullable().optional(), budget_duration: budget_duration.optional() }))]).nullable(),
  budget_reset_at: z.string().nullable(),
};
const newSchema = z.strictObject({ ...budgetFields, budget_id: id }).partial();
const updateSchema = z.strictObject(budgetFields).partial().extend({ budget_id: id });
const infoSchema = z.strictObject({ budgets: z.array(id).min(1) });
const deleteSchema = z.strictObject({ id });

export function budgetRoutes(budgets: BudgetService): Route[] {
  return [
    adminRoute('POST', ['/budget/new'], async (request, ctx) => budgets.create(parseBody(newSchema, request.body, 'POST /budget/new'), actorOf(ctx))),

    adminRoute('POST', ['/budget/update'], async (request, ctx) => {
      const { budget_id, ...changes } = parseBody(updateSchema, request.body, 'POST /budget/update');
      return budgets.update(budget_id, changes, actorOf(ctx));
    }),

    adminRoute('POST', ['/budget/info'], async (request) => {
      const { budgets: ids } = parseBody(infoSchema, request.body, 'POST /budget/info');
      return Promise.all(ids.map((budgetId) => budgets.get(budgetId)));
    }),

    adminRoute('GET', ['/budget/list'], () => budgets.list()),

    adminRoute('POST', ['/budget/delete'], async (request, ctx) => budgets.delete(parseBody(deleteSchema, request.body, 'POST /budget/delete').id, actorOf(ctx))),
  ];
}
