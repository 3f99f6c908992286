// GET /health (LiteLLM's): a real call to every deployment (or those of `?model=`), at once, each with
// its own timeout (shared/pipeline/deployment-probe.ts). It
// answers in LiteLLM's shape, `{"healthy_endpoints", "unhealthy_endpoints", "healthy_count",
// "unhealthy_count"}`, each endpoint its public settings (shared/endpoints/model-info.ts), the
// unhealthy with the error. The calls cost money and are no client's, so nothing is charged or
// recorded; the route is for admins (shared/keys/roles.ts). Each result is kept for routing
// (shared/pipeline/health-checks.ts), as the scheduled check's are.
import type { HealthCheckSettings } from '../config/health-check-settings.ts';
import type { Deployment } from '../config/types.ts';
import { GatewayError } from '../core/errors.ts';
import type { Log } from '../core/log.ts';
import type { Route } from '../core/types.ts';
import { checkDeployments } from '../pipeline/health-checks.ts';
import type { ProviderRegistry } from '../providers/registry.ts';
import type { HealthRecords } from '../router/deployment-health.ts';
import { publicParams } from './model-info.ts';

/** `records`: where the results are kept for routing (the table), when there is one. */
export function healthCheckEndpoint(deployments: Deployment[], providers: ProviderRegistry, records: HealthRecords | undefined, settings: HealthCheckSettings, log: Log): Route[] {
  return [
    {
      method: 'GET',
      paths: ['/health'],
      auth: 'admin',
      async handle(request, ctx) {
        const model = request.query['model'];
        const checked = deployments.filter((d) => model === undefined || d.modelName === model);
        if (model !== undefined && !checked.length) {
          throw new GatewayError('invalid_request', `No model named "${model}". GET /v1/models lists them; leave out \`model\` to check every deployment.`, { param: 'model' });
        }
        const results = await checkDeployments(checked, providers, ctx.signal, records, settings, log);
        const endpoint = (deployment: Deployment) => ({ ...publicParams(deployment), model_name: deployment.modelName, model_id: deployment.id });
        const healthy = results.filter((r) => r.error === undefined).map((r) => endpoint(r.deployment));
        const unhealthy = results.filter((r) => r.error !== undefined).map((r) => ({ ...endpoint(r.deployment), error: r.error!.message }));
        return { body: JSON.stringify({ healthy_endpoints: healthy, unhealthy_endpoints: unhealthy, healthy_count: healthy.length, unhealthy_count: unhealthy.length }) };
      },
    },
  ];
}
