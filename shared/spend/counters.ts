// Reserving, renewing and settling on the items themselves: one conditional write per account (all of
// its meters and the request's booking at once), planned by meter-plan.ts and sent by the store's
// counter items (shared/store/counter-items.ts). A refused write is judged by a strongly consistent
// read with the same rules: a limit that really is reached refuses the request; anything else (a new
// minute, period or hold window, counters moved by other instances, a key regenerated away) is
// retried from the fresh item.
import type { CounterItems, WriteAnswer } from '../store/counter-items.ts';
import { ItemChange } from '../store/item-change.ts';
import type { Fields } from '../store/records.ts';
import type { Account } from './accounts.ts';
import { bookingAttribute, bookingsOn, encodeBooking, type Booking } from './booking.ts';
import { bookingWindow, planLapsedRepair, planRenewal, planReservation, planSettlement, storedWindow, type Refusal } from './meter-plan.ts';
import type { BudgetCalendar } from './periods.ts';

/** Attempts before giving up on an item that keeps changing under us (in practice one or two). */
const MAX_ATTEMPTS = 8;
/** Bound on remembered items: past it the oldest go first. */
const MAX_SEEN = 10_000;

export type ReserveResult = { ok: true; state: Fields; placed: boolean } | { ok: false; refusal: Refusal; state: Fields };

export class ContendedItem extends Error {
  constructor() {
    super('the counters kept changing under every attempt');
  }
}

export class Counters {
  /** The item as it was after our last write or read: the next write's first guess. */
  private readonly seen = new Map<string, Fields>();

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
   * the item after, or undefined when the booking was settled already or the item is gone.
   */
  async settle(
    account: Account,
    booking: Booking,
    cost: number,
    tokens: number,
    { placed, recovering = false }: { placed?: boolean; recovering?: boolean } = { placed: true },
  ): Promise<Fields | undefined> {
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
