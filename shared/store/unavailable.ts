// The one answer for "DynamoDB cannot be reached": 503 db_unavailable, never a 500. Model requests
// fail closed with it (docs/ERRORS.md); general_settings.allow_requests_on_db_unavailable lets the
// spend tracker pass them instead.
import { GatewayError } from '../core/errors.ts';

export function storeUnavailable(cause: unknown): GatewayError {
  return new GatewayError('db_unavailable', 'The gateway cannot reach its database (DynamoDB), so keys, budgets and rate limits cannot be checked; the request was not sent. Retry shortly. (An admin can set general_settings.allow_requests_on_db_unavailable: true to let model requests of known keys through unaccounted.)', { cause });
}
