// Deployments taken out of rotation for a while after failing, as LiteLLM does it: immediately on a
// 429, 401 or 404; otherwise, by default, once more than half of this minute's calls to it failed, or,
// when `allowed_fails` or `allowed_fails_policy` is set, after more than that many failures within a
// minute (the policy's count for the failure's class first). For `cooldown_time` (the deployment's
// own, else the router's), lengthened by an upstream Retry-After. A model's only deployment is never
// cooled down: with nowhere else to send the traffic, retries must still reach it.
// Kept in this instance's memory, and, with a table, shared with every instance (./shared-cooldowns.ts).
import type { Deployment, RouterSettings } from '../config/types.ts';
import type { ErrorKind, GatewayError } from '../core/errors.ts';
import { RETRY_AFTER_CAP_MS } from './backoff.ts';
import { errorClassOf } from './failure-policy.ts';

const COOL_DOWN_AT_ONCE: ReadonlySet<ErrorKind> = new Set(['rate_limited', 'upstream_auth', 'upstream_not_found']);

export class Cooldowns {
  private readonly until = new Map<string, number>();

  constructor(private readonly now: () => number) {}

  /** Returns until when (epoch ms) the deployment is cooling down now. */
  coolDown(id: string, ms: number): number {
    return this.coolDownUntil(id, this.now() + ms);
  }

  /** A cooldown until `until` (epoch ms), as another instance recorded it; a longer one already known stays. */
  coolDownUntil(id: string, until: number): number {
    const longest = Math.max(this.until.get(id) ?? 0, until);
    this.until.set(id, longest);
    return longest;
  }

  /** Until when (epoch ms) the deployment cools down; 0 when it never did. */
  endOf(id: string): number {
    return this.until.get(id) ?? 0;
  }

  isCoolingDown(id: string): boolean {
    return (this.until.get(id) ?? 0) > this.now();
  }

  /** Milliseconds until the first of these deployments is back. */
  msUntilFirstBack(ids: string[]): number {
    return Math.max(0, Math.min(...ids.map((id) => (this.until.get(id) ?? 0) - this.now())));
  }
}

/** More than this share of a minute's calls failing cools a deployment down (LiteLLM's DEFAULT_FAILURE_THRESHOLD_PERCENT). */
const FAILURE_RATE_LIMIT = 0.5;

/** How long a deployment that just failed with `error` should cool down; undefined when it should not. */
export function cooldownAfter(error: GatewayError, deployment: Deployment, groupSize: number, minute: { failures: number; successes: number }, settings: RouterSettings): number | undefined {
  if (groupSize < 2) return undefined;
  if (!COOL_DOWN_AT_ONCE.has(error.kind) && !tooManyFailures(error, minute, settings)) return undefined;
  const configured = deployment.cooldownTimeMs ?? settings.cooldownTimeMs;
  const hinted = error.retryAfter === undefined ? 0 : Math.min(error.retryAfter * 1000, RETRY_AFTER_CAP_MS);
  return Math.max(configured, hinted);
}

function tooManyFailures(error: GatewayError, { failures, successes }: { failures: number; successes: number }, settings: RouterSettings): boolean {
  if (settings.allowedFails === undefined) return failures / (failures + successes) > FAILURE_RATE_LIMIT;
  const errorClass = errorClassOf(error);
  return failures > ((errorClass && settings.allowedFailsPolicy[errorClass]) ?? settings.allowedFails);
}
