// The request path's view of reusable budgets: a record that names one (`budget_id`) is read with the
// budget's limits beside its own, as LiteLLM's `litellm_budget_table`, where the spend tracker finds
// them (shared/spend/accounts.ts: the record's own limit first, else its budget's). Budgets are read
// through the same per-instance cache as the records.
import type { EntityItems } from '../store/entity-items.ts';
import type { BudgetRecord, Fields } from '../store/records.ts';

export async function withBudgetTable<T extends Fields>(record: T, budgets: EntityItems<BudgetRecord>): Promise<T> {
  const budgetId = record['budget_id'];
  if (typeof budgetId !== 'string') return record;
  const budget = await budgets.cached(budgetId);
  return budget ? { ...record, litellm_budget_table: budget } : record;
}
