// What the gateway reads of Anthropic's answers (a message, and each event of a stream), checked
// before the translation or the passthrough reads it. Loose: other fields pass; event types the
// gateway does not know pass too (Anthropic's docs ask clients to ignore them). `usage` need only be
// an object here: its numbers are the pricing's to judge.
import * as z from 'zod';
import { checkedAnswer } from '../upstream-errors.ts';
import { PROVIDER_NAME } from './errors.ts';
import type { AnthropicResponse, AnthropicStreamEvent } from './types.ts';

const text = z.string().optional();
const usage = z.looseObject({}).nullish();
const block = z.looseObject({ type: z.string(), text, id: text, name: text, thinking: text, signature: text, data: text });

const message = z.looseObject({
  type: z.literal('message'),
  id: z.string(),
  model: z.string(),
  content: z.array(block),
  stop_reason: z.string().nullish(),
  usage,
});

const EVENTS: Record<string, z.ZodType> = {
  message_start: z.looseObject({ message: z.looseObject({ id: z.string(), model: z.string(), usage }) }),
  content_block_start: z.looseObject({ index: z.number(), content_block: block }),
  content_block_delta: z.looseObject({ index: z.number(), delta: z.looseObject({ type: z.string(), text, partial_json: text, thinking: text, signature: text }) }),
  content_block_stop: z.looseObject({ index: z.number() }),
  message_delta: z.looseObject({ delta: z.looseObject({ stop_reason: z.string().nullish() }).nullish(), usage }),
  error: z.looseObject({ error: z.looseObject({ type: text, message: text }).nullish() }),
};
const event = z.looseObject({ type: z.string() });

export const checkedMessage = (answer: unknown, provider = PROVIDER_NAME) => checkedAnswer<AnthropicResponse>(message, answer, provider, 'a message');

/** One stream event's data, parsed and checked. */
export function checkedEvent(data: string, provider = PROVIDER_NAME): AnthropicStreamEvent {
  const parsed = checkedAnswer<{ type: string }>(event, JSON.parse(data), provider, 'a stream event');
  if (!Object.hasOwn(EVENTS, parsed.type)) return parsed as AnthropicStreamEvent;
  return checkedAnswer<AnthropicStreamEvent>(EVENTS[parsed.type]!, parsed, provider, `a ${parsed.type} event`);
}
