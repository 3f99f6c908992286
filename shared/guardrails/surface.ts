// Where a kind of model call keeps its text: what guardrails read and may rewrite. A kind of call
// (shared/pipeline/model-call.ts) names its surface; the pipeline's guardrail step works through it,
// the same way for chat, /v1/messages, embeddings and any later kind.
import type { SseEvent } from '../http/sse-events.ts';
import type { Usage } from '../openai/types.ts';

/** One piece of text in a request or an answer (a message, a tool call's arguments, a streamed delta), read and replaced where it is. */
export interface TextSlot {
  /** Slots of one stream with the same key are one running text (a choice's content, one tool call's arguments). */
  readonly key: string;
  get(): string;
  set(text: string): void;
}

/** A stream checked as it passes (./stream-check.ts): the items as they come, and the texts each holds. */
export type StreamCheck = <Item>(items: AsyncIterable<Item>, slots: (item: Item) => TextSlot[]) => AsyncIterable<Item>;

/** An answer's texts: a whole answer's (with the usage it reports, recorded even when the answer is refused), or a stream to check. */
export type AnswerTexts<Committed> = { whole: TextSlot[]; usage?: Usage } | { stream: (check: StreamCheck) => Committed };

export interface GuardrailSurface<Body, Committed> {
  /** The request's texts: messages, system prompts, tool results, tool calls' arguments, inputs. */
  request(body: Body): TextSlot[];
  answer(committed: Committed): AnswerTexts<Committed>;
}

/** A slot over `holder[field]`, which holds a string. */
export function fieldSlot<T extends object>(key: string, holder: T, field: keyof T & string): TextSlot {
  const record = holder as Record<string, unknown>;
  return {
    key,
    get: () => (typeof record[field] === 'string' ? record[field] : ''),
    set: (text) => {
      record[field] = text;
    },
  };
}

/** A slot over a JSON value (a tool call's `input`): read as its JSON text, written back parsed. */
export function jsonSlot<T extends object>(key: string, holder: T, field: keyof T & string): TextSlot {
  const record = holder as Record<string, unknown>;
  return {
    key,
    get: () => JSON.stringify(record[field] ?? null),
    set: (text) => {
      record[field] = JSON.parse(text);
    },
  };
}

/**
 * The texts of a streamed event whose data is JSON, found by `slotsOf` in the parsed data; a change
 * is written back into the event's data. Data that is not JSON (`[DONE]`) holds none.
 */
export function eventSlots(event: SseEvent, slotsOf: (data: Record<string, unknown>) => TextSlot[]): TextSlot[] {
  let data: unknown;
  try {
    data = JSON.parse(event.data);
  } catch {
    return [];
  }
  if (!data || typeof data !== 'object') return [];
  const parsed = data as Record<string, unknown>;
  return slotsOf(parsed).map((slot) => ({
    key: slot.key,
    get: slot.get,
    set: (text) => {
      slot.set(text);
      event.data = JSON.stringify(parsed);
    },
  }));
}
