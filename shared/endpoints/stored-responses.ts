// GET /v1/responses/{id}, GET /v1/responses/{id}/input_items and DELETE /v1/responses/{id}: the
// stored answers of the Responses API, in OpenAI's shapes, for the key (or team) that made them.
import { GatewayError } from '../core/errors.ts';
import type { Route } from '../core/types.ts';
import type { ResponseState } from './response-state.ts';

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 100;

export function storedResponsesEndpoint(state: ResponseState): Route[] {
  return [
    {
      method: 'GET',
      paths: ['/v1/responses/{id}', '/responses/{id}'],
      auth: 'caller',
      handle: async (_request, ctx, { id }) => ({ body: JSON.stringify((await state.readable(id!, ctx.identity)).response) }),
    },
    {
      method: 'GET',
      paths: ['/v1/responses/{id}/input_items', '/responses/{id}/input_items'],
      auth: 'caller',
      handle: async (request, ctx, { id }) => {
        const { input } = await state.readable(id!, ctx.identity);
        return { body: JSON.stringify(page(input, request.query)) };
      },
    },
    {
      method: 'DELETE',
      paths: ['/v1/responses/{id}', '/responses/{id}'],
      auth: 'caller',
      handle: async (_request, ctx, { id }) => {
        await state.remove(id!, ctx.identity);
        return { body: JSON.stringify({ id, object: 'response', deleted: true }) };
      },
    },
  ];
}

/** OpenAI's list page: `order` (desc by default), `after` an item id, `limit` 1 to 100. */
function page(items: Array<Record<string, unknown>>, query: Record<string, string>) {
  const order = query['order'] ?? 'desc';
  if (order !== 'asc' && order !== 'desc') throw new GatewayError('invalid_request', `order must be "asc" or "desc", not "${order}".`, { param: 'order' });
  const limit = query['limit'] === undefined ? DEFAULT_LIMIT : Number(query['limit']);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw new GatewayError('invalid_request', `limit must be a whole number from 1 to ${MAX_LIMIT}.`, { param: 'limit' });
  const ordered = order === 'asc' ? items : [...items].reverse();
  const after = query['after'];
  const start = after === undefined ? 0 : ordered.findIndex((item) => item['id'] === after) + 1;
  if (after !== undefined && start === 0) throw new GatewayError('invalid_request', `after names no input item of this response: "${after}".`, { param: 'after' });
  const data = ordered.slice(start, start + limit);
  return { object: 'list', data, first_id: data[0]?.['id'] ?? null, last_id: data.at(-1)?.['id'] ?? null, has_more: start + limit < ordered.length };
}
