// The error vocabulary: every error Tollgate returns is one of these kinds, sent in OpenAI's shape
// {"error":{"message","type","param","code"}}. docs/ERRORS.md renders this table; a test keeps them equal.
// Later issues add rows here, never ad-hoc statuses elsewhere.

export const ERROR_KINDS = {
  invalid_json: { status: 400, type: 'invalid_request_error', code: '400' },
  invalid_request: { status: 400, type: 'invalid_request_error', code: '400' },
  unsupported_params: { status: 400, type: 'invalid_request_error', code: '400' },
  unknown_model: { status: 400, type: 'invalid_request_error', code: '400' },
  unsupported_mode: { status: 400, type: 'invalid_request_error', code: '400' },
  context_length_exceeded: { status: 400, type: 'invalid_request_error', code: 'context_length_exceeded' },
  content_policy_violation: { status: 400, type: 'invalid_request_error', code: 'content_policy_violation' },
  guardrail_violation: { status: 400, type: 'None', code: '400' },
  budget_exceeded: { status: 400, type: 'budget_exceeded', code: '400' },
  missing_key: { status: 401, type: 'auth_error', code: '401' },
  invalid_key: { status: 401, type: 'auth_error', code: '401' },
  upstream_auth: { status: 401, type: 'authentication_error', code: '401' },
  blocked: { status: 401, type: 'auth_error', code: '401' },
  key_expired: { status: 401, type: 'auth_error', code: '401' },
  admin_only: { status: 401, type: 'auth_error', code: '401' },
  key_model_access_denied: { status: 401, type: 'key_model_access_denied', code: '401' },
  team_model_access_denied: { status: 401, type: 'team_model_access_denied', code: '401' },
  user_model_access_denied: { status: 401, type: 'user_model_access_denied', code: '401' },
  org_model_access_denied: { status: 401, type: 'org_model_access_denied', code: '401' },
  permission_denied: { status: 403, type: 'permission_error', code: '403' },
  route_not_found: { status: 404, type: 'not_found_error', code: '404' },
  not_found: { status: 404, type: 'not_found_error', code: '404' },
  upstream_not_found: { status: 404, type: 'not_found_error', code: '404' },
  method_not_allowed: { status: 405, type: 'invalid_request_error', code: '405' },
  timeout: { status: 408, type: 'timeout_error', code: '408' },
  payload_too_large: { status: 413, type: 'invalid_request_error', code: '413' },
  request_header_too_large: { status: 431, type: 'invalid_request_error', code: '431' },
  unprocessable: { status: 422, type: 'invalid_request_error', code: '422' },
  rate_limited: { status: 429, type: 'rate_limit_error', code: '429' },
  rate_limit_exceeded: { status: 429, type: 'rate_limit_error', code: '429' },
  internal: { status: 500, type: 'internal_server_error', code: '500' },
  upstream_error: { status: 502, type: 'api_error', code: '502' },
  upstream_unreachable: { status: 502, type: 'api_connection_error', code: '502' },
  upstream_unavailable: { status: 503, type: 'service_unavailable_error', code: '503' },
  db_unavailable: { status: 503, type: 'service_unavailable_error', code: '503' },
  guardrail_unavailable: { status: 503, type: 'service_unavailable_error', code: '503' },
  overloaded: { status: 503, type: 'service_unavailable_error', code: '503' },
  cache_not_configured: { status: 503, type: 'service_unavailable_error', code: '503' },
  jwks_unavailable: { status: 503, type: 'service_unavailable_error', code: '503' },
} as const satisfies Record<string, { status: number; type: string; code: string }>;

export type ErrorKind = keyof typeof ERROR_KINDS;

/** What a client sees when something goes wrong: a kind from the vocabulary plus a message that says what to fix. */
export class GatewayError extends Error {
  readonly kind: ErrorKind;
  readonly param: string | null;
  /** Seconds a client should wait, from an upstream `Retry-After` or a limiter. */
  readonly retryAfter?: number;

  constructor(kind: ErrorKind, message: string, options: { param?: string | null; retryAfter?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'GatewayError';
    this.kind = kind;
    this.param = options.param ?? null;
    this.retryAfter = options.retryAfter;
  }

  get status(): number {
    return ERROR_KINDS[this.kind].status;
  }

  toJSON(): OpenAIErrorBody {
    const { type, code } = ERROR_KINDS[this.kind];
    return { error: { message: this.message, type, param: this.param, code } };
  }
}

export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string };
}

/** Any thrown value as a GatewayError; unknown errors become a plain 500 that reveals nothing of their insides. */
export function asGatewayError(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  return new GatewayError('internal', 'Internal error in the gateway. The request id in the x-tollgate-request-id header finds it in the logs.', { cause: error });
}
