// What the gateway reads of a Hugging Face text-generation (TGI) container's answers on SageMaker:
// `[{generated_text, details}]` (or one object), and a stream's token events. Counts are the usage
// check's to judge.
import * as z from 'zod';

const details = z.looseObject({ finish_reason: z.string().nullish(), generated_tokens: z.unknown().optional() }).nullish();
const generation = z.looseObject({ generated_text: z.string(), details });

export const generationSchema = z.union([z.array(generation).min(1), generation]);

export const tokenEventSchema = z.looseObject({
  token: z.looseObject({ text: z.string(), special: z.boolean().nullish() }).nullish(),
  generated_text: z.string().nullish(),
  details,
});
