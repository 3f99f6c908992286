// LiteLLM's durations: "30s", "30m", "1h", "7d", "1mo", and the words hourly/daily/weekly/monthly.
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000, mo: 30 * 86_400_000 };
const WORDS: Record<string, string> = { hourly: '1h', daily: '1d', weekly: '7d', monthly: '1mo' };

/** Milliseconds, or undefined when the text is not a duration. */
export function durationMs(text: string): number | undefined {
  const match = /^(\d+)(s|m|h|d|w|mo)$/.exec(WORDS[text] ?? text);
  if (!match) return undefined;
  const amount = Number(match[1]);
  return amount > 0 ? amount * UNIT_MS[match[2]!]! : undefined;
}

export const DURATION_HINT = 'a duration like "30s", "30m", "1h", "7d", "1mo" (or hourly, daily, weekly, monthly)';
