// post_call guardrails on a stream, without holding the whole answer: items are held until their text
// reaches a segment's length (or an item without text, such as the finish, arrives), then the
// segment is checked, with the tail of what was already sent before it so that a match across the
// boundary is still seen, and released. A block ends the stream (the caller turns the error into the
// format's in-band error event). A mask rewrites the held items' text; the last word of a segment is
// held back for the next one, so a value split across chunks is masked whole. A mask that would
// change text already sent cannot be honoured: that ends the stream as a block.
import type { StreamCheck, TextSlot } from './surface.ts';

/** Runs the guardrails on one text per running text; `sent[i]` characters at the start of `texts[i]` are out already and must not change. */
export type SegmentCheck = (texts: string[], sent: number[]) => Promise<string[]>;

/** How much already-sent text goes with each segment: longer than any value a detector masks whole. */
const OVERLAP_CHARS = 256;
/** The most a held-back last word may hold; a longer run without spaces is released. */
const HOLD_BACK_CHARS = 128;

interface Held<Item> {
  item: Item;
  slots: TextSlot[];
}

export function streamCheck(check: SegmentCheck, segmentChars: number): StreamCheck {
  return async function* checked<Item>(items: AsyncIterable<Item>, slotsOf: (item: Item) => TextSlot[]): AsyncGenerator<Item> {
    /** Per running text, the tail of what was sent. */
    const sent = new Map<string, string>();
    let held: Array<Held<Item>> = [];
    /** Characters held since the last check. */
    let unchecked = 0;

    async function* release(final: boolean): AsyncGenerator<Item> {
      if (!held.length) return;
      const keys = [...new Set(held.flatMap(({ slots }) => slots.map((slot) => slot.key)))];
      const before = keys.map((key) => sent.get(key) ?? '');
      const texts = keys.map((key, i) => before[i] + textOf(held, key, 0));
      const results = await check(
        texts,
        before.map((text) => text.length),
      );
      unchecked = 0;
      let keep = final ? held.length : holdBackFrom(held);
      // A mask that reaches into the held-back words: release everything, masked as checked.
      if (keys.some((key, i) => results[i] !== texts[i] && !results[i]!.endsWith(textOf(held, key, keep)))) keep = held.length;
      keys.forEach((key, i) => {
        const result = results[i]!;
        if (result !== texts[i]) {
          const tail = textOf(held, key, keep);
          const slots = slotsIn(held.slice(0, keep), key);
          const [first, ...rest] = slots.length ? slots : slotsIn(held, key);
          first!.set(result.slice(before[i]!.length, result.length - tail.length));
          for (const slot of rest) slot.set('');
        }
        sent.set(key, (before[i] + textOf(held.slice(0, keep), key, 0)).slice(-OVERLAP_CHARS));
      });
      const out = held.slice(0, keep);
      held = held.slice(keep);
      for (const { item } of out) yield item;
    }

    for await (const item of items) {
      const slots = slotsOf(item);
      if (!slots.length) {
        yield* release(true);
        yield item;
        continue;
      }
      held.push({ item, slots });
      unchecked += slots.reduce((n, slot) => n + slot.get().length, 0);
      if (unchecked >= segmentChars) yield* release(false);
    }
    yield* release(true);
  };
}

function slotsIn<Item>(held: Array<Held<Item>>, key: string): TextSlot[] {
  return held.flatMap(({ slots }) => slots.filter((slot) => slot.key === key));
}

/** The running text `key` holds in `held` from item `from` on. */
function textOf<Item>(held: Array<Held<Item>>, key: string, from: number): string {
  return slotsIn(held.slice(from), key)
    .map((slot) => slot.get())
    .join('');
}

function heldChars<Item>(held: Array<Held<Item>>): number {
  return held.reduce((sum, { slots }) => sum + slots.reduce((n, slot) => n + slot.get().length, 0), 0);
}

/** The index from which items are held back: the item where the last word starts, if that leaves something to send and the word is short. */
function holdBackFrom<Item>(held: Array<Held<Item>>): number {
  for (let i = held.length - 1; i > 0; i--) {
    const { slots } = held[i]!;
    if (slots.some((slot) => /\s/.test(slot.get()))) {
      return heldChars(held.slice(i)) <= HOLD_BACK_CHARS ? i : held.length;
    }
  }
  return held.length;
}
