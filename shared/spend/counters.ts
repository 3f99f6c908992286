// Reserving, renewing and settling on the items themselves: one conditional write per account (all of
// its meters and the request's booking at once), planned by meter-plan.ts and sent by the store's
// counter items (shared/store/counter-items.ts). A refused write is judged by a strongly consistent
// read with the same rules: a limit that really is reached refuses the request; anything else (a new
// minute, period or hold window, counters moved by other instances, a key regenerated away) is
// retried from the fresh item.
import { usd } from '../pricing/usd.ts';
import type { CounterItems, WriteAnswer } from '../store/counter-items.ts';
import { GroupCommit } from '../store/group-commit.ts';
import { ItemChange } from '../store/item-change.ts';
import type { Fields } from '../store/records.ts';
import type { Account } from './accounts.ts';
import { bookingAttribute, bookingsOn, encodeBooking, type Booking } from './booking.ts';
import { bookingWindow, counter, planLapsedRepair, planRenewal, planReservation, planSettlement, storedWindow, type Refusal } from './meter-plan.ts';
import type { BudgetCalendar } from './periods.ts';

/** Settlements in one write at most: each adds a condition and a removal to its expressions, which DynamoDB caps at 4 KB. */
const MAX_SETTLED_TOGETHER = 16;
/** Attempts before giving up on an item that keeps changing under us (in practice one or two). */
const MAX_ATTEMPTS = 8;
/** Bound on remembered items: past it the oldest go first. */
const MAX_SEEN = 10_000;

export type ReserveResult = { ok: true; state: Fields; placed: boolean } | { ok: false; refusal: Refusal; state: Fields };

/** One request's settlement on one account. */
interface Settlement {
  account: Account;
  booking: Booking;
  cost: number;
  tokens: number;
}

/** The item as it was before `later` settlements: their costs taken back out of the spend they settled to. */
function spendBefore(item: Fields, later: Settlement[]): Fields {
  const before = { ...item };
  for (const { booking, cost } of later) {
    for (const { prefix } of booking.meters) {
      const spend = counter(prefix, 'spend');
      if (typeof before[spend] === 'number') before[spend] = usd((before[spend] as number) - cost);
    }
  }
  return before;
}

export class ContendedItem extends Error {
  constructor() {
    super('the counters kept changing under every attempt');
  }
}

export class Counters {
  /** The item as it was after our last write or read: the next write's first guess. */
  private readonly seen = new Map<string, Fields>();
  /** Settlements under way, by item. */
  private readonly settlements = new Map<string, GroupCommit<Settlement, Fields | undefined>>();

  constructor(
    private readonly items: CounterItems,
    private readonly calendar: BudgetCalendar,
  ) {}

