// Google's error bodies (google.rpc.Status: `{"error": {"code", "message", "status", "details"}}`,
// sometimes wrapped in a one-element array) → the gateway's errors, through upstreamError. A 429's
// retry hint comes in `details` (RetryInfo.retryDelay, e.g. "32s") rather than a Retry-After header,
// and a bad key is a 400 whose ErrorInfo reason is API_KEY_INVALID.
import type { GatewayError } from '../../core/errors.ts';
import type { UpstreamResponse } from '../../http/upstream.ts';
import { parseErrorBody, retryAfterSeconds, upstreamError } from '../upstream-errors.ts';
import { googleErrorBodySchema, type GoogleStatus } from './answer-schema.ts';

export interface GoogleErrorContext {
  /** The provider name clients see in messages: `gemini`, `vertex_ai`. */
  provider: string;
  /** Credentials to mask out of messages. */
  secrets: Array<string | undefined>;
}

export function googleHttpError(context: GoogleErrorContext, status: number, text: string, headers: UpstreamResponse['headers']): GatewayError {
  const google = googleStatus(text);
  // Claude on Vertex AI answers with Anthropic's error body, whose type parseErrorBody reads.
  const parsed = parseErrorBody(text);
  const message = google?.message ?? parsed.message;
  const code = google?.status ?? parsed.code;
  return upstreamError({
    provider: context.provider,
    // The Gemini API answers a bad key with 400 INVALID_ARGUMENT; its ErrorInfo says what it is.
    status: google?.details?.some((d) => d.reason === 'API_KEY_INVALID') ? 401 : status,
    message,
    code,
    retryAfterSeconds: retryAfterSeconds(headers) ?? retryDelaySeconds(google),
    secrets: context.secrets,
  });
}

/** An error that arrives inside a 200 stream: classified like the same error answered as a status. */
export function googleStreamError(context: GoogleErrorContext, error: GoogleStatus): GatewayError {
  return upstreamError({
    provider: context.provider,
    status: typeof error.code === 'number' && error.code >= 400 ? error.code : 200,
    message: error.message ?? error.status ?? 'stream failed',
    code: error.status ?? undefined,
    retryAfterSeconds: retryDelaySeconds(error),
    secrets: context.secrets,
  });
}

/** A prompt or an answer Gemini's safety filters blocked: 400 content_policy_violation, as LiteLLM raises it. */
export function safetyBlockError(context: GoogleErrorContext, what: string, reason: string, detail?: string | null): GatewayError {
  return upstreamError({
    provider: context.provider,
    status: 400,
    message: `${what} was blocked by the model's safety filters (${reason})${detail ? `: ${detail}` : '.'}`,
    code: 'content_policy_violation',
    secrets: context.secrets,
  });
}

function googleStatus(text: string): (GoogleStatus & { message: string }) | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  const body = googleErrorBodySchema.safeParse(parsed);
  return body.success ? body.data.error : undefined;
}

function retryDelaySeconds(error: GoogleStatus | undefined): number | undefined {
  const delay = error?.details?.find((d) => d.retryDelay !== undefined)?.retryDelay;
  const seconds = delay ? Number.parseFloat(delay) : Number.NaN;
  return Number.isFinite(seconds) ? Math.max(0, seconds) : undefined;
}
