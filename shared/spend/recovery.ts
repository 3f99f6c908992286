// Charging the requests of instances that died. A booking whose request stopped renewing it (two hold
// windows old) belongs to a request nobody serves any more: it is settled to what the request's
// ledger record says it cost. Without a record, the request died before its commit point, so its
// answer was never sent: an "abandoned" record with no cost is written first, which also refuses the
// commit of a request that turns out to be alive after all (shared/store/ledger.ts#create), and the
// booking is settled to nothing. Runs on whichever instance writes to the item next (tracker.ts).
import type { Log } from '../core/log.ts';
import type { Ledger, SpendLog } from '../store/ledger.ts';
import type { Fields } from '../store/records.ts';
import type { Account } from './accounts.ts';
import { bookingsOn, isBookingAttribute, type Booking } from './booking.ts';
import type { Counters } from './counters.ts';
import { holdWindow } from './periods.ts';

/** How long an instance leaves an item alone after recovering it. */
const RECOVERED_FOR_MS = 5_000;
/** Bound on remembered items: past it the oldest go first. */
const MAX_REMEMBERED = 10_000;

export class Recovery {
  private readonly running = new Map<string, Promise<void>>();
  private readonly recoveredAt = new Map<string, number>();

  constructor(
    private readonly counters: Counters,
    private readonly ledger: Ledger,
    private readonly now: () => number,
    private readonly log: Log,
  ) {}

  /** Whether an item holds bookings whose lease ran out, or lapsed holds: worth recovering. Runs on every write: no allocations. */
  due(account: Account, item: Fields): boolean {
    const now = this.now();
    if ((this.recoveredAt.get(account.item.pk) ?? -Infinity) > now - RECOVERED_FOR_MS) return false;
    const stale = holdWindow(now) - 2;
    for (const name in item) {
      const value = item[name];
      if (isBookingAttribute(name) ? Array.isArray(value) && (value[0] as number) <= stale : name.endsWith('lapsed_usd') && typeof value === 'number' && value > 0) return true;
    }
    return false;
  }

  /** Recovers the account's item; one run per item at a time on this instance. */
  run(account: Account): Promise<void> {
    const key = account.item.pk;
    let run = this.running.get(key);
    if (!run) {
      run = this.recover(account)
        .catch((error: unknown) => this.log.error('recovering requests of a stopped instance failed; the next write to the item retries', { item: key, error: String(error) }))
        .finally(() => {
          this.running.delete(key);
          if (this.recoveredAt.size >= MAX_REMEMBERED) this.recoveredAt.delete(this.recoveredAt.keys().next().value!);
          this.recoveredAt.set(key, this.now());
        });
      this.running.set(key, run);
    }
    return run;
  }

  private async recover(account: Account): Promise<void> {
    const item = await this.counters.read(account);
    if (!item) return;
    const stale = holdWindow(this.now()) - 2;
    for (const booking of bookingsOn(item)) {
      if (booking.window > stale) continue;
      const cost = await this.costOf(booking, account);
      await this.counters.settle(account, booking, cost, 0, { placed: true, recovering: true });
      this.log.warn('charged a request of a stopped instance from its ledger record', { requestId: booking.requestId, item: account.item.pk, cost });
    }
    const after = await this.counters.read(account);
    if (after) await this.counters.repairLapsed(account, after);
  }

  /**
   * What the request's ledger record says it cost; without one, it is recorded as abandoned, at 0. A
   * request that could cost nothing (count_tokens, an unpriced model: its worst case is 0) needs no
   * such record: whatever it commits later, it costs 0.
   */
  private async costOf(booking: Booking, account: Account): Promise<number> {
    const recorded = await this.ledger.costOf(booking.requestId);
    if (recorded !== undefined || booking.worst === 0) return recorded ?? 0;
    if (await this.ledger.create(abandoned(booking.requestId, account, this.now()))) return 0;
    return (await this.ledger.costOf(booking.requestId)) ?? 0;
  }
}

/** The record of a request whose instance stopped before its commit point: nothing was answered, nothing is charged. */
function abandoned(requestId: string, account: Account, now: number): SpendLog {
  const at = new Date(now).toISOString();
  return {
    request_id: requestId,
    call_type: 'abandoned',
    api_key: account.kind === 'key' ? account.id : null,
    key_alias: null,
    spend: 0,
    provider_cost: 0,
    prompt_tokens: 0,
    completion_tokens: 0,
    total_tokens: 0,
    cached_tokens: 0,
    cache_creation_input_tokens: 0,
    startTime: at,
    endTime: at,
    completionStartTime: null,
    request_duration_ms: 0,
    time_to_first_token_ms: null,
    model: null,
    model_id: null,
    model_group: null,
    custom_llm_provider: null,
    user: account.kind === 'user' ? account.id : null,
    team_id: account.kind === 'team' ? account.id : null,
    end_user: account.kind === 'end_user' ? account.id : null,
    status: 'failure',
    usage_estimated: false,
    metadata: { abandoned: 'the gateway instance serving this request stopped before answering it; nothing was charged' },
  };
}
