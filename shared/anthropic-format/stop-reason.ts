// OpenAI's finish_reason → Anthropic's stop_reason (the inverse of the anthropic provider's mapping).
import type { AnthropicStopReason } from '../providers/anthropic/types.ts';

const STOP_REASONS: Record<string, AnthropicStopReason> = {
  stop: 'end_turn',
  length: 'max_tokens',
  tool_calls: 'tool_use',
  function_call: 'tool_use',
  content_filter: 'refusal',
};

export function stopReason(finishReason: string | null | undefined): AnthropicStopReason {
  return (finishReason && STOP_REASONS[finishReason]) || 'end_turn';
}
