// Cohere's rerank API (`/v1/rerank`, `/v2/rerank`), the shape LiteLLM serves rerank in for every
// provider: the request as the gateway checks it (a 400 naming the field), and the answer every
// provider's ranking is translated into.
import * as z from 'zod';
import { invalidRequest } from '../core/invalid-request.ts';

const nullable = <S extends z.ZodType>(schema: S) => schema.nullish().transform((value) => value ?? undefined);
const DOCUMENTS_HINT = 'documents must be a non-empty list of strings, or of objects with a "text" field';
const positive = (name: string) =>
  nullable(
    z
      .number({ error: `${name} must be a whole number from 1` })
      .int(`${name} must be a whole number from 1`)
      .min(1, `${name} must be a whole number from 1`),
  );

const rerankRequestSchema = z.looseObject({
  model: z.string({ error: 'model is required: one of the names GET /v1/models lists' }).min(1),
  query: z.string({ error: 'query is required: the search query the documents are ranked for' }).min(1, 'query must not be empty'),
  documents: z.array(z.union([z.string(), z.looseObject({ text: z.string() })], { error: DOCUMENTS_HINT }), { error: DOCUMENTS_HINT }).min(1, DOCUMENTS_HINT),
  top_n: positive('top_n'),
  return_documents: nullable(z.boolean({ error: 'return_documents must be true or false' })),
  max_chunks_per_doc: positive('max_chunks_per_doc'),
  max_tokens_per_doc: positive('max_tokens_per_doc'),
  rank_fields: nullable(z.array(z.string())),
  user: nullable(z.string()),
});

export type RerankRequest = z.output<typeof rerankRequestSchema> & Record<string, unknown>;

export function parseRerankRequest(body: unknown): RerankRequest {
  const result = rerankRequestSchema.safeParse(body);
  if (result.success) return result.data as RerankRequest;
  throw invalidRequest(result.error);
}

export interface RerankResult {
  index: number;
  relevance_score: number;
  document?: Record<string, unknown>;
}

/** Cohere's answer; `usage` carries the tokens of providers that bill by the token (Jina, Voyage, Together). */
export interface RerankResponse {
  id: string;
  results: RerankResult[];
  meta: { billed_units?: { search_units?: number; [key: string]: unknown }; [key: string]: unknown };
  usage?: { total_tokens: number };
}

/** The documents as text, for upstreams that take strings only (a document object's `text`). */
export function documentTexts(request: RerankRequest): string[] {
  return request.documents.map((document) => (typeof document === 'string' ? document : document.text));
}
