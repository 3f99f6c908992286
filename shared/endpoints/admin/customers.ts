// LiteLLM's customer (end user) API: the `user` a chat request names. Also served under /end_user/.
// Over the keys service (shared/keys/customer-service.ts).
import * as z from 'zod';
import { GatewayError } from '../../core/errors.ts';
import type { Route } from '../../core/types.ts';
import type { CustomerService } from '../../keys/customer-service.ts';
import { actorOf, adminRoute } from './admin-route.ts';
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

export function customerRoutes(customers: CustomerService): Route[] {
  return [
    adminRoute('POST', paths('new'), async (request, ctx) => {
      const input = parseBody(newSchema, request.body, 'POST /customer/new');
      return withWarnings(await customers.create(input, actorOf(ctx)), input);
    }),

    adminRoute('POST', paths('update'), async (request, ctx) => {
      const { user_id, ...changes } = parseBody(newSchema, request.body, 'POST /customer/update');
      return withWarnings(await customers.update(user_id, changes, actorOf(ctx)), { user_id, ...changes });
    }),

    adminRoute('POST', paths('delete'), async (request, ctx) => {
      const { user_ids } = parseBody(idsSchema, request.body, 'POST /customer/delete');
      return { deleted_customers: await customers.delete(user_ids, actorOf(ctx)) };
    }),

    adminRoute('POST', paths('block'), async (request, ctx) => {
      const { user_ids } = parseBody(idsSchema, request.body, 'POST /customer/block');
      return { blocked_users: await customers.setBlocked(user_ids, true, actorOf(ctx)) };
    }),

    adminRoute('POST', paths('unblock'), async (request, ctx) => {
      const { user_ids } = parseBody(idsSchema, request.body, 'POST /customer/unblock');
      return { unblocked_users: await customers.setBlocked(user_ids, false, actorOf(ctx)) };
    }),

    adminRoute('GET', paths('info'), async (request) => {
      const userId = request.query['end_user_id'];
      if (!userId) throw new GatewayError('invalid_request', 'Name the customer: GET /customer/info?end_user_id=...', { param: 'end_user_id' });
      return customers.get(userId);
    }),

    adminRoute('GET', paths('list'), () => customers.list()),
  ];
}
