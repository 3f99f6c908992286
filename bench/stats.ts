// Turning raw samples into the numbers the report shows: percentiles, added latency against the
// direct call, and whether a stream's events arrived one by one.

export interface Summary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentile (p in 0..1) of an ascending array; NaN when empty. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil(p * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const sum = sorted.reduce((total, x) => total + x, 0);
  return {
    count: sorted.length,
    p50: percentile(sorted, 0.5),
    p90: percentile(sorted, 0.9),
    p99: percentile(sorted, 0.99),
    max: sorted.length ? sorted[sorted.length - 1]! : Number.NaN,
    mean: sorted.length ? sum / sorted.length : Number.NaN,
  };
}

/** What a gateway adds: its percentile minus the direct call's, measured in the same run. */
export function added(through: Summary, direct: Summary): { p50: number; p99: number } {
  return { p50: through.p50 - direct.p50, p99: through.p99 - direct.p99 };
}

/** Milliseconds between consecutive event arrivals of one response (the first event has none). */
export function gaps(arrivals: readonly number[]): number[] {
  return arrivals.slice(1).map((at, i) => at - arrivals[i]!);
}

export interface ForwardingVerdict {
  /** Events seen per response (median). */
  events: number;
  gap: Summary;
  minGapMs: number;
  /** Share of gaps within `toleranceMs` of the upstream's pacing. */
  onPace: number;
  /** Share of gaps under BUNCHED_MS: events that arrived together although the upstream sent them apart. */
  bunched: number;
  /** Events are forwarded as they come: (almost) none arrive bunched. */
  oneByOne: boolean;
}

/** Closer than this, two events the upstream sent a pacing gap apart were held and released together. */
export const BUNCHED_MS = 1;
/** A rare bunched pair can be a long pause (GC, a busy machine) rather than buffering. */
const BUNCHED_ALLOWED = 0.01;

/**
 * Judges chunk forwarding from event arrival times: the upstream sends events `upstreamGapMs` apart,
 * so a gateway that forwards them as they come shows the same gaps; one that buffers delivers several
 * at once (gaps near 0) after a longer wait.
 */
export function forwarding(responses: ReadonlyArray<readonly number[]>, upstreamGapMs: number, toleranceMs: number): ForwardingVerdict {
  const all = responses.flatMap((arrivals) => gaps(arrivals));
  const share = (test: (gap: number) => boolean) => (all.length ? all.filter(test).length / all.length : 0);
  const counts = responses.map((arrivals) => arrivals.length).sort((a, b) => a - b);
  const bunched = share((gap) => gap < BUNCHED_MS);
  return {
    events: percentile(counts, 0.5),
    gap: summarize(all),
    minGapMs: all.length ? Math.min(...all) : Number.NaN,
    onPace: share((gap) => Math.abs(gap - upstreamGapMs) <= toleranceMs),
    bunched,
    oneByOne: all.length > 0 && bunched <= BUNCHED_ALLOWED,
  };
}

/** Counts complete SSE events (blank-line terminated) across chunk boundaries. */
export class SseEventCounter {
  private tail = '';

  /** Returns how many events this chunk completed. */
  push(chunk: string): number {
    const text = this.tail + chunk;
    let count = 0;
    let from = 0;
    for (;;) {
      const end = text.indexOf('\n\n', from);
      if (end === -1) break;
      count++;
      from = end + 2;
    }
    // Keep only what may still be the start of a terminator.
    this.tail = text.slice(from).endsWith('\n') ? '\n' : '';
    return count;
  }
}
