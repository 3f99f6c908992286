// LiteLLM's background health checks and health check driven routing (`general_settings`):
// `background_health_checks` runs every deployment's check every `health_check_interval` seconds (300
// by default), locally on an interval and in AWS from a scheduled rule; `enable_health_check_routing`
// (also read from `router_settings`) skips deployments whose last check failed, for
// `health_check_staleness_threshold` seconds after it (two intervals by default, so one missed run
// changes nothing); `health_check_ignore_transient_errors` leaves a check answered by a 429 or a timeout
// out of the record.
import type { RawConfig } from './schema.ts';

/** LiteLLM's default `health_check_interval`, seconds. */
const DEFAULT_INTERVAL_SECONDS = 300;

export interface HealthCheckSettings {
  background: boolean;
  intervalMs: number;
  routing: boolean;
  stalenessMs: number;
  ignoreTransientErrors: boolean;
}

export function toHealthCheckSettings(raw: RawConfig): HealthCheckSettings {
  const general = raw.general_settings;
  const intervalMs = (general?.health_check_interval ?? DEFAULT_INTERVAL_SECONDS) * 1000;
  return {
    background: general?.background_health_checks ?? false,
    intervalMs,
    routing: general?.enable_health_check_routing ?? raw.router_settings?.enable_health_check_routing ?? false,
    stalenessMs: general?.health_check_staleness_threshold === undefined ? 2 * intervalMs : general.health_check_staleness_threshold * 1000,
    ignoreTransientErrors: general?.health_check_ignore_transient_errors ?? false,
  };
}
