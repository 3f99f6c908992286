// Keeps the holds of this instance's requests in flight from lapsing: every second or so it renews
// those whose hold window has ended, into the current one (counters.ts#renew), at a random moment
// early in the new window so that requests begun together do not all write at once.
import { HOLD_WINDOW_MS } from './periods.ts';

export interface Leased {
  /** The oldest hold window the request's bookings are in. */
  window(): number;
  /** Renews every booking of the request; never rejects. */
  renew(): Promise<void>;
}

/** How far into a new window renewals spread. */
const SPREAD_MS = HOLD_WINDOW_MS / 4;

export class Leases {
  private readonly live = new Map<Leased, { offset: number; renewing?: Promise<void> }>();
  private timer?: ReturnType<typeof setInterval>;

  constructor(
    private readonly now: () => number,
    private readonly checkEveryMs: number,
  ) {}

  add(request: Leased): void {
    this.live.set(request, { offset: Math.random() * SPREAD_MS });
    this.timer ??= setInterval(() => this.check(), this.checkEveryMs);
    this.timer.unref?.();
  }

  /** Stops renewing the request; waits for a renewal under way, so that settling comes after it. */
  async remove(request: Leased): Promise<void> {
    const entry = this.live.get(request);
    this.live.delete(request);
    if (!this.live.size && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
    await entry?.renewing;
  }

  private check(): void {
    const now = this.now();
    for (const [request, entry] of this.live) {
      if (entry.renewing || now < (request.window() + 1) * HOLD_WINDOW_MS + entry.offset) continue;
      entry.renewing = request.renew().finally(() => {
        entry.renewing = undefined;
      });
    }
  }
}
