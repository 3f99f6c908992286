// Health checks whose results feed routing: each deployment probed (./deployment-probe.ts) and its
// result recorded where every instance's router reads it (shared/router/deployment-health.ts). Run by
// GET /health and by the scheduled check (LiteLLM's `background_health_checks`: an interval under
// `npm start`, an EventBridge rule → the admin function in AWS). With
// `health_check_ignore_transient_errors`, a check answered by a 429 or a timeout says nothing either way.
import type { HealthCheckSettings } from '../config/health-check-settings.ts';
import { ANY_PROVIDER, type Deployment } from '../config/types.ts';
import { WildcardPattern } from '../config/wildcard-pattern.ts';
import type { ErrorKind, GatewayError } from '../core/errors.ts';
import type { Log } from '../core/log.ts';
import type { ProviderRegistry } from '../providers/registry.ts';
import type { HealthRecords } from '../router/deployment-health.ts';
import { probeDeployment } from './deployment-probe.ts';

const TRANSIENT: ReadonlySet<ErrorKind> = new Set(['rate_limited', 'rate_limit_exceeded', 'timeout']);

export interface CheckedDeployment {
  deployment: Deployment;
  error?: GatewayError;
}

/** Probes every deployment at once and records each result in `records` (when there are records to keep). */
export async function checkDeployments(
  deployments: readonly Deployment[],
  providers: ProviderRegistry,
  signal: AbortSignal,
  records: HealthRecords | undefined,
  settings: Pick<HealthCheckSettings, 'ignoreTransientErrors'>,
  log: Log,
): Promise<CheckedDeployment[]> {
  return Promise.all(
    deployments.map(async (deployment) => {
      const error = await probeDeployment(deployment, providers, signal);
      // A check cut short by the run's own end (the invocation's time ran out) says nothing of the deployment.
      const saysNothing = signal.aborted || (error && settings.ignoreTransientErrors && TRANSIENT.has(error.kind));
      if (records && !saysNothing) {
        try {
          await records.recordHealth(deployment.id, { healthy: !error, checkedAt: Date.now(), ...(error ? { error: error.message } : {}) });
        } catch (failure) {
          log.warn('could not record a health check; routing goes on without it', { deployment: deployment.id, error: String(failure) });
        }
      }
      return { deployment, error };
    }),
  );
}

/**
 * The scheduled check: every deployment that names one upstream model (a wildcard deployment serves
 * many and is checked by none), its results recorded. Returns how many were healthy and unhealthy.
 */
export function scheduledHealthCheck(deployments: readonly Deployment[], providers: ProviderRegistry, records: HealthRecords, settings: HealthCheckSettings, log: Log) {
  const checkable = deployments.filter((d) => d.provider !== ANY_PROVIDER && !WildcardPattern.isPattern(d.upstreamModel));
  return async (signal: AbortSignal): Promise<{ healthy: number; unhealthy: number }> => {
    const results = await checkDeployments(checkable, providers, signal, records, settings, log);
    const unhealthy = results.filter((r) => r.error);
    for (const { deployment, error } of unhealthy) log.warn('health check failed', { model: deployment.modelName, deployment: deployment.id, kind: error!.kind, error: error!.message });
    return { healthy: results.length - unhealthy.length, unhealthy: unhealthy.length };
  };
}
