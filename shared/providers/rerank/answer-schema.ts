// What the gateway reads of each rerank API's answer: Cohere's (v2), Jina's (also vLLM's, Infinity's
// and Together's), Voyage's. The ranking and the billed units or tokens; other fields pass.
import * as z from 'zod';
import { optionalCount } from '../token-count.ts';
import { orAbsent } from '../upstream-answer.ts';

const result = z.looseObject({
  index: z.number().int().nonnegative(),
  relevance_score: z.number(),
  document: orAbsent(z.union([z.looseObject({ text: z.string() }), z.string()])),
});

export const cohereRerankSchema = z.looseObject({
  id: orAbsent(z.string()),
  results: z.array(result),
  meta: orAbsent(z.looseObject({ billed_units: orAbsent(z.looseObject({ search_units: optionalCount })) })),
});

export const jinaRerankSchema = z.looseObject({
  id: orAbsent(z.string()),
  results: z.array(result),
  usage: orAbsent(z.looseObject({ total_tokens: optionalCount, prompt_tokens: optionalCount })),
});

export const voyageRerankSchema = z.looseObject({
  data: z.array(result),
  usage: orAbsent(z.looseObject({ total_tokens: optionalCount })),
});
