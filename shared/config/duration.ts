// LiteLLM's durations: "30s", "30m", "1h", "7d", "1mo", and the words hourly/daily/weekly/monthly.
// Durations are at most ten years: longer ones would run key expiry and budget periods past what a
// date can hold, and "never" is said by leaving the duration out.
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000, mo: 30 * 86_400_000 };
const WORDS: Record<string, string> = { hourly: '1h', daily: '1d', weekly: '7d', monthly: '1mo' };
export const MAX_DURATION_MS = 3650 * UNIT_MS['d']!;

/** Milliseconds, or undefined when the text is not a duration (or one longer than ten years). */
export function durationMs(text: string): number | undefined {
  const match = /^(\d{1,12})(s|m|h|d|w|mo)$/.exec(WORDS[text] ?? text);
  if (!match) return undefined;
  const ms = Number(match[1]) * UNIT_MS[match[2]!]!;
  return ms > 0 && ms <= MAX_DURATION_MS ? ms : undefined;
}

export const DURATION_HINT = 'a duration like "30s", "30m", "1h", "7d", "1mo" (or hourly, daily, weekly, monthly), of at most ten years ("3650d", "120mo")';
