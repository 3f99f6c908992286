// Anthropic's error types → the HTTP status they come with, for errors that arrive inside a stream
// (an `error` event after a 200), so they classify like the same error answered as a status.
import type { GatewayError } from '../../core/errors.ts';
import { upstreamError } from '../upstream-errors.ts';

const STATUS_BY_ERROR_TYPE: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

export const PROVIDER_NAME = 'anthropic';

export function streamError(error: { type?: string; message?: string } | undefined, apiKey: string | undefined): GatewayError {
  const type = error?.type ?? 'api_error';
  return upstreamError({
    provider: PROVIDER_NAME,
    status: STATUS_BY_ERROR_TYPE[type] ?? 500,
    message: error?.message ?? type,
    code: type,
    secrets: [apiKey],
  });
}
