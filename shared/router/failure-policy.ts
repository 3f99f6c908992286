// What the router does after a deployment fails, by the kind of failure (shared/core/errors.ts):
// - retry: transient (429, 408, 5xx, connection errors, timeouts): again, on another healthy
//   deployment of the model when there is one, else on the same after a backoff;
// - next_deployment: this deployment cannot serve the request (401, 404): another deployment of the
//   model without a backoff, else the fallbacks;
// - fallback: no retry can help (context window, content policy, 403, 413, 422): the fallbacks;
// - fail: the request itself is wrong (400s) or the gateway is: answer the client now.
import type { LiteLLMErrorClass, RouterSettings } from '../config/types.ts';
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

/** The LiteLLM exception an upstream failure of this kind is, as `retry_policy` and `allowed_fails_policy` name them. */
const ERROR_CLASSES: Partial<Record<ErrorKind, LiteLLMErrorClass>> = {
  invalid_request: 'BadRequestError',
  unprocessable: 'BadRequestError',
  upstream_auth: 'AuthenticationError',
  timeout: 'TimeoutError',
  rate_limited: 'RateLimitError',
  content_policy_violation: 'ContentPolicyViolationError',
  upstream_error: 'InternalServerError',
  upstream_unavailable: 'InternalServerError',
  upstream_unreachable: 'InternalServerError',
};

export function errorClassOf(error: GatewayError): LiteLLMErrorClass | undefined {
  return ERROR_CLASSES[error.kind];
}

/**
 * How many retries a failure allows within the model group `model`. Transient failures: the
 * request's `num_retries`, else the group's `model_group_retry_policy`, else `retry_policy` for its
 * class, else the failed deployment's own `num_retries`, else the router's. Other failures are retried
 * only when a policy gives their class a count (`BadRequestErrorRetries: 1`); undefined when none does.
 */
export function retriesAllowed(error: GatewayError, model: string, settings: RouterSettings, requestNumRetries: number | undefined, deploymentNumRetries?: number): number | undefined {
  const errorClass = errorClassOf(error);
  const policy = errorClass && (settings.modelGroupRetryPolicy.get(model)?.[errorClass] ?? settings.retryPolicy[errorClass]);
  if (failureAction(error) === 'retry') return requestNumRetries ?? policy ?? deploymentNumRetries ?? settings.numRetries;
  return policy;
}
