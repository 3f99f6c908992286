// GET /model/info (and /v1/model/info): every deployment with its public settings, in LiteLLM's shape
// {"data": [{"model_name", "litellm_params", "model_info"}]}. `?litellm_model_id=` narrows it to one.
// Nothing secret leaves: litellm_params pass through an allowlist (no api_key, no cloud credentials,
// no extra_headers, which may carry auth), and model_info keys that look like credentials are dropped.
// Each deployment's routing state is shown beside its settings: `cooldown_until` (as this instance and
// the shared state know it) and its last health check (`health_status`, `health_checked_at`,
// `health_error`), as recorded by the scheduled check or GET /health.
import type { Deployment } from '../config/types.ts';
import type { RequestContext, Route } from '../core/types.ts';
import type { ModelAccess } from '../keys/model-access.ts';
import type { Pricer } from '../pricing/pricer.ts';
import type { HealthCheckResult, HealthRecords } from '../router/deployment-health.ts';
import type { Router } from '../router/router.ts';

const PUBLIC_PARAMS = new Set([
  'model',
  'api_base',
  'api_version',
  'timeout',
  'stream_timeout',
  'max_retries',
  'rpm',
  'tpm',
  'weight',
  'order',
  'cooldown_time',
  'input_cost_per_token',
  'output_cost_per_token',
  'region_name',
  'aws_region_name',
  'vertex_project',
  'vertex_location',
  'max_tokens',
  'max_input_tokens',
  'max_output_tokens',
]);
const SECRET_LOOKING = /key|secret|token|credential|password|auth/i;
const MASK = '********';

/** Where the deployments' routing state is read: the router (cooldowns) and the health check records, when kept. */
export interface RoutingStateSources {
  router: Pick<Router, 'cooldownEnds'>;
  health?: HealthRecords;
}

/** `deployments`: every deployment as listed now (models stored with /model/new come and go). */
export function modelInfoEndpoint(deployments: () => Deployment[], access: ModelAccess, pricer: Pricer, state: RoutingStateSources): Route[] {
  return [
    {
      method: 'GET',
      paths: ['/model/info', '/v1/model/info'],
      auth: 'caller',
      async handle(request, ctx) {
        const id = request.query['litellm_model_id'];
        const allowed = new Set(access.allowed(ctx.identity));
        const shown = deployments().filter((d) => (id === undefined || d.id === id) && allowed.has(d.modelName));
        return { body: JSON.stringify({ data: await modelInfoRows(shown, pricer, state, ctx) }) };
      },
    },
  ];
}

/** The deployments in LiteLLM's /model/info rows, each with its routing state (GET /v2/model/info pages them). */
export async function modelInfoRows(deployments: Deployment[], pricer: Pricer, state: RoutingStateSources, ctx: RequestContext) {
  const routing = await routingState(deployments, state, ctx);
  return deployments.map((d) => publicInfo(d, pricer, routing(d.id)));
}

async function routingState(deployments: Deployment[], { router, health }: RoutingStateSources, ctx: RequestContext) {
  const unique = [...new Map(deployments.map((d) => [d.id, d])).values()];
  const [cooldowns, checks] = await Promise.all([router.cooldownEnds(unique, ctx), healthOf(health, unique, ctx)]);
  const iso = (ms: number | undefined) => (ms ? new Date(ms).toISOString() : null);
  return (id: string) => {
    const until = cooldowns.get(id) ?? 0;
    const check: HealthCheckResult | undefined = checks.get(id);
    return {
      cooldown_until: until > Date.now() ? iso(until) : null,
      health_status: check === undefined ? 'unknown' : check.healthy ? 'healthy' : 'unhealthy',
      health_checked_at: iso(check?.checkedAt),
      health_error: check?.error ?? null,
    };
  };
}

/** The recorded health checks; none when they are not kept or cannot be read (the listing goes on without them). */
async function healthOf(records: HealthRecords | undefined, deployments: Deployment[], ctx: RequestContext): Promise<Map<string, HealthCheckResult>> {
  if (!records) return new Map();
  try {
    return await records.healthOf(deployments.map((d) => d.id));
  } catch (failure) {
    ctx.log.warn('could not read health check results for /model/info', { requestId: ctx.requestId, error: String(failure) });
    return new Map();
  }
}

function publicInfo(deployment: Deployment, pricer: Pricer, routing: Record<string, unknown>) {
  const price = pricer.priceOf(deployment);
  const litellmParams = publicParams(deployment);
  const configuredInfo = Object.fromEntries(Object.entries(deployment.modelInfo).filter(([key]) => !SECRET_LOOKING.test(key) || isTokenLimit(key)));
  return {
    model_name: deployment.modelName,
    litellm_params: litellmParams,
    model_info: {
      ...configuredInfo,
      id: deployment.id,
      db_model: deployment.modelInfo['db_model'] === true,
      litellm_provider: deployment.provider,
      max_input_tokens: deployment.maxInputTokens ?? null,
      input_cost_per_token: price?.input_cost_per_token ?? null,
      output_cost_per_token: price?.output_cost_per_token ?? null,
      cache_read_input_token_cost: price?.cache_read_input_token_cost ?? null,
      cache_creation_input_token_cost: price?.cache_creation_input_token_cost ?? null,
      max_output_tokens: price?.max_output_tokens ?? null,
      mode: pricer.modeOf(deployment) ?? null,
      // No price in config or table: its requests cost 0 and are not held to budgets.
      unpriced: price === undefined,
      ...routing,
    },
  };
}

/** The deployment's `litellm_params` that may be shown: no key, no cloud credentials, no headers. */
export function publicParams(deployment: Deployment): Record<string, unknown> {
  return Object.fromEntries(Object.entries(deployment.params).filter(([key]) => PUBLIC_PARAMS.has(key)));
}

/**
 * `litellm_params` as a stored model's answers show them: public settings as they are, a value whose
 * name looks like a credential (and any headers, which may carry one) masked.
 */
export function maskedParams(params: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(params).map(([key, value]) => [key, PUBLIC_PARAMS.has(key) || !(SECRET_LOOKING.test(key) || /headers/i.test(key)) ? value : MASK]));
}

/** `max_tokens`, `max_input_tokens`, `*_cost_per_token`: public numbers whose names contain "token". */
function isTokenLimit(key: string): boolean {
  return /^max_(input_|output_)?tokens$|_per_token$|_per_token_above/.test(key);
}
