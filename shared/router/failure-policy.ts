// What the router does after a deployment fails, by the kind of failure (shared/core/errors.ts):
// - retry: transient (429, 408, 5xx, connection errors, timeouts): again, on another healthy
//   deployment of the model when there is one, else on the same after a backoff;
// - next_deployment: this deployment cannot serve the request (401, 404): another deployment of the
//   model without a backoff, else the fallbacks;
// - fallback: no retry can help (context window, content policy, 403, 413, 422): the fallbacks;
// - fail: the request itself is wrong (400s) or the gateway is: answer the client now.
import type { RouterSettings } from '../config/types.ts';
import type { ErrorKind, GatewayError } from '../core/errors.ts';

export type FailureAction = 'retry' | 'next_deployment' | 'fallback' | 'fail';

const ACTIONS: Partial<Record<ErrorKind, FailureAction>> = {
  rate_limited: 'retry',
  timeout: 'retry',
  upstream_error: 'retry',
  upstream_unavailable: 'retry',
  upstream_unreachable: 'retry',
  upstream_auth: 'next_deployment',
  upstream_not_found: 'next_deployment',
  context_length_exceeded: 'fallback',
  content_policy_violation: 'fallback',
  permission_denied: 'fallback',
  payload_too_large: 'fallback',
  unprocessable: 'fallback',
};

export function failureAction(error: GatewayError): FailureAction {
  return ACTIONS[error.kind] ?? 'fail';
}

/**
 * Failures that say something about the deployment's health, counted towards `allowed_fails`. LiteLLM
 * leaves connection errors out; Tollgate counts them, since a deployment nobody can reach is the
 * clearest case for sending traffic elsewhere.
 */
export function isDeploymentFailure(error: GatewayError): boolean {
  const action = failureAction(error);
  return action === 'retry' || action === 'next_deployment';
}

/** How many retries a failure of this kind allows: the request's `num_retries`, else `retry_policy`, else `num_retries`. */
export function retriesAllowed(error: GatewayError, settings: RouterSettings, requestNumRetries: number | undefined): number {
  if (requestNumRetries !== undefined) return requestNumRetries;
  const policy = settings.retryPolicy;
  const specific = error.kind === 'rate_limited' ? policy.rateLimit : error.kind === 'timeout' ? policy.timeout : failureAction(error) === 'retry' ? policy.serverError : undefined;
  return specific ?? settings.numRetries;
}
