// Reusable budgets as the admin API manages them (LiteLLM's /budget/* paths): a named set of limits that
// keys, users, customers, teams and organizations take by `budget_id` (budget-tables.ts says how the
// request path reads them). An object's own limits win over its budget's.
import { randomUUID } from 'node:crypto';
import { GatewayError } from '../core/errors.ts';
import type { Identities } from '../store/identities.ts';
import type { BudgetRecord, Fields } from '../store/records.ts';
import { ConditionFailed } from '../store/store.ts';
import type { Actor, AuditTrail } from './audit-trail.ts';
import { NO_LIMITS } from './no-limits.ts';

/** What an admin sets on a budget: LiteLLM's BudgetNewRequest fields, checked by the admin API. */
export interface BudgetSettings {
  budget_id?: string;
  [field: string]: unknown;
}

/** The kinds of object that take a budget, with the field that names their id. */
const HOLDERS = [
  ['keys', 'key_alias'],
  ['users', 'user_id'],
  ['customers', 'user_id'],
  ['teams', 'team_id'],
  ['organizations', 'organization_id'],
  ['tags', 'name'],
] as const;

export class BudgetService {
  constructor(
    private readonly identities: Identities,
    private readonly audit: AuditTrail,
    private readonly now: () => number,
  ) {}

  async create(input: BudgetSettings, by: Actor): Promise<BudgetRecord> {
    const at = this.iso();
    const budget: BudgetRecord = {
      ...NO_LIMITS,
      model_max_budget: null,
      ...input,
      budget_id: input.budget_id ?? randomUUID(),
      created_at: at,
      created_by: by.name,
      updated_at: at,
      updated_by: by.name,
    };
    try {
      await this.identities.budgets.create(budget.budget_id, budget);
    } catch (error) {
      if (error instanceof ConditionFailed) throw new GatewayError('invalid_request', `budget_id "${budget.budget_id}" already exists. Change it with POST /budget/update.`, { param: 'budget_id' });
      throw error;
    }
    await this.audit.record(by, { action: 'created', table_name: 'budget', object_id: budget.budget_id, after: budget });
    return budget;
  }

  async update(budgetId: string, changes: Fields, by: Actor): Promise<BudgetRecord> {
    const result = await this.identities.budgets.update(budgetId, { ...changes, updated_at: this.iso(), updated_by: by.name });
    if (!result) throw notFound(budgetId);
    await this.audit.record(by, { action: 'updated', table_name: 'budget', object_id: budgetId, before: result.before, after: result.after });
    return result.after;
  }

  /** Deletes a budget nothing takes its limits from: a 400 names what still does. */
  async delete(budgetId: string, by: Actor): Promise<BudgetRecord> {
    await this.get(budgetId);
    const holders = await Promise.all(
      HOLDERS.map(async ([kind, name]) =>
        (await this.identities[kind].list({ budget_id: budgetId })).map((holder) => `${kind.slice(0, -1)} ${String((holder as Fields)[name] ?? (holder as Fields)['token'])}`),
      ),
    );
    const using = holders.flat();
    if (using.length) {
      throw new GatewayError('invalid_request', `Budget "${budgetId}" still sets the limits of ${using.join(', ')}: point them at another budget (budget_id) first. Nothing was deleted.`, {
        param: 'id',
      });
    }
    const removed = await this.identities.budgets.delete(budgetId);
    if (!removed) throw notFound(budgetId);
    await this.audit.record(by, { action: 'deleted', table_name: 'budget', object_id: budgetId, before: removed });
    return removed;
  }

  /** The budget; a 404 when there is none. */
  async get(budgetId: string): Promise<BudgetRecord> {
    const budget = await this.identities.budgets.get(budgetId);
    if (!budget) throw notFound(budgetId);
    return budget;
  }

  list(): Promise<BudgetRecord[]> {
    return this.identities.budgets.list();
  }

  private iso(): string {
    return new Date(this.now()).toISOString();
  }
}

/** LiteLLM's rule: an object names only a budget that exists. */
export async function checkBudget(identities: Identities, budgetId: unknown): Promise<void> {
  if (typeof budgetId !== 'string' || (await identities.budgets.get(budgetId))) return;
  throw new GatewayError('invalid_request', `budget_id "${budgetId}" does not exist. Create it with POST /budget/new first.`, { param: 'budget_id' });
}

function notFound(budgetId: string): GatewayError {
  return new GatewayError('not_found', `No budget "${budgetId}". GET /budget/list shows the budgets there are.`);
}
