// What this instance has seen of each deployment: requests in flight, recent latencies, and this
// minute's requests, tokens and failures. Kept in memory per instance, as LiteLLM does without Redis:
// on Lambda every warm instance counts only the requests it served itself.

const MINUTE_MS = 60_000;
/** Latency samples kept per deployment (LiteLLM keeps 10). */
const LATENCY_SAMPLES = 10;

interface MinuteCounts {
  minute: number;
  requests: number;
  tokens: number;
  failures: number;
  successes: number;
}

export class DeploymentStats {
  private readonly inFlightCounts = new Map<string, number>();
  private readonly latencies = new Map<string, Array<{ at: number; ms: number }>>();
  private readonly minutes = new Map<string, MinuteCounts>();

  constructor(private readonly now: () => number) {}

  started(id: string): void {
    this.inFlightCounts.set(id, this.inFlight(id) + 1);
    this.thisMinute(id).requests++;
  }

  finished(id: string): void {
    this.inFlightCounts.set(id, Math.max(0, this.inFlight(id) - 1));
  }

  inFlight(id: string): number {
    return this.inFlightCounts.get(id) ?? 0;
  }

  /** Time to the commit point: the whole answer, or the first chunk of a stream. */
  recordLatency(id: string, ms: number): void {
    const samples = this.latencies.get(id) ?? [];
    samples.push({ at: this.now(), ms });
    if (samples.length > LATENCY_SAMPLES) samples.shift();
    this.latencies.set(id, samples);
  }

  /** Mean of the samples younger than `ttlMs`; undefined when there are none. */
  averageLatency(id: string, ttlMs: number): number | undefined {
    const since = this.now() - ttlMs;
    const recent = (this.latencies.get(id) ?? []).filter((sample) => sample.at >= since);
    return recent.length ? recent.reduce((sum, sample) => sum + sample.ms, 0) / recent.length : undefined;
  }

  recordTokens(id: string, tokens: number): void {
    this.thisMinute(id).tokens += tokens;
  }

  /** Counts a failure and returns this minute's failures and successes so far. */
  recordFailure(id: string): { failures: number; successes: number } {
    const counts = this.thisMinute(id);
    counts.failures++;
    return { failures: counts.failures, successes: counts.successes };
  }

  /** A call that reached its commit point. */
  recordSuccess(id: string): void {
    this.thisMinute(id).successes++;
  }

  usageThisMinute(id: string): { requests: number; tokens: number } {
    const { requests, tokens } = this.thisMinute(id);
    return { requests, tokens };
  }

  /** Milliseconds until this minute's counts start over. */
  msUntilNextMinute(): number {
    return MINUTE_MS - (this.now() % MINUTE_MS);
  }

  private thisMinute(id: string): MinuteCounts {
    const minute = Math.floor(this.now() / MINUTE_MS);
    let counts = this.minutes.get(id);
    if (!counts || counts.minute !== minute) {
      counts = { minute, requests: 0, tokens: 0, failures: 0, successes: 0 };
      this.minutes.set(id, counts);
    }
    return counts;
  }
}
