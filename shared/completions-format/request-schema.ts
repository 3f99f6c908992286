// Checks a POST /v1/completions body (OpenAI's legacy text completions) before anything is sent
// upstream, so bad input gets a 400 naming the field. Loose: fields not listed pass through (to
// OpenAI-family deployments untouched; the bridge to chat decides about the others).
import * as z from 'zod';
import { invalidRequest } from '../core/invalid-request.ts';

export interface TextCompletionRequest {
  model: string;
  /** One prompt, several, or token ids (one list, or one list a prompt). */
  prompt: string | string[] | number[] | number[][];
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  max_tokens?: number;
  n?: number;
  best_of?: number;
  suffix?: string;
  echo?: boolean;
  logprobs?: number;
  user?: string;
  [key: string]: unknown;
}

const textCompletionRequestSchema = z.looseObject({
  model: z.string({ error: 'model is required: one of the names GET /v1/models lists' }).min(1),
  prompt: z.union([z.string(), z.array(z.string()), z.array(z.number().int()), z.array(z.array(z.number().int()))], {
    error: 'prompt is required: a string, a list of strings, a list of token ids, or a list of such lists',
  }),
  stream: z.boolean().optional(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).optional(),
  max_tokens: z.number().int().positive().optional(),
  n: z.number().int().positive().optional(),
  best_of: z.number().int().positive().optional(),
  temperature: z.number().min(0).max(2).optional(),
  top_p: z.number().min(0).max(1).optional(),
  stop: z.union([z.string(), z.array(z.string())]).optional(),
  suffix: z.string().optional(),
  echo: z.boolean().optional(),
  logprobs: z.number().int().min(0).max(5).optional(),
  // The end user: it names a customer item, so it must be text.
  user: z.string().optional(),
  mock_response: z.string().optional(),
  drop_params: z.boolean().optional(),
});

/** An explicit `null` in a top-level field means the field is absent, as LiteLLM treats it (and it is not sent on). */
export function parseTextCompletionRequest(body: Record<string, unknown>): TextCompletionRequest {
  const present = Object.fromEntries(Object.entries(body).filter(([, value]) => value !== null));
  const result = textCompletionRequestSchema.safeParse(present);
  if (result.success) return result.data as TextCompletionRequest;
  throw invalidRequest(result.error);
}

/** The prompts as text, for estimates (token ids count as one character each, which errs low only for ids; they are measured by count). */
export function promptTexts(request: TextCompletionRequest): string[] {
  const { prompt } = request;
  if (typeof prompt === 'string') return [prompt];
  return prompt.map((item) => (typeof item === 'string' ? item : Array.isArray(item) ? item.join(' ') : String(item)));
}
