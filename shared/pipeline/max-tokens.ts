// A max_tokens above what the model can write is refused by the real APIs (the Vercel AI SDK's
// Anthropic provider sends 128000 for a model name it does not know). Each attempt lowers it to the
// chosen deployment's known maximum output and says so in a response header; a deployment whose
// maximum is unknown gets the request as it came.
import type { RequestContext } from '../core/types.ts';

export const CLAMPED_HEADER = 'x-tollgate-max-tokens-clamped';

const FIELDS = ['max_tokens', 'max_completion_tokens', 'max_output_tokens'] as const;
type WithMaxTokens = { max_tokens?: number | null; max_completion_tokens?: number | null; max_output_tokens?: number | null };

/** `body` with its output limit at most `limit`; the header names what was asked and what was sent (`128000->64000`). */
export function clampMaxTokens<T extends WithMaxTokens>(body: T, limit: number | undefined, ctx: RequestContext): T {
  // Set per attempt: after a fallback the header speaks of the deployment that answered.
  delete ctx.responseHeaders[CLAMPED_HEADER];
  if (!limit) return body;
  const field = FIELDS.find((name) => typeof body[name] === 'number' && body[name] > limit);
  if (!field) return body;
  ctx.responseHeaders[CLAMPED_HEADER] = `${body[field]}->${limit}`;
  return { ...body, [field]: limit };
}
