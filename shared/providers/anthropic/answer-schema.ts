// What the gateway reads of Anthropic's answers (a message, each event of a stream, a token count),
// the Messages API's own and Claude's on Vertex AI alike. Only these fields are checked; other fields,
// and block, delta and event types the gateway does not read, pass as they are (Anthropic's docs ask
// clients to ignore types they do not know). Usage counts are the usage check's to judge (internal/usage.ts).
import * as z from 'zod';
import { byType } from '../upstream-answer.ts';
import { usageSchema } from './internal/usage.ts';

export const contentBlocks = byType([
  z.looseObject({ type: z.literal('text'), text: z.string() }),
  z.looseObject({ type: z.literal('tool_use'), id: z.string(), name: z.string(), input: z.unknown().optional() }),
  z.looseObject({ type: z.literal('thinking'), thinking: z.string(), signature: z.string().nullish() }),
  z.looseObject({ type: z.literal('redacted_thinking'), data: z.string() }),
]);
export type ContentBlock = z.output<typeof contentBlocks.schema>;

export const messageSchema = z.looseObject({
  type: z.literal('message'),
  id: z.string(),
  model: z.string(),
  content: z.array(contentBlocks.schema),
  stop_reason: z.string().nullish(),
  usage: usageSchema.nullish(),
});
export type MessageAnswer = z.output<typeof messageSchema>;

const index = z.number().int().nonnegative();

export const contentDeltas = byType([
  z.looseObject({ type: z.literal('text_delta'), text: z.string() }),
  z.looseObject({ type: z.literal('input_json_delta'), partial_json: z.string() }),
  z.looseObject({ type: z.literal('thinking_delta'), thinking: z.string() }),
  z.looseObject({ type: z.literal('signature_delta'), signature: z.string() }),
]);

/** `error` is also the event an error in a stream arrives as. */
export const streamEvents = byType([
  z.looseObject({ type: z.literal('message_start'), message: z.looseObject({ id: z.string(), model: z.string(), usage: usageSchema.nullish() }) }),
  z.looseObject({ type: z.literal('content_block_start'), index, content_block: contentBlocks.schema }),
  z.looseObject({ type: z.literal('content_block_delta'), index, delta: contentDeltas.schema }),
  z.looseObject({ type: z.literal('content_block_stop'), index }),
  z.looseObject({ type: z.literal('message_delta'), delta: z.looseObject({ stop_reason: z.string().nullish() }).nullish(), usage: usageSchema.nullish() }),
  z.looseObject({ type: z.literal('message_stop') }),
  z.looseObject({ type: z.literal('ping') }),
  z.looseObject({ type: z.literal('error'), error: z.looseObject({ type: z.string().optional(), message: z.string().optional() }).nullish() }),
]);
export type StreamEvent = z.output<typeof streamEvents.schema>;

export const countTokensSchema = z.looseObject({ input_tokens: z.number().int().nonnegative() });
