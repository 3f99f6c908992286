// What the gateway reads of Cohere's v2 answers: a chat answer, the events of a chat stream, an embed
// answer, and an error body. Other fields pass as they are; token counts are the usage check's to judge.
import * as z from 'zod';

const text = z.string().nullish();
const count = z.unknown().optional();

const toolCall = z.looseObject({ id: text, type: text, function: z.looseObject({ name: text, arguments: text }).nullish() });

const usage = z.looseObject({
  billed_units: z.looseObject({ input_tokens: count, output_tokens: count }).nullish(),
  tokens: z.looseObject({ input_tokens: count, output_tokens: count }).nullish(),
});
export type CohereUsage = z.output<typeof usage>;

export const chatAnswerSchema = z.looseObject({
  id: text,
  finish_reason: text,
  message: z.looseObject({
    content: z.array(z.looseObject({ type: z.string(), text })).nullish(),
    tool_calls: z.array(toolCall).nullish(),
  }),
  usage: usage.nullish(),
});

/** One event of a v2 chat stream: `message-start`, `content-delta`, `tool-call-start`, `tool-call-delta`, `message-end`, ... */
export const streamEventSchema = z.looseObject({
  type: z.string(),
  id: text,
  index: z.number().int().nonnegative().nullish(),
  delta: z
    .looseObject({
      // `message-start` opens with empty lists here; the delta events hold one object.
      message: z.looseObject({ content: z.union([z.looseObject({ text }), z.array(z.unknown())]).nullish(), tool_calls: z.union([toolCall, z.array(z.unknown())]).nullish() }).nullish(),
      finish_reason: text,
      usage: usage.nullish(),
      error: text,
    })
    .nullish(),
});

export const embedAnswerSchema = z.looseObject({
  embeddings: z.looseObject({ float: z.array(z.array(z.number())) }),
  meta: z.looseObject({ billed_units: z.looseObject({ input_tokens: count }).nullish() }).nullish(),
});

export const errorBodySchema = z.looseObject({ message: z.string() });
