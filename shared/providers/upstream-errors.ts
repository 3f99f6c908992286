// One mapping from an upstream failure (status + the provider's message) to the gateway's error
// vocabulary. Providers only extract their message, code and retry hint; the judgement lives here.
// An error that comes inside a 2xx answer (a 200 whose body is `{"error": ...}`, or an error event in
// a stream) is judged by the status its code or type stands for, else as a 502.
import * as z from 'zod';
import { GatewayError, type ErrorKind } from '../core/errors.ts';
import { headerValue, type UpstreamResponse } from '../http/upstream.ts';

export interface UpstreamFailure {
  provider: string;
  /** The answer's HTTP status; 2xx for an error inside a successful answer. */
  status: number;
  message: string;
  /** The provider's own error code or type, e.g. `context_length_exceeded`, `overloaded_error`. */
  code?: string;
  retryAfterSeconds?: number;
  /** Credentials that must never reach a client, masked out of the message. */
  secrets?: Array<string | undefined>;
}

const CONTEXT_WINDOW =
  /context[ _-]?(length|window)|maximum context|prompt is too long|too many (input )?tokens|input is too long|reduce the length of (the )?(messages|prompt)|exceeds the maximum number of tokens/i;
const CONTENT_POLICY = /content[ _-]?(policy|filter|management)|responsibleaipolicyviolation|safety system|flagged/i;

/** The status an error code or type stands for: OpenAI's and Anthropic's types and codes, google.rpc's names. */
const STATUS_BY_ERROR_CODE: Record<string, number> = {
  invalid_request_error: 400,
  context_length_exceeded: 400,
  invalid_argument: 400,
  failed_precondition: 400,
  out_of_range: 400,
  authentication_error: 401,
  invalid_api_key: 401,
  unauthenticated: 401,
  billing_error: 402,
  permission_error: 403,
  permission_denied: 403,
  not_found_error: 404,
  model_not_found: 404,
  not_found: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  rate_limit_exceeded: 429,
  insufficient_quota: 429,
  resource_exhausted: 429,
  api_error: 500,
  server_error: 500,
  internal: 500,
  unavailable: 503,
  timeout_error: 504,
  deadline_exceeded: 504,
  overloaded_error: 529,
};

/** The HTTP status an error's code says (a status number, or a name above); undefined if it says none. */
export function statusOfErrorCode(code: string | undefined): number | undefined {
  if (code === undefined) return undefined;
  const number = /^[45]\d\d$/.test(code) ? Number(code) : undefined;
  return number ?? STATUS_BY_ERROR_CODE[code.toLowerCase()];
}

export function upstreamError(failure: UpstreamFailure): GatewayError {
  const inSuccess = failure.status >= 200 && failure.status < 300;
  const said = inSuccess ? statusOfErrorCode(failure.code) : failure.status;
  const status = said ?? 502;
  const kind = classify(status, `${failure.code ?? ''} ${failure.message}`);
  const message = `${failure.provider} error (${said ?? `in a ${failure.status} answer`}): ${redact(failure.message, failure.secrets)}`;
  return new GatewayError(kind, message, { retryAfter: failure.retryAfterSeconds });
}

function classify(status: number, hint: string): ErrorKind {
  if ((status === 400 || status === 413 || status === 422) && CONTEXT_WINDOW.test(hint)) return 'context_length_exceeded';
  if ((status === 400 || status === 403) && CONTENT_POLICY.test(hint)) return 'content_policy_violation';
  switch (status) {
    case 401:
      return 'upstream_auth';
    case 403:
      return 'permission_denied';
    case 404:
      return 'upstream_not_found';
    case 408:
      return 'timeout';
    case 413:
      return 'payload_too_large';
    case 422:
      return 'unprocessable';
    case 429:
      return 'rate_limited';
    case 503:
    case 529:
      return 'upstream_unavailable';
  }
  if (status >= 500) return 'upstream_error';
  return 'invalid_request';
}

/** Masks configured credentials and anything shaped like an API key. */
export function redact(text: string, secrets: Array<string | undefined> = []): string {
  let out = text;
  for (const secret of secrets) if (secret && secret.length >= 6) out = out.split(secret).join('***');
  return out.replace(/\b(sk|key|gsk|xai|pplx|fw)[-_][A-Za-z0-9_*-]{8,}/g, (match) => `${match.slice(0, 3)}***`);
}

export function retryAfterSeconds(headers: UpstreamResponse['headers']): number | undefined {
  const raw = headerValue(headers, 'retry-after');
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - Date.now()) / 1000);
}

/** A code or type as the gateway reads it: text (numbers as text); anything else is no code. */
const errorCode = z
  .union([z.string(), z.number().transform(String)])
  .optional()
  .catch(undefined);

/**
 * The error bodies upstreams send: OpenAI's and Anthropic's `{"error": {"message", "code"|"type"}}`,
 * `{"error": "..."}`, and the `{"message"}` or `{"detail"}` of some servers. Read as `message` and
 * `code` (the code, else the type); a message that is not text is no message.
 */
const errorBodySchema = z.union([
  z.looseObject({ error: z.looseObject({ message: z.string().optional().catch(undefined), code: errorCode, type: errorCode }) }),
  z.looseObject({ error: z.string() }).transform(({ error }) => ({ error: { message: error, code: undefined, type: undefined } })),
  z.looseObject({ message: z.string() }).transform(({ message }) => ({ error: { message, code: undefined, type: undefined } })),
  z.looseObject({ detail: z.string() }).transform(({ detail }) => ({ error: { message: detail, code: undefined, type: undefined } })),
]);

/** Pulls `message` and `code`/`type` out of a JSON error body; falls back to the raw text. */
export function parseErrorBody(text: string): { message: string; code?: string } {
  const body = errorBodySchema.safeParse(jsonOrUndefined(text));
  if (body.success) return { message: body.data.error.message ?? text, code: body.data.error.code ?? body.data.error.type };
  return { message: text.trim() || 'no error message' };
}

function jsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
