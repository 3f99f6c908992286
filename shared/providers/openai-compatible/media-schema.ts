// What the gateway reads of an OpenAI-format answer to the calls that are not chat or embeddings
// (images; audio, rerank and moderation beside them): the fields checked, every other one passed on.
import * as z from 'zod';
import { optionalCount, requiredCount } from '../token-count.ts';
import { orAbsent } from '../upstream-answer.ts';

const text = orAbsent(z.string());

/** OpenAI's images answer: each image as base64 or a URL; usage from the gpt-image models. */
export const imagesSchema = z.looseObject({
  created: orAbsent(z.number()),
  data: z.array(z.looseObject({ b64_json: text, url: text, revised_prompt: text })),
  usage: orAbsent(z.looseObject({ input_tokens: requiredCount, output_tokens: requiredCount, total_tokens: optionalCount })),
});
export type ImagesAnswer = z.output<typeof imagesSchema>;

/** A transcript as JSON: the seconds heard from `duration` (verbose_json) or `usage` (OpenAI's json, for models billed by the second). */
export const transcriptSchema = z.looseObject({
  text: z.string(),
  duration: orAbsent(z.number()),
  usage: orAbsent(z.looseObject({ type: text, seconds: orAbsent(z.number()) })),
});

/** A moderations answer: one result per input, passed on as it is. */
export const moderationSchema = z.looseObject({
  id: text,
  model: text,
  results: z.array(z.looseObject({ flagged: z.boolean() })),
});
