// Anthropic's stop_reason ⇄ OpenAI's finish_reason. Bedrock's Converse reports Anthropic's reasons
// for every model it serves, plus its own two for filtered answers, so one table reads both.
import type { FinishReason } from '../../../openai/types.ts';
import type { AnthropicStopReason } from './types.ts';

const FINISH_REASONS: Record<string, FinishReason> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  pause_turn: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
  refusal: 'content_filter',
  // Converse's own
  guardrail_intervened: 'content_filter',
  content_filtered: 'content_filter',
};

/** Unknown or missing reasons (Converse's malformed_model_output...) count as a normal stop. */
export function finishReason(stopReason: string | null | undefined): FinishReason {
  return (stopReason && FINISH_REASONS[stopReason]) || 'stop';
}

const STOP_REASONS: Record<string, AnthropicStopReason> = {
  stop: 'end_turn',
  length: 'max_tokens',
  tool_calls: 'tool_use',
  function_call: 'tool_use',
  content_filter: 'refusal',
};

/** The inverse, for answers in Anthropic's format (/v1/messages) from any model. */
export function stopReason(finishReason: string | null | undefined): AnthropicStopReason {
  return (finishReason && STOP_REASONS[finishReason]) || 'end_turn';
}
