// Checks an embeddings body before anything is sent upstream, so bad input gets a 400 naming the
// field. Loose: fields not listed (user, provider-specific ones) pass through to the provider.
import * as z from 'zod';
import { invalidRequest } from '../core/invalid-request.ts';
import type { EmbeddingRequest } from './types.ts';

const INPUT_HINT = 'input must be a non-empty string, an array of strings, an array of token ids, or an array of token-id arrays';
const tokenIds = z.array(z.number().int().min(0), { error: INPUT_HINT }).min(1, INPUT_HINT);

const embeddingRequestSchema = z.looseObject({
  model: z.string({ error: 'model is required: one of the names GET /v1/models lists' }).min(1),
  input: z.union([z.string().min(1, INPUT_HINT), z.array(z.string().min(1, INPUT_HINT)).min(1, INPUT_HINT), tokenIds, z.array(tokenIds).min(1, INPUT_HINT)], { error: INPUT_HINT }),
  encoding_format: z.enum(['float', 'base64'], { error: 'encoding_format must be "float" or "base64"' }).optional(),
  dimensions: z.number({ error: 'dimensions must be a positive whole number' }).int('dimensions must be a positive whole number').positive('dimensions must be a positive whole number').optional(),
  user: z
    .string()
    .nullish()
    .transform((user) => user ?? undefined),
});

export function parseEmbeddingRequest(body: unknown): EmbeddingRequest {
  const result = embeddingRequestSchema.safeParse(body);
  if (result.success) return result.data as EmbeddingRequest;
  throw invalidRequest(result.error);
}
