// One mapping from an upstream failure (status + the provider's message) to the gateway's error
// vocabulary. Providers only extract their message, code and retry hint; the judgement lives here.
import { GatewayError, type ErrorKind } from '../core/errors.ts';
import { headerValue, type UpstreamResponse } from '../http/upstream.ts';

export interface UpstreamFailure {
  provider: string;
  status: number;
  message: string;
  /** The provider's own error code or type, e.g. `context_length_exceeded`, `overloaded_error`. */
  code?: string;
  retryAfterSeconds?: number;
  /** Credentials that must never reach a client, masked out of the message. */
  secrets?: Array<string | undefined>;
}

const CONTEXT_WINDOW = /context[ _-]?(length|window)|maximum context|prompt is too long|too many (input )?tokens|input is too long|reduce the length of (the )?(messages|prompt)|exceeds the maximum number of tokens/i;
const CONTENT_POLICY = /content[ _-]?(policy|filter|management)|responsibleaipolicyviolation|safety system|flagged/i;

export function upstreamError(failure: UpstreamFailure): GatewayError {
  const hint = `${failure.code ?? ''} ${failure.message}`;
  const kind = classify(failure.status, hint);
  const message = `${failure.provider} error (${failure.status}): ${redact(failure.message, failure.secrets)}`;
  return new GatewayError(kind, message, { retryAfter: failure.retryAfterSeconds });
}

function classify(status: number, hint: string): ErrorKind {
  if ((status === 400 || status === 413 || status === 422) && CONTEXT_WINDOW.test(hint)) return 'context_length_exceeded';
  if ((status === 400 || status === 403) && CONTENT_POLICY.test(hint)) return 'content_policy_violation';
  switch (status) {
    case 401: return 'upstream_auth';
    case 403: return 'permission_denied';
    case 404: return 'upstream_not_found';
    case 408: return 'timeout';
    case 413: return 'payload_too_large';
    case 422: return 'unprocessable';
    case 429: return 'rate_limited';
    case 503: case 529: return 'upstream_unavailable';
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

/** Pulls `message` and `code`/`type` out of a JSON error body, whatever its nesting; falls back to the raw text. */
export function parseErrorBody(text: string): { message: string; code?: string } {
  try {
    const body = JSON.parse(text) as { error?: unknown; message?: unknown; detail?: unknown };
    const error = body.error;
    if (error && typeof error === 'object') {
      const e = error as { message?: unknown; code?: unknown; type?: unknown };
      return { message: String(e.message ?? text), code: stringOr(e.code) ?? stringOr(e.type) };
    }
    if (typeof error === 'string') return { message: error };
    if (typeof body.message === 'string') return { message: body.message };
    if (typeof body.detail === 'string') return { message: body.detail };
  } catch {
    // not JSON: use the text itself
  }
  return { message: text.trim() || 'no error message' };
}

function stringOr(value: unknown): string | undefined {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}
