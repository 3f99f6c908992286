// How long to wait before retrying on a deployment that already failed this request: exponential
// backoff with jitter (LiteLLM's 0.5 s doubling up to 8 s, shortened by up to a quarter at random),
// or the upstream's Retry-After when it sent one, up to a cap.

export const INITIAL_RETRY_DELAY_MS = 500;
export const MAX_RETRY_DELAY_MS = 8_000;
/** The longest Retry-After honoured, for a retry and for a cooldown: longer hints are capped. */
export const RETRY_AFTER_CAP_MS = 60_000;

/** `retry` counts from 0 for the first retry. */
export function retryDelayMs(retry: number, retryAfterSeconds: number | undefined, random: () => number): number {
  if (retryAfterSeconds !== undefined && retryAfterSeconds > 0) return Math.min(retryAfterSeconds * 1000, RETRY_AFTER_CAP_MS);
  const exponential = Math.min(INITIAL_RETRY_DELAY_MS * 2 ** retry, MAX_RETRY_DELAY_MS);
  return exponential * (1 - 0.25 * random());
}
