// End users (LiteLLM's customers: the `user` a model request names) as the admin API manages them.
// Blocking one never seen creates it, as LiteLLM does.
import { GatewayError } from '../core/errors.ts';
import type { EntityItems } from '../store/entity-items.ts';
import type { Identities } from '../store/identities.ts';
import type { CustomerRecord, Fields } from '../store/records.ts';
import { ConditionFailed } from '../store/store.ts';
import type { Actor, AuditTrail } from './audit-trail.ts';
import { checkBudget } from './budget-service.ts';

/** What an admin sets on a customer: LiteLLM's customer fields, checked by the admin API. */
export interface CustomerSettings {
  user_id: string;
  [field: string]: unknown;
}

export class CustomerService {
  private readonly customers: EntityItems<CustomerRecord>;

  constructor(
    private readonly identities: Identities,
    private readonly audit: AuditTrail,
    private readonly now: () => number,
  ) {
    this.customers = identities.customers;
  }

  async create(input: CustomerSettings, by: Actor): Promise<CustomerRecord> {
    await checkBudget(this.identities, input['budget_id']);
    const now = new Date(this.now()).toISOString();
    const customer: CustomerRecord = { alias: null, blocked: false, spend: 0, ...input, created_at: now, updated_at: now };
    try {
      await this.customers.create(customer.user_id, customer);
    } catch (error) {
      if (error instanceof ConditionFailed) throw new GatewayError('invalid_request', `Customer "${customer.user_id}" already exists. Change it with POST /customer/update.`, { param: 'user_id' });
      throw error;
    }
    await this.audit.record(by, { action: 'created', table_name: 'customer', object_id: customer.user_id, after: customer });
    return customer;
  }

  async update(userId: string, changes: Fields, by: Actor): Promise<CustomerRecord> {
    await checkBudget(this.identities, changes['budget_id']);
    const result = await this.customers.update(userId, { ...changes, updated_at: new Date(this.now()).toISOString() });
    if (!result) throw new GatewayError('not_found', `No customer "${userId}". Create it with POST /customer/new.`);
    await this.audit.record(by, { action: 'updated', table_name: 'customer', object_id: userId, before: result.before, after: result.after });
    return result.after;
  }

  /** Deletes the customers named that exist; a 404 when none does. */
  async delete(userIds: string[], by: Actor): Promise<string[]> {
    const deleted: string[] = [];
    for (const userId of userIds) {
      const removed = await this.customers.delete(userId);
      if (!removed) continue;
      await this.audit.record(by, { action: 'deleted', table_name: 'customer', object_id: userId, before: removed });
      deleted.push(userId);
    }
    if (!deleted.length) throw new GatewayError('not_found', `No customer ${userIds.join(', ')}.`);
    return deleted;
  }

  /** Sets `blocked` on each customer; one never seen before is created so. */
  async setBlocked(userIds: string[], blocked: boolean, by: Actor): Promise<CustomerRecord[]> {
    const records: CustomerRecord[] = [];
    for (const userId of userIds) records.push(await this.setOneBlocked(userId, blocked, by));
    return records;
  }

  /** The customer; a 404 when there is none. */
  async get(userId: string): Promise<CustomerRecord> {
    const customer = await this.customers.get(userId);
    if (!customer) throw new GatewayError('not_found', `No customer "${userId}".`);
    return customer;
  }

  list(): Promise<CustomerRecord[]> {
    return this.customers.list();
  }

  private async setOneBlocked(userId: string, blocked: boolean, by: Actor): Promise<CustomerRecord> {
    const action = blocked ? 'blocked' : 'unblocked';
    const now = new Date(this.now()).toISOString();
    const result = await this.customers.update(userId, { blocked, updated_at: now });
    if (result) {
      await this.audit.record(by, { action, table_name: 'customer', object_id: userId, before: result.before, after: result.after });
      return result.after;
    }
    const created: CustomerRecord = { user_id: userId, alias: null, blocked, spend: 0, created_at: now, updated_at: now };
    try {
      await this.customers.create(userId, created);
    } catch (error) {
      // Created meanwhile by another request: update that one instead.
      if (error instanceof ConditionFailed) return this.setOneBlocked(userId, blocked, by);
      throw error;
    }
    await this.audit.record(by, { action, table_name: 'customer', object_id: userId, after: created });
    return created;
  }
}
