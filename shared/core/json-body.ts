import { GatewayError } from './errors.ts';

/** The request body as a JSON object, or a 400 that says what is wrong with it. */
export function parseJsonObject(body: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    throw new GatewayError('invalid_json', `The request body is not valid JSON: ${(error as Error).message}`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new GatewayError('invalid_json', 'The request body must be a JSON object.');
  }
  return value as Record<string, unknown>;
}

/**
 * The object without its top-level `null`s: LiteLLM treats an explicit `null` in an optional field
 * as absent, and clients (the `litellm` SDK, the UI) send them; a null must not reach an upstream,
 * which would refuse it.
 */
export function withoutNulls(object: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== null));
}
