// One request's place on one account item while it is in flight: the attribute `in_flight:<request id>`
// that its reservation writes and its settlement removes, in the same conditional writes that move
// the counters. Whoever removes it charges the request, so a request is charged exactly once: by the
// instance serving it, or, when that instance died, by whoever recovers it (recovery.ts). Its value
// says what recovery needs: the hold window the request last renewed its lease in, the worst case
// it holds, and its meters on this item.
import type { Fields } from '../store/records.ts';
import type { Meter } from './accounts.ts';

const ATTRIBUTE_PREFIX = 'in_flight:';
/** Marks a meter entry whose counters hold the request's worst case (budget or parallel limit). */
const HOLDS = '+';

/** A request's meter on an account item, as its booking remembers it. */
export interface BookedMeter {
  prefix: string;
  /** The meter keeps holds (a budget or a parallel limit): the worst case sits in its hold counters. */
  holds: boolean;
  /** The meter counts tokens per minute (tpm): settling adds the request's tokens. */
  countsTokens: boolean;
}

export interface Booking {
  requestId: string;
  /** The hold window the request's holds and lease are in; renewing moves them to a later one. */
  window: number;
  worst: number;
  meters: BookedMeter[];
}

export function bookingAttribute(requestId: string): string {
  return `${ATTRIBUTE_PREFIX}${requestId}`;
}

export function isBookingAttribute(name: string): boolean {
  return name.startsWith(ATTRIBUTE_PREFIX);
}

export function bookedMeter(meter: Meter): BookedMeter {
  const { maxBudget, maxParallel, tpm } = meter.limits;
  return { prefix: meter.prefix, holds: maxBudget !== undefined || maxParallel !== undefined, countsTokens: tpm !== undefined };
}

/** The attribute's value: [window, worst, ...meters], a meter being its prefix, after "+" when it holds. */
export function encodeBooking(booking: Booking): unknown[] {
  return [booking.window, booking.worst, ...booking.meters.map((m) => (m.holds ? HOLDS : '') + m.prefix)];
}

/** The bookings an item holds, as recovery reads them (tokens per minute are not recounted). */
export function bookingsOn(item: Fields): Booking[] {
  const bookings: Booking[] = [];
  for (const [name, value] of Object.entries(item)) {
    if (!isBookingAttribute(name) || !Array.isArray(value)) continue;
    const [window, worst, ...meters] = value as [number, number, ...string[]];
    bookings.push({
      requestId: name.slice(ATTRIBUTE_PREFIX.length),
      window,
      worst,
      meters: meters.map((entry) => ({ prefix: entry.startsWith(HOLDS) ? entry.slice(HOLDS.length) : entry, holds: entry.startsWith(HOLDS), countsTokens: false })),
    });
  }
  return bookings;
}
