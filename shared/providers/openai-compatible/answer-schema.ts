// What the gateway reads of an OpenAI-format answer (a chat.completion, one chat.completion.chunk, an
// embeddings list) that an upstream sends and the gateway passes on as it is: these fields are
// checked, every other field passes. `null` in an optional field is absent. Usage counts are the
// usage check's to judge (token-count.ts), not the schema's.
import * as z from 'zod';
import { optionalCount, requiredCount } from '../token-count.ts';
import { orAbsent } from '../upstream-answer.ts';

const text = orAbsent(z.string());
const finishReason = z
  .string()
  .nullish()
  .transform((reason) => reason ?? null);
const thinkingBlocks = orAbsent(
  z.array(
    z.discriminatedUnion('type', [z.looseObject({ type: z.literal('thinking'), thinking: z.string(), signature: text }), z.looseObject({ type: z.literal('redacted_thinking'), data: z.string() })]),
  ),
);

/** OpenAI's usage: prompt and completion always, the rest when the upstream reports it; a missing total is their sum. */
const usage = orAbsent(
  z
    .looseObject({
      prompt_tokens: requiredCount,
      completion_tokens: requiredCount,
      total_tokens: optionalCount,
      prompt_tokens_details: orAbsent(z.looseObject({ cached_tokens: optionalCount })),
      completion_tokens_details: orAbsent(z.looseObject({ reasoning_tokens: optionalCount })),
      cache_creation_input_tokens: optionalCount,
      cache_read_input_tokens: optionalCount,
    })
    .transform((counts) => ({ ...counts, total_tokens: counts.total_tokens ?? counts.prompt_tokens + counts.completion_tokens })),
);

const message = z.looseObject({
  role: z.literal('assistant').default('assistant'),
  content: z
    .string()
    .nullish()
    .transform((content) => content ?? null),
  reasoning_content: text,
  thinking_blocks: thinkingBlocks,
  tool_calls: orAbsent(
    z.array(
      z.looseObject({
        id: z.string(),
        type: z.literal('function').default('function'),
        function: z.looseObject({ name: z.string(), arguments: z.string() }),
      }),
    ),
  ),
});

export const completionSchema = z.looseObject({
  id: text,
  created: orAbsent(z.number()),
  model: text,
  choices: z.array(z.looseObject({ index: orAbsent(z.number().int().nonnegative()), message, finish_reason: finishReason })),
  usage,
});
export type CompletionAnswer = z.output<typeof completionSchema>;

const delta = z.looseObject({
  content: z.string().nullish(),
  reasoning_content: text,
  thinking_blocks: thinkingBlocks,
  tool_calls: orAbsent(
    z.array(
      z.looseObject({
        index: orAbsent(z.number().int().nonnegative()),
        id: text,
        type: orAbsent(z.literal('function')),
        function: orAbsent(z.looseObject({ name: text, arguments: text })),
      }),
    ),
  ),
});

export const chunkSchema = z.looseObject({
  id: text,
  created: orAbsent(z.number()),
  model: text,
  // Some servers (vLLM) send the usage-only chunk with `choices: null`.
  choices: z
    .array(z.looseObject({ index: orAbsent(z.number().int().nonnegative()), delta, finish_reason: finishReason }))
    .nullish()
    .transform((choices) => choices ?? []),
  usage,
});
export type ChunkAnswer = z.output<typeof chunkSchema>;

/** An error event in a stream: `{"error": {...}}` or `{"error": "..."}`, read by parseErrorBody. */
export const inBandErrorSchema = z.looseObject({ error: z.union([z.looseObject({}), z.string().min(1)]) });

/** Some local servers leave usage out: spend then records zero tokens rather than failing the request. */
export const embeddingsSchema = z.looseObject({
  data: z.array(z.looseObject({ index: orAbsent(z.number().int().nonnegative()), embedding: z.union([z.array(z.number()), z.string()]) })),
  model: text,
  usage: orAbsent(z.looseObject({ prompt_tokens: requiredCount, total_tokens: optionalCount })),
});
export type EmbeddingsAnswer = z.output<typeof embeddingsSchema>;

/** OpenAI's Responses API usage: input and output always, the details when reported. */
const responseUsage = orAbsent(
  z.looseObject({
    input_tokens: requiredCount,
    output_tokens: requiredCount,
    total_tokens: optionalCount,
    input_tokens_details: orAbsent(z.looseObject({ cached_tokens: optionalCount })),
    output_tokens_details: orAbsent(z.looseObject({ reasoning_tokens: optionalCount })),
  }),
);

/** A `response` object of the Responses API (a whole answer, or the one a lifecycle event carries). */
export const responseSchema = z.looseObject({
  id: z.string(),
  status: text,
  output: z.array(z.looseObject({ type: z.string() })),
  usage: responseUsage,
});
export type ResponseAnswer = z.output<typeof responseSchema>;

/** One streamed event of the Responses API: its type, and the response lifecycle events carry. */
export const responseEventSchema = z.looseObject({ type: z.string(), response: orAbsent(responseSchema) });
export type ResponseEventAnswer = z.output<typeof responseEventSchema>;

/** A legacy text_completion, whole or one streamed chunk (whose usage-only chunk has no choices). */
export const textCompletionSchema = z.looseObject({
  id: text,
  choices: z
    .array(z.looseObject({ index: orAbsent(z.number().int().nonnegative()), text: z.string(), finish_reason: finishReason }))
    .nullish()
    .transform((choices) => choices ?? []),
  usage,
});
export type TextCompletionAnswer = z.output<typeof textCompletionSchema>;
