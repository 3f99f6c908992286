// Cohere's v2 chat answer → an OpenAI chat completion: the text parts joined, tool calls as they are,
// finish reasons and usage (the tokens the model saw, else the billed ones) in OpenAI's terms.
import { completionId, createdNow } from '../../openai/completion-id.ts';
import type { ChatCompletion, FinishReason, Usage } from '../../openai/types.ts';
import { tokenCount } from '../token-count.ts';
import type { chatAnswerSchema, CohereUsage } from './answer-schema.ts';
import type * as z from 'zod';

const FINISH: Record<string, FinishReason> = { COMPLETE: 'stop', STOP_SEQUENCE: 'stop', MAX_TOKENS: 'length', TOOL_CALL: 'tool_calls' };

export function finishReason(reason: string | null | undefined): FinishReason {
  return FINISH[reason ?? ''] ?? 'stop';
}

export function toUsage(usage: CohereUsage | null | undefined): Usage {
  const counts = usage?.tokens ?? usage?.billed_units;
  const prompt = tokenCount(counts?.input_tokens);
  const completion = tokenCount(counts?.output_tokens);
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

export function toChatCompletion(answer: z.output<typeof chatAnswerSchema>, model: string): ChatCompletion {
  const text = (answer.message.content ?? []).map((part) => (part.type === 'text' ? (part.text ?? '') : '')).join('');
  const toolCalls = (answer.message.tool_calls ?? []).map((call) => ({
    id: call.id ?? completionId(),
    type: 'function' as const,
    function: { name: call.function?.name ?? '', arguments: call.function?.arguments ?? '{}' },
  }));
  return {
    id: answer.id ?? completionId(),
    object: 'chat.completion',
    created: createdNow(),
    model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: text || (toolCalls.length ? null : ''), ...(toolCalls.length ? { tool_calls: toolCalls } : {}) },
        finish_reason: finishReason(answer.finish_reason),
      },
    ],
    usage: toUsage(answer.usage),
  };
}
