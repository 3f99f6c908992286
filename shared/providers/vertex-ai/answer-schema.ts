// What the gateway reads of Vertex AI's own answers: `:predict` for its text-embedding models, and the
// OAuth token endpoint's answer. Gemini and Claude models answer in their own families' formats
// (../gemini/answer-schema.ts, ../anthropic/answer-schema.ts).
import * as z from 'zod';

export const predictEmbeddingsSchema = z.looseObject({
  predictions: z.array(
    z.looseObject({
      embeddings: z.looseObject({
        values: z.array(z.number()),
        /** The usage check judges the count (token-count.ts). */
        statistics: z.looseObject({ token_count: z.unknown().optional() }).nullish(),
      }),
    }),
  ),
});

/** RFC 6749's token answer; `expires_in` is optional there (Google's tokens then live an hour). */
export const tokenAnswerSchema = z.looseObject({
  access_token: z.string().min(1),
  expires_in: z.number().positive().nullish().catch(undefined),
});

/** OAuth errors are `{"error": "invalid_grant", "error_description": "..."}`. */
export const tokenErrorSchema = z.looseObject({ error: z.string(), error_description: z.string().optional().catch(undefined) });
