// The one answer for "DynamoDB cannot be reached": 503 db_unavailable, never a 500. Model requests
// fail closed with it (docs/ERRORS.md); general_settings.allow_requests_on_db_unavailable lets the
// spend tracker pass them instead. Only a failure to reach or be served by DynamoDB is an outage: a
// value it refused (ValidationException) or a bug in the gateway is not, and must not be let through
// as if the database were down.
import { GatewayError } from '../core/errors.ts';

export function storeUnavailable(cause: unknown): GatewayError {
  return new GatewayError(
    'db_unavailable',
    'The gateway cannot reach its database (DynamoDB), so keys, budgets and rate limits cannot be checked; the request was not sent. Retry shortly. (An admin can set general_settings.allow_requests_on_db_unavailable: true to let model requests of known keys through unaccounted.)',
    { cause },
  );
}

/** DynamoDB's names for a request it refused as malformed: the gateway sent something it cannot hold. */
const REFUSED = new Set(['ValidationException', 'SerializationException']);

/**
 * Whether `error` from a store call means DynamoDB is unreachable or failing. Whatever went through
 * the SDK's send carries `$metadata` (network errors too, after the SDK's retries); an error without
 * it was thrown before any I/O: a value the document client cannot convert (Infinity, 1e20), or a
 * bug in the gateway.
 */
export function isOutage(error: unknown): boolean {
  if (error instanceof GatewayError || !(error instanceof Error) || !('$metadata' in error)) return false;
  return !REFUSED.has(error.name);
}

/** A store failure as the error to answer with: an outage is the 503; anything else goes on as it is (a 400 already made, or a 500). */
export function storeFailure(error: unknown): unknown {
  return isOutage(error) ? storeUnavailable(error) : error;
}
