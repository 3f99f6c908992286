// What the gateway reads of Google's answers: a generateContent answer (each event of a stream is one
// too), a batchEmbedContents answer, and google.rpc.Status, the shape errors come in (an error body, or
// an error inside a stream). Other fields pass as they are; Vertex AI's Gemini models answer the same.
// usageMetadata's counts are the usage check's to judge (token-count.ts), not the schema's.
import * as z from 'zod';

const text = z.string().nullish();
const count = z.unknown().optional();

const part = z.looseObject({
  text,
  /** Marks a part as the model's thinking (a summary of it), not the answer. */
  thought: z.boolean().nullish(),
  /** Opaque; Gemini 3 wants it back on the function call it came with. */
  thoughtSignature: text,
  functionCall: z.looseObject({ name: z.string(), args: z.looseObject({}).nullish(), id: text }).nullish(),
  /** An image the model made (image output): base64 bytes. */
  inlineData: z.looseObject({ mimeType: text, data: text }).nullish(),
});
export type AnswerPart = z.output<typeof part>;

const candidate = z.looseObject({
  content: z.looseObject({ parts: z.array(part).nullish() }).nullish(),
  finishReason: text,
  finishMessage: text,
  index: z.number().int().nonnegative().nullish(),
});
export type Candidate = z.output<typeof candidate>;

const usageMetadata = z.looseObject({
  promptTokenCount: count,
  candidatesTokenCount: count,
  thoughtsTokenCount: count,
  cachedContentTokenCount: count,
  toolUsePromptTokenCount: count,
});
export type UsageMetadata = z.output<typeof usageMetadata>;

/** google.rpc.Status. A 429's retry hint is a RetryInfo's retryDelay ("32s"); a bad key says so in an ErrorInfo's reason. */
export const googleStatusSchema = z.looseObject({
  code: z.number().nullish(),
  message: text,
  status: text,
  // Read for hints only: details the gateway cannot read are none, never a reason to fail.
  details: z
    .array(z.looseObject({ retryDelay: z.string().optional().catch(undefined), reason: z.string().optional().catch(undefined) }))
    .nullish()
    .catch(undefined),
});
export type GoogleStatus = z.output<typeof googleStatusSchema>;

/** An error body: `{"error": {...}}`, sometimes wrapped in a one-element array. */
export const googleErrorBodySchema = z.union([
  z.looseObject({ error: googleStatusSchema.extend({ message: z.string() }) }),
  z.tuple([z.looseObject({ error: googleStatusSchema.extend({ message: z.string() }) })]).transform(([body]) => body),
]);

/** A non-streamed answer, and also each event of a streamed one; `error` only in a stream that fails after it started. */
export const generateContentSchema = z.looseObject({
  candidates: z.array(candidate).nullish(),
  promptFeedback: z.looseObject({ blockReason: text, blockReasonMessage: text }).nullish(),
  usageMetadata: usageMetadata.nullish(),
  modelVersion: text,
  responseId: text,
  error: googleStatusSchema.nullish(),
});
export type GenerateContentAnswer = z.output<typeof generateContentSchema>;

/** `:countTokens`'s answer. */
export const countTokensSchema = z.looseObject({ totalTokens: z.number().int().nonnegative() });
export type CountTokensAnswer = z.output<typeof countTokensSchema>;

export const batchEmbedContentsSchema = z.looseObject({
  embeddings: z.array(z.looseObject({ values: z.array(z.number()) })),
  /** Older models report no token count. */
  usageMetadata: z.looseObject({ promptTokenCount: count }).nullish(),
});

/** Imagen's `:predict` answer: each image as base64, or the reason the safety filter withheld it. */
export const imagenPredictSchema = z.looseObject({
  predictions: z
    .array(z.looseObject({ bytesBase64Encoded: text, mimeType: text, raiFilteredReason: text }))
    .nullish()
    .transform((predictions) => predictions ?? []),
});
