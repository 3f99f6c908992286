// GET /v2/model/info: LiteLLM's paginated, filtered /model/info, which its UI's Models page and its
// e2e tests read: {"data": [rows as /model/info's], "total_count", "current_page", "total_pages",
// "size"}. Filters as LiteLLM's: `model` (a model name), `search` (part of a model name, any case),
// `modelId` (a deployment id), `teamId` (model_info.team_id); `sortBy` model_name or costs (input plus
// output price per token), `sortOrder` asc (default) or desc. Any key may call it (one of LiteLLM's
// info routes, shared/keys/roles.ts): both admins see every deployment, whatever their own models;
// anyone else the deployments of the models they may call, as /model/info shows them.
import type { Deployment } from '../config/types.ts';
import { GatewayError } from '../core/errors.ts';
import type { Identity, Route } from '../core/types.ts';
import type { ModelAccess } from '../keys/model-access.ts';
import { roleOf } from '../keys/roles.ts';
import type { Pricer } from '../pricing/pricer.ts';
import { pageParams, paginate } from './admin/admin-route.ts';
import { modelInfoRows, type RoutingStateSources } from './model-info.ts';

const PAGE = { default: 50, max: 1000 };
const SORT_ORDERS = ['asc', 'desc'];

export function modelInfoV2Endpoint(deployments: () => Deployment[], access: ModelAccess, pricer: Pricer, state: RoutingStateSources): Route[] {
  return [
    {
      method: 'GET',
      paths: ['/v2/model/info'],
      auth: 'admin',
      group: 'info',
      async handle(request, ctx) {
        const query = request.query;
        const { page, size } = pageParams(query, 'size', PAGE.default, PAGE.max);
        const sortOrder = query['sortOrder'] ?? 'asc';
        if (!SORT_ORDERS.includes(sortOrder)) throw new GatewayError('invalid_request', `sortOrder must be asc or desc, not "${sortOrder}".`, { param: 'sortOrder' });
        const sortKey = sortKeyOf(query['sortBy'], pricer);
        const search = query['search']?.toLowerCase();
        const callable = callableBy(ctx.identity, access);
        const shown = deployments().filter(
          (d) =>
            callable(d.modelName) &&
            (query['model'] === undefined || d.modelName === query['model']) &&
            (search === undefined || d.modelName.toLowerCase().includes(search)) &&
            (query['modelId'] === undefined || d.id === query['modelId']) &&
            (query['teamId'] === undefined || d.modelInfo['team_id'] === query['teamId']),
        );
        if (sortKey) {
          const direction = sortOrder === 'asc' ? 1 : -1;
          shown.sort((x, y) => direction * compare(sortKey(x), sortKey(y)));
        }
        const { slice, total, totalPages } = paginate(shown, page, size);
        const data = await modelInfoRows(slice, pricer, state, ctx);
        return { body: JSON.stringify({ data, total_count: total, current_page: page, total_pages: totalPages, size }) };
      },
    },
  ];
}

/** Whether the caller sees a model's deployments: the admins all, anyone else those it may call. */
function callableBy(identity: Identity | undefined, access: ModelAccess): (modelName: string) => boolean {
  const role = roleOf(identity);
  if (role === 'proxy_admin' || role === 'proxy_admin_viewer') return () => true;
  const allowed = new Set(access.allowed(identity));
  return (modelName) => allowed.has(modelName);
}

/** What `sortBy` sorts by; none keeps the config's order. */
function sortKeyOf(sortBy: string | undefined, pricer: Pricer): ((deployment: Deployment) => string | number) | undefined {
  if (sortBy === undefined) return undefined;
  if (sortBy === 'model_name') return (d) => d.modelName;
  if (sortBy === 'costs') {
    return (d) => {
      const price = pricer.priceOf(d);
      return (price?.input_cost_per_token ?? 0) + (price?.output_cost_per_token ?? 0);
    };
  }
  throw new GatewayError('invalid_request', `sortBy must be model_name or costs, not "${sortBy}".`, { param: 'sortBy' });
}

function compare(x: string | number, y: string | number): number {
  return x < y ? -1 : x > y ? 1 : 0;
}
