// A token count an upstream reported, as a number to add up: anything that is not a number (a string,
// an object) is NaN, never an exception mid-sum, so the usage check (shared/pricing/usage-check.ts)
// finds it and the request is charged an estimate instead.
import * as z from 'zod';

/** Absent is 0: for usage the gateway translates (Anthropic's, Gemini's), whose counts may be left out. */
export function tokenCount(value: unknown): number {
  if (value === undefined || value === null) return 0;
  return typeof value === 'number' ? value : Number.NaN;
}

/**
 * Counts in usage the gateway passes on as it reads it (the OpenAI format), read by the answer's
 * schema and judged by the usage check, not by the schema. A count OpenAI's usage always has is NaN
 * when absent; any other stays absent.
 */
export const requiredCount = z
  .unknown()
  .optional()
  .transform((value) => (typeof value === 'number' ? value : Number.NaN));
export const optionalCount = z
  .unknown()
  .optional()
  .transform((value) => (value === undefined || value === null ? undefined : tokenCount(value)));
