// Anthropic's errors that arrive inside a stream (an `error` event after a 200) or a 200 body: they
// classify like the same error answered with the status its type stands for.
import type { GatewayError } from '../../core/errors.ts';
import { upstreamError } from '../upstream-errors.ts';

export const PROVIDER_NAME = 'anthropic';

export function streamError(error: { type?: string; message?: string } | null | undefined, apiKey: string | undefined, provider = PROVIDER_NAME): GatewayError {
  const type = error?.type ?? 'api_error';
  return upstreamError({ provider, status: 200, message: error?.message ?? type, code: type, secrets: [apiKey] });
}
