// The gateway's errors in Anthropic's shape, {"type":"error","error":{"type","message"}}, for
// /v1/messages clients (the Anthropic SDKs, Claude Code). The status stays the gateway's.
import type { ErrorKind, GatewayError } from '../core/errors.ts';

/** Anthropic's error type per gateway error kind; kinds not listed go by status (5xx api_error, else invalid_request_error). */
const ANTHROPIC_ERROR_TYPES: Partial<Record<ErrorKind, string>> = {
  missing_key: 'authentication_error',
  invalid_key: 'authentication_error',
  upstream_auth: 'authentication_error',
  blocked: 'authentication_error',
  key_expired: 'authentication_error',
  key_model_access_denied: 'authentication_error',
  team_model_access_denied: 'authentication_error',
  user_model_access_denied: 'authentication_error',
  permission_denied: 'permission_error',
  route_not_found: 'not_found_error',
  not_found: 'not_found_error',
  upstream_not_found: 'not_found_error',
  timeout: 'timeout_error',
  payload_too_large: 'request_too_large',
  rate_limited: 'rate_limit_error',
  rate_limit_exceeded: 'rate_limit_error',
  upstream_unavailable: 'overloaded_error',
};

export interface AnthropicErrorBody {
  type: 'error';
  error: { type: string; message: string };
}

export function anthropicErrorBody(error: GatewayError): AnthropicErrorBody {
  const type = ANTHROPIC_ERROR_TYPES[error.kind] ?? (error.status >= 500 ? 'api_error' : 'invalid_request_error');
  return { type: 'error', error: { type, message: error.message } };
}
