// LiteLLM's customer (end user) API: the `user` a chat request names. Also served under /end_user/.
import * as z from 'zod';
import { GatewayError } from '../../core/errors.ts';
import type { RequestContext, Route } from '../../core/types.ts';
import type { Services } from '../../services.ts';
import type { CustomerRecord } from '../../store/records.ts';
import { ConditionFailed, type Store } from '../../store/store.ts';
import { itemKeys } from '../../store/table.ts';
import { adminRoute, nowIso, notFound, requireStore } from './admin-route.ts';
import { audit } from './audit-log.ts';
import { id, limitFields, object, parseBody, withWarnings } from './fields.ts';

/** Every field LiteLLM documents for a customer (NewCustomerRequest / UpdateCustomerRequest). */
const customerFields = {
  alias: z.string().nullable(),
  blocked: z.boolean(),
  ...limitFields,
  allowed_model_region: z.enum(['eu', 'us']).nullable(),
  default_model: z.string().nullable(),
  object_permission: object,
  metadata: object,
};
const newSchema = z.strictObject(customerFields).partial().extend({ user_id: id });
const idsSchema = z.strictObject({ user_ids: z.array(id).min(1) });

const paths = (action: string) => [`/customer/${action}`, `/end_user/${action}`];

/** Sets `blocked` on each customer; one never seen before is created so, as LiteLLM does. */
async function setBlocked(store: Store, ctx: RequestContext, userIds: string[], blocked: boolean): Promise<CustomerRecord[]> {
  const records: CustomerRecord[] = [];
  for (const userId of userIds) records.push(await setOneBlocked(store, ctx, userId, blocked));
  return records;
}

async function setOneBlocked(store: Store, ctx: RequestContext, userId: string, blocked: boolean): Promise<CustomerRecord> {
  const action = blocked ? 'blocked' : 'unblocked';
  const now = nowIso();
  const result = await store.update<CustomerRecord>(itemKeys.customer(userId), { blocked, updated_at: now });
  if (result) {
    await audit(store, ctx, { action, table_name: 'customer', object_id: userId, before: result.before, after: result.after });
    return result.after;
  }
  const created: CustomerRecord = { user_id: userId, alias: null, blocked, spend: 0, created_at: now, updated_at: now };
  try {
    await store.create(itemKeys.customer(userId), 'customer', created);
  } catch (error) {
    // Created meanwhile by another request: update that one instead.
    if (error instanceof ConditionFailed) return setOneBlocked(store, ctx, userId, blocked);
    throw error;
  }
  await audit(store, ctx, { action, table_name: 'customer', object_id: userId, after: created });
  return created;
}

export function customerRoutes(services: Services): Route[] {
  const store = requireStore(services);
  return [
    adminRoute('POST', paths('new'), async (request, ctx) => {
      const input = parseBody(newSchema, request.body, 'POST /customer/new');
      const now = nowIso();
      const customer: CustomerRecord = { alias: null, blocked: false, spend: 0, ...input, created_at: now, updated_at: now };
      try {
        await store.create(itemKeys.customer(customer.user_id), 'customer', customer);
      } catch (error) {
        if (error instanceof ConditionFailed) throw new GatewayError('invalid_request', `Customer "${customer.user_id}" already exists. Change it with POST /customer/update.`, { param: 'user_id' });
        throw error;
      }
      await audit(store, ctx, { action: 'created', table_name: 'customer', object_id: customer.user_id, after: customer });
      return withWarnings(customer, input);
    }),

    adminRoute('POST', paths('update'), async (request, ctx) => {
      const { user_id, ...changes } = parseBody(newSchema, request.body, 'POST /customer/update');
      const result = await store.update<CustomerRecord>(itemKeys.customer(user_id), { ...changes, updated_at: nowIso() });
      if (!result) throw notFound(`No customer "${user_id}". Create it with POST /customer/new.`);
      await audit(store, ctx, { action: 'updated', table_name: 'customer', object_id: user_id, before: result.before, after: result.after });
      return withWarnings(result.after, { user_id, ...changes });
    }),

    adminRoute('POST', paths('delete'), async (request, ctx) => {
      const { user_ids } = parseBody(idsSchema, request.body, 'POST /customer/delete');
      const deleted: string[] = [];
      for (const userId of user_ids) {
        const removed = await store.delete<CustomerRecord>(itemKeys.customer(userId));
        if (!removed) continue;
        await audit(store, ctx, { action: 'deleted', table_name: 'customer', object_id: userId, before: removed });
        deleted.push(userId);
      }
      if (!deleted.length) throw notFound(`No customer ${user_ids.join(', ')}.`);
      return { deleted_customers: deleted };
    }),

    adminRoute('POST', paths('block'), async (request, ctx) => {
      const { user_ids } = parseBody(idsSchema, request.body, 'POST /customer/block');
      return { blocked_users: await setBlocked(store, ctx, user_ids, true) };
    }),

    adminRoute('POST', paths('unblock'), async (request, ctx) => {
      const { user_ids } = parseBody(idsSchema, request.body, 'POST /customer/unblock');
      return { unblocked_users: await setBlocked(store, ctx, user_ids, false) };
    }),

    adminRoute('GET', paths('info'), async (request) => {
      const userId = request.query['end_user_id'];
      if (!userId) throw new GatewayError('invalid_request', 'Name the customer: GET /customer/info?end_user_id=...', { param: 'end_user_id' });
      const customer = await store.get<CustomerRecord>(itemKeys.customer(userId));
      if (!customer) throw notFound(`No customer "${userId}".`);
      return customer;
    }),

    adminRoute('GET', paths('list'), () => store.list<CustomerRecord>('customer')),
  ];
}
