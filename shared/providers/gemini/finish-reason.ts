// Gemini's finishReason → OpenAI's finish_reason. Reasons that mean a safety or policy filter
// stopped the answer are "flagged": with nothing generated they become a 400 content_policy_violation.
import type { FinishReason } from '../../openai/types.ts';

const FLAGGED = new Set(['SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII', 'IMAGE_SAFETY']);

export function isFlagged(reason: string | null | undefined): boolean {
  return !!reason && FLAGGED.has(reason);
}

/** A candidate that called functions finished for tool_calls, whatever Gemini says (it says STOP). */
export function finishReason(reason: string | null | undefined, calledTools: boolean): FinishReason {
  if (calledTools) return 'tool_calls';
  if (reason === 'MAX_TOKENS') return 'length';
  if (isFlagged(reason)) return 'content_filter';
  return 'stop';
}
