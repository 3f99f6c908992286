// A Converse answer → an OpenAI chat.completion. Converse answers carry no id; one is made up.
import { completionId, createdNow } from '../../openai/completion-id.ts';
import type { ChatCompletion, ThinkingBlock, ToolCall } from '../../openai/types.ts';
import { assistantAnswer, toolCall } from '../anthropic/internal/assistant-answer.ts';
import type { ConverseAnswer } from './answer-schema.ts';
import { toUsage } from './usage.ts';

type Reasoning = NonNullable<ConverseAnswer['output']['message']['content'][number]['reasoningContent']>;

export function toChatCompletion(answer: ConverseAnswer, model: string, options: { jsonTool: boolean }): ChatCompletion {
  let text = '';
  const toolCalls: ToolCall[] = [];
  const thinkingBlocks: ThinkingBlock[] = [];
  for (const block of answer.output.message.content) {
    if (block.text !== undefined) text += block.text;
    else if (block.toolUse) toolCalls.push(toolCall(block.toolUse.toolUseId, block.toolUse.name, block.toolUse.input));
    else if (block.reasoningContent) thinkingBlocks.push(thinkingBlock(block.reasoningContent));
    // Citations, images and other blocks have no OpenAI counterpart.
  }

  const { message: assistant, finish } = assistantAnswer({ text, toolCalls, thinkingBlocks, stopReason: answer.stopReason, jsonTool: options.jsonTool });
  return {
    id: completionId(),
    object: 'chat.completion',
    created: createdNow(),
    model,
    choices: [{ index: 0, message: assistant, finish_reason: finish }],
    usage: toUsage(answer.usage),
  };
}

/** Reasoning as LiteLLM surfaces Claude's thinking: signed text, or redacted bytes in base64. */
function thinkingBlock(reasoning: Reasoning): ThinkingBlock {
  if (reasoning.redactedContent) return { type: 'redacted_thinking', data: redactedData(reasoning.redactedContent) };
  return { type: 'thinking', thinking: reasoning.reasoningText?.text ?? '', signature: reasoning.reasoningText?.signature ?? '' };
}

export function redactedData(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}