  /**
   * Reserves the booking's worst case and one request on every meter of `account`, and places the
   * booking on the item; sets `booking.window`. Not placed: the item is gone (deleted meanwhile).
   */
  async reserve(account: Account, booking: Booking, now: number): Promise<ReserveResult> {
    let state = this.guess(account);
    let fresh = false;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const update = new ItemChange();
      const window = bookingWindow(
        account.meters.filter((_, i) => booking.meters[i]!.holds),
        state,
        now,
      );
      const refusals = account.meters.map((meter, i) => planReservation(meter, booking.meters[i]!, state, now, window, booking.worst, update, this.calendar));
      const refusal = refusals.find((r) => r !== undefined);
      if (refusal && fresh) return { ok: false, refusal, state };
      if (!refusal) {
        update.set(bookingAttribute(booking.requestId), encodeBooking({ ...booking, window }));
        // The whole item: the next guess, the rate headers, and other requests' bookings to recover.
        const written = await this.write(account, update, 'item');
        if (written) {
          booking.window = window;
          return { ok: true, state: written, placed: true };
        }
      }
      const read = await this.read(account);
      if (!read) return { ok: true, state: {}, placed: false };
      state = read;
      fresh = true;
    }
    throw new ContendedItem();
  }

  /**
   * Moves the booking's holds and lease into the current hold window, if they are in an older one.
   * False when the booking is gone: its request was taken for dead and recovered (recovery.ts).
   */
  async renew(account: Account, booking: Booking, now: number): Promise<boolean> {
    const attribute = bookingAttribute(booking.requestId);
    let state = this.guess(account);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const holding = account.meters.filter((_, i) => booking.meters[i]!.holds);
      const window = bookingWindow(holding, state, now);
      if (window <= booking.window) return true;
      const update = new ItemChange().whenFirstEquals(attribute, booking.window);
      for (const meter of holding) planRenewal(meter, state, now, booking.window, window, booking.worst, update, this.calendar);
      update.set(attribute, encodeBooking({ ...booking, window }));
      if (await this.write(account, update)) {
        booking.window = window;
        return true;
      }
      const read = await this.read(account);
      if (!read || !Array.isArray(read[attribute])) return false;
      state = read;
    }
    throw new ContendedItem();
  }

  /**
   * Settles the booking to `cost`, once: the booking leaves the item in the same write, on condition
   * that it is there (`recovering`: that it still says the window recovery read, so a request that
   * renewed meanwhile is not taken for dead). `placed` false: the booking never reached the item, and
   * the cost is added as it is; undefined: unknown (its write failed), so as the item shows. Returns
   * the item after, or undefined when the booking was settled already or the item is gone. A placed
   * booking's settlement goes by group commit: those of requests on the same item that finish while
   * one is being written are made together, in one write (settleTogether).
   */
  async settle(
    account: Account,
    booking: Booking,
    cost: number,
    tokens: number,
    { placed, recovering = false }: { placed?: boolean; recovering?: boolean } = { placed: true },
  ): Promise<Fields | undefined> {
    if (placed === true && !recovering) return this.settling(account).add({ account, booking, cost, tokens });
    return this.settleAlone(account, booking, cost, tokens, { placed, recovering });
  }

  private async settleAlone(account: Account, booking: Booking, cost: number, tokens: number, { placed, recovering }: { placed?: boolean; recovering: boolean }): Promise<Fields | undefined> {
    const attribute = bookingAttribute(booking.requestId);
    let state = this.guess(account);
    let booked = placed !== false;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const update = new ItemChange();
      if (booked) {
        if (recovering) update.whenFirstEquals(attribute, booking.window);
        else update.whenPresent(attribute);
        update.remove(attribute);
      }
      for (const meter of booking.meters) planSettlement(booked ? meter : { ...meter, holds: false }, state, booking.window, booking.worst, cost, tokens, update);
      const written = await this.write(account, update);
      if (written) return written;
      const read = await this.read(account);
      if (!read) return undefined;
      const left = read[attribute];
      if (booked && (!Array.isArray(left) || (recovering && left[0] !== booking.window))) {
        if (placed !== undefined) return undefined;
        booked = false;
      }
      state = read;
    }
    throw new ContendedItem();
  }

  /** The group commit of settlements on the account's item. */
  private settling(account: Account): GroupCommit<Settlement, Fields | undefined> {
    let commits = this.settlements.get(account.item.pk);
    if (!commits) {
      if (this.settlements.size >= MAX_SEEN) this.settlements.delete(this.settlements.keys().next().value!);
      commits = new GroupCommit((group) => this.settleTogether(group), MAX_SETTLED_TOGETHER);
      this.settlements.set(account.item.pk, commits);
    }
    return commits;
  }

  /**
   * Settles placed bookings of one item in one write: every booking's change, on every booking's
   * conditions. Should any fail (a booking recovered, the item moved or gone), each is settled on its
   * own instead, as if alone. Each answer is the item as that request's own settlement left it, as if
   * they had been made one after another in this order (so each budget alert is sent once).
   */
  private async settleTogether(group: Settlement[]): Promise<Array<PromiseSettledResult<Fields | undefined>>> {
    const alone = (s: Settlement) => this.settleAlone(s.account, s.booking, s.cost, s.tokens, { placed: true, recovering: false });
    if (group.length === 1) return Promise.allSettled([alone(group[0]!)]);
    const account = group[0]!.account;
    const state = this.guess(account);
    const update = new ItemChange();
    for (const { booking, cost, tokens } of group) {
      const attribute = bookingAttribute(booking.requestId);
      update.whenPresent(attribute).remove(attribute);
      for (const meter of booking.meters) planSettlement(meter, state, booking.window, booking.worst, cost, tokens, update);
    }
    const written = await this.write(account, update);
    if (!written) return Promise.allSettled(group.map(alone));
    return group.map((_, i) => ({ status: 'fulfilled', value: spendBefore(written, group.slice(i + 1)) }));
  }

  /**
   * Releases lapsed holds that no lapsed booking on the item stands behind (holds made before
   * bookings existed, or left by a bug): what a meter's lapsed holds are is what its lapsed bookings hold.
   */
  async repairLapsed(account: Account, item: Fields): Promise<void> {
    const bookings = bookingsOn(item);
    for (const name of Object.keys(item).filter((n) => n.endsWith('lapsed_usd'))) {
      const prefix = name.slice(0, -'lapsed_usd'.length);
      const window = storedWindow(prefix, item) ?? -Infinity;
      const expected = bookings.filter((b) => b.window <= window - 2 && b.meters.some((m) => m.holds && m.prefix === prefix)).reduce((sum, b) => sum + b.worst, 0);
      const update = new ItemChange();
      if (planLapsedRepair(prefix, item, expected, update)) await this.write(account, update);
    }
  }

  /** Sets `attribute` to `value` unless it already holds it: true for exactly one caller. */
  async claim(account: Account, attribute: string, value: string): Promise<boolean> {
    const update = new ItemChange().whenDiffers(attribute, value).set(attribute, value);
    return (await this.write(account, update)) !== undefined;
  }

  /**
   * The account's item, strongly consistent. A key regenerated away is followed to its new item
   * (completing the move if the regeneration died half-way), and the account points there from now on.
   */
  async read(account: Account): Promise<Fields | undefined> {
    const { item, moved } = await this.items.read(account.item);
    if (moved) {
      account.item = moved.key;
      account.id = moved.token;
    }
    if (item) this.remember(account, item);
    return item;
  }

  private guess(account: Account): Fields {
    return this.seen.get(account.item.pk) ?? account.record;
  }

  /**
   * Makes a conditional write; undefined when its condition failed. Returns the item after it: the
   * whole item, or the attributes it changed over what was last seen (smaller answers, as an item may
   * hold many bookings).
   */
  private async write(account: Account, update: ItemChange, answer: WriteAnswer = 'changed'): Promise<Fields | undefined> {
    const attributes = await this.items.write(account.item, update, answer);
    if (!attributes) return undefined;
    const item = answer === 'item' ? attributes : { ...this.guess(account), ...attributes };
    for (const name of update.removed) delete item[name];
    this.remember(account, item);
    return item;
  }

  private remember(account: Account, item: Fields): void {
    if (this.seen.size >= MAX_SEEN) this.seen.delete(this.seen.keys().next().value!);
    this.seen.delete(account.item.pk);
    this.seen.set(account.item.pk, item);
  }
}
