// What the gateway reads of a generateContent answer (non-streamed, and each event of a stream),
// checked before the translation reads it. Loose: other fields pass. `usageMetadata` need only be an
// object here: its numbers are the pricing's to judge.
import * as z from 'zod';
import { checkedAnswer } from '../upstream-errors.ts';
import type { GenerateContentResponse } from './types.ts';

const text = z.string().nullish();
const part = z.looseObject({
  text,
  thought: z.boolean().nullish(),
  thoughtSignature: text,
  functionCall: z.looseObject({ name: z.string(), args: z.looseObject({}).nullish(), id: text }).nullish(),
});
const candidate = z.looseObject({
  content: z.looseObject({ parts: z.array(part).nullish() }).nullish(),
  finishReason: text,
  finishMessage: text,
  index: z.number().int().nonnegative().nullish(),
});
const answer = z.looseObject({
  candidates: z.array(candidate).nullish(),
  promptFeedback: z.looseObject({ blockReason: text, blockReasonMessage: text }).nullish(),
  usageMetadata: z.looseObject({}).nullish(),
  modelVersion: text,
  responseId: text,
  error: z.looseObject({ code: z.number().nullish(), message: text, status: text, details: z.array(z.looseObject({ retryDelay: text, reason: text })).nullish() }).nullish(),
});

export const checkedGenerateResponse = (value: unknown, provider: string) => checkedAnswer<GenerateContentResponse>(answer, value, provider, 'a generateContent answer');
