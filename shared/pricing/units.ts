// Calls priced in units other than tokens, with LiteLLM's price fields: images made (per image, or
// per pixel as DALL·E is listed), seconds of audio heard, characters spoken, rerank searches. A call
// reports the units it used beside (or instead of) tokens; each is priced at the model's rate for it,
// and a model with no rate for a unit is not charged for it.
import type { ModelPrice } from './types.ts';

export interface UnitUsage {
  /** Images made. */
  images?: number;
  /** Their pixels, all images together (width × height each). */
  pixels?: number;
  /** Seconds of audio transcribed or translated. */
  seconds?: number;
  /** Characters of text spoken. */
  characters?: number;
  /** Rerank search units (Cohere's: one query over up to 100 documents). */
  searches?: number;
}

export const UNIT_NAMES = ['images', 'pixels', 'seconds', 'characters', 'searches'] as const satisfies ReadonlyArray<keyof UnitUsage>;

/** The price field for each unit, as LiteLLM's model_prices_and_context_window.json names it. */
export const UNIT_PRICE_FIELDS = {
  images: 'output_cost_per_image',
  pixels: 'input_cost_per_pixel',
  seconds: 'input_cost_per_second',
  characters: 'input_cost_per_character',
  searches: 'input_cost_per_query',
} as const satisfies Record<keyof UnitUsage, keyof ModelPrice>;

/** USD for `units` at `price`, before rounding (shared/pricing/cost.ts adds it to the tokens'). */
export function unitCost(units: UnitUsage | undefined, price: ModelPrice): number {
  if (!units) return 0;
  let cost = 0;
  for (const unit of UNIT_NAMES) cost += (units[unit] ?? 0) * (price[UNIT_PRICE_FIELDS[unit]] ?? 0);
  return cost;
}

/** Which of `used` is more than the request could use (`possible`), for the message; undefined when none. */
export function unitFault(used: UnitUsage, possible: UnitUsage | undefined): string | undefined {
  for (const unit of UNIT_NAMES) {
    const value = used[unit];
    if (value === undefined) continue;
    if (!(Number.isFinite(value) && value >= 0)) return `${unit} is ${JSON.stringify(value)}, not a number ≥ 0`;
    const most = possible?.[unit];
    if (most !== undefined && value > most) return `${unit} ${value} is more than this request can use (${most})`;
  }
  return undefined;
}
