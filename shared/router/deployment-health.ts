// Health check results the router routes by (LiteLLM's health check driven routing): the last result of
// each deployment's check, kept where every gateway instance reads it (the table,
// shared/store/deployment-states.ts) by whoever ran the check (the scheduled check, GET /health). A
// deployment whose last check failed, not longer ago than the staleness threshold, is skipped while
// its group has another; a group whose every deployment failed is routed as if none had.

export interface HealthCheckResult {
  healthy: boolean;
  /** When the check ran (epoch ms). */
  checkedAt: number;
  /** What went wrong, as the gateway would tell a client. */
  error?: string;
}

export interface HealthRecords {
  /** The last recorded check of each of these deployments that has one. */
  healthOf(ids: readonly string[]): Promise<Map<string, HealthCheckResult>>;
  recordHealth(id: string, result: HealthCheckResult): Promise<void>;
}

/** What routing by health needs: where the results are, and how long one counts. */
export interface HealthRouting {
  records: HealthRecords;
  /** `health_check_staleness_threshold`: an older result no longer says anything. */
  stalenessMs: number;
}

/** Whether `result` takes its deployment out of routing at `now`. */
export function countsAsUnhealthy(result: HealthCheckResult | undefined, now: number, stalenessMs: number): boolean {
  return result !== undefined && !result.healthy && now - result.checkedAt <= stalenessMs;
}
