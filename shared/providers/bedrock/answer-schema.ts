// What the gateway reads of Bedrock's answers. They arrive through the AWS SDK, already parsed and
// typed, but the SDK types nearly every field as optional: the fields the translation reads are
// checked here (a Converse answer, each ConverseStream event, the embedding models' InvokeModel
// bodies). Usage counts are the usage check's to judge, not the schema's.
import * as z from 'zod';

const index = z.number().int().nonnegative();
const count = z.unknown().optional();
const bytes = z.instanceof(Uint8Array);

export const usageSchema = z.looseObject({ inputTokens: count, outputTokens: count, cacheReadInputTokens: count, cacheWriteInputTokens: count });
export type ConverseUsage = z.output<typeof usageSchema>;

/** A content block holds one of these (Converse's union); others (citations, images) are not read. */
const contentBlock = z.looseObject({
  text: z.string().optional(),
  toolUse: z.looseObject({ toolUseId: z.string(), name: z.string(), input: z.unknown().optional() }).optional(),
  reasoningContent: z
    .looseObject({
      reasoningText: z.looseObject({ text: z.string(), signature: z.string().nullish() }).optional(),
      redactedContent: bytes.optional(),
    })
    .optional(),
});

export const converseSchema = z.looseObject({
  output: z.looseObject({ message: z.looseObject({ content: z.array(contentBlock) }) }),
  stopReason: z.string(),
  usage: usageSchema.nullish(),
});
export type ConverseAnswer = z.output<typeof converseSchema>;

/** One ConverseStream event: a union whose one member is set. Exceptions the SDK throws. */
export const streamEventSchema = z.looseObject({
  contentBlockStart: z
    .looseObject({
      contentBlockIndex: index,
      start: z.looseObject({ toolUse: z.looseObject({ toolUseId: z.string(), name: z.string() }).optional() }).optional(),
    })
    .optional(),
  contentBlockDelta: z
    .looseObject({
      contentBlockIndex: index,
      delta: z.looseObject({
        text: z.string().optional(),
        toolUse: z.looseObject({ input: z.string() }).optional(),
        reasoningContent: z.looseObject({ text: z.string().optional(), signature: z.string().optional(), redactedContent: bytes.optional() }).optional(),
      }),
    })
    .optional(),
  contentBlockStop: z.looseObject({ contentBlockIndex: index }).optional(),
  messageStop: z.looseObject({ stopReason: z.string() }).optional(),
  metadata: z.looseObject({ usage: usageSchema.nullish() }).optional(),
});
export type StreamEvent = z.output<typeof streamEventSchema>;

const vector = z.array(z.number());

/** amazon.titan-embed-text-*: one text, one vector. */
export const titanEmbeddingSchema = z.looseObject({ embedding: vector, inputTextTokenCount: count });

/** cohere.embed-*: a list of float vectors, or (v4, or with embedding_types) vectors by type. */
export const cohereEmbeddingSchema = z.looseObject({ embeddings: z.union([z.array(vector), z.looseObject({ float: z.array(vector) })]) });

/** Nova Canvas and Titan Image Generator: base64 images, or the reason none were made. */
export const amazonImagesSchema = z.looseObject({
  images: z
    .array(z.string())
    .nullish()
    .transform((images) => images ?? []),
  error: z
    .string()
    .nullish()
    .transform((error) => error ?? undefined),
});

/** Stability's models on Bedrock: base64 images, and per image why it was filtered (null when it was not). */
export const stabilityImagesSchema = z.looseObject({
  images: z
    .array(z.string())
    .nullish()
    .transform((images) => images ?? []),
  finish_reasons: z.array(z.string().nullable()).nullish(),
});
