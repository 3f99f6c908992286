// A Converse answer → an OpenAI chat.completion. Converse answers carry no id; one is made up.
import { randomUUID } from 'node:crypto';
import type { ContentBlock, ConverseCommandOutput } from '@aws-sdk/client-bedrock-runtime';
import type { ChatCompletion, ThinkingBlock, ToolCall } from '../../openai/types.ts';
import { assistantAnswer } from '../anthropic/assistant-answer.ts';
import { finishReason } from './stop-reason.ts';
import { toUsage } from './usage.ts';

export function completionId(): string {
  return `chatcmpl-${randomUUID()}`;
}

export function toChatCompletion(output: ConverseCommandOutput, model: string, options: { jsonTool: boolean }): ChatCompletion {
  let text = '';
  const toolCalls: ToolCall[] = [];
  const thinkingBlocks: ThinkingBlock[] = [];
  for (const block of output.output?.message?.content ?? []) {
    if (block.text !== undefined) text += block.text;
    else if (block.toolUse) {
      toolCalls.push({ id: block.toolUse.toolUseId ?? '', type: 'function', function: { name: block.toolUse.name ?? '', arguments: JSON.stringify(block.toolUse.input ?? {}) } });
    } else if (block.reasoningContent) {
      thinkingBlocks.push(thinkingBlock(block.reasoningContent));
    }
    // Citations, images and other blocks have no OpenAI counterpart.
  }

  const { message: assistant, finish } = assistantAnswer({ text, toolCalls, thinkingBlocks, finish: finishReason(output.stopReason), jsonTool: options.jsonTool });
  return {
    id: completionId(),
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message: assistant, finish_reason: finish }],
    usage: toUsage(output.usage),
  };
}

/** Reasoning as LiteLLM surfaces Claude's thinking: signed text, or redacted bytes in base64. */
export function thinkingBlock(reasoning: NonNullable<ContentBlock['reasoningContent']>): ThinkingBlock {
  if (reasoning.redactedContent) return { type: 'redacted_thinking', data: Buffer.from(reasoning.redactedContent).toString('base64') };
  return { type: 'thinking', thinking: reasoning.reasoningText?.text ?? '', signature: reasoning.reasoningText?.signature ?? '' };
}
