// Claude's extended thinking ⇄ OpenAI's reasoning: reasoning_effort as a thinking config (and the
// max_tokens it needs), thinking config as reasoning_effort, and thinking blocks both ways. Anthropic,
// Claude on Bedrock and /v1/messages answers from other models all go through here.
import type { ChatCompletionRequest, ThinkingBlock } from '../../../openai/types.ts';
import { usesAdaptiveThinking } from './models.ts';
import type { AnthropicContentBlock, AnthropicOutputConfig, AnthropicThinkingConfig } from './types.ts';

/**
 * Anthropic requires max_tokens; OpenAI does not. LiteLLM sends 4096 when the client gives none,
 * and so does Tollgate: enough for most answers, accepted by every Claude model.
 */
export const DEFAULT_MAX_TOKENS = 4096;

/** LiteLLM's reasoning_effort → thinking budget (minimal counts as low: 1024 is Anthropic's floor). */
export const THINKING_BUDGETS = { minimal: 1024, low: 1024, medium: 2048, high: 4096 } as const;

export interface Thinking {
  config?: AnthropicThinkingConfig;
  /** Tokens set aside for thinking, when known; max_tokens must exceed it. */
  budget?: number;
  /** The budget came from reasoning_effort, so the client's max_tokens meant the answer alone. */
  fromEffort: boolean;
}

/**
 * `thinking` given directly wins. Otherwise reasoning_effort maps to a thinking budget (LiteLLM's
 * mapping); on Claude 4.6+, which think adaptively and (4.7+) refuse budgets, to adaptive thinking
 * with output_config.effort instead. `none` means no thinking.
 */
export function thinkingFor(request: ChatCompletionRequest, outputConfig: AnthropicOutputConfig): Thinking {
  const given = request['thinking'];
  if (given && typeof given === 'object') {
    const config = given as AnthropicThinkingConfig;
    return { config, budget: config.type === 'enabled' ? Number(config['budget_tokens']) || undefined : undefined, fromEffort: false };
  }
  const effort = request.reasoning_effort;
  if (!effort || effort === 'none') return { fromEffort: false };
  const budget = THINKING_BUDGETS[effort];
  if (usesAdaptiveThinking(request.model)) {
    outputConfig.effort ??= effort === 'minimal' ? 'low' : effort;
    return { config: { type: 'adaptive' }, budget, fromEffort: true };
  }
  return { config: { type: 'enabled', budget_tokens: budget }, budget, fromEffort: true };
}

/**
 * max_completion_tokens, else max_tokens, else the default; with thinking and no limit given, the
 * budget plus the default (as LiteLLM). A limit at or below a budget Tollgate chose is taken to
 * be for the answer, and the budget is added to it, since Anthropic wants max_tokens > budget.
 */
export function maxTokensFor(request: ChatCompletionRequest, thinking: Thinking): number {
  const given = request.max_completion_tokens ?? request.max_tokens ?? undefined;
  const budget = thinking.budget ?? 0;
  if (given === undefined) return DEFAULT_MAX_TOKENS + budget;
  if (thinking.fromEffort && thinking.config?.type === 'enabled' && given <= budget) return given + budget;
  return given;
}

/**
 * The inverse, for /v1/messages requests to other models. Enabled thinking: the inverse of the budget
 * mapping above, so a round trip keeps the level. Adaptive thinking: `output_config.effort`
 * (Anthropic's `max` is the most OpenAI's scale has, `high`), else `medium`, as LiteLLM maps it.
 */
export function reasoningEffort(thinking: { type: string; [key: string]: unknown } | undefined, effort: string | undefined): ChatCompletionRequest['reasoning_effort'] {
  if (thinking?.type === 'adaptive') return effort === 'low' || effort === 'medium' || effort === 'high' ? effort : effort === 'max' ? 'high' : 'medium';
  if (thinking?.type !== 'enabled') return undefined;
  const budget = Number(thinking['budget_tokens']) || 0;
  return budget >= THINKING_BUDGETS.high ? 'high' : budget >= THINKING_BUDGETS.medium ? 'medium' : 'low';
}

/** A thinking block as Anthropic takes it back: signed text (the signature is required), or redacted data. */
export function toAnthropicThinking(block: ThinkingBlock): AnthropicContentBlock {
  if (block.type === 'redacted_thinking') return { type: 'redacted_thinking', data: block.data };
  return { type: 'thinking', thinking: block.thinking, signature: block.signature ?? '' };
}
