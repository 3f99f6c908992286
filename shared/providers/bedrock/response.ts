// A Converse answer → an OpenAI chat.completion. Converse answers carry no id; one is made up.
import { randomUUID } from 'node:crypto';
import type { ContentBlock, ConverseCommandOutput } from '@aws-sdk/client-bedrock-runtime';
import type { AssistantMessage, ChatCompletion, ThinkingBlock, ToolCall } from '../../openai/types.ts';
import { JSON_TOOL_NAME } from '../anthropic/tools.ts';
import { finishReason } from './stop-reason.ts';
import { toUsage } from './usage.ts';

export function completionId(): string {
  return `chatcmpl-${randomUUID()}`;
}

export function toChatCompletion(output: ConverseCommandOutput, model: string, options: { jsonTool: boolean }): ChatCompletion {
  let text = '';
  let toolCalls: ToolCall[] = [];
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

  let finish = finishReason(output.stopReason);
  const jsonAnswer = options.jsonTool ? toolCalls.find((call) => call.function.name === JSON_TOOL_NAME) : undefined;
  if (jsonAnswer) {
    // response_format served by the JSON tool: its input is the answer, any preamble is dropped.
    text = jsonAnswer.function.arguments;
    toolCalls = toolCalls.filter((call) => call !== jsonAnswer);
    if (finish === 'tool_calls' && !toolCalls.length) finish = 'stop';
  }

  const assistant: AssistantMessage = { role: 'assistant', content: text || null };
  if (toolCalls.length) assistant.tool_calls = toolCalls;
  if (thinkingBlocks.length) {
    assistant.reasoning_content = thinkingBlocks.map((b) => (b.type === 'thinking' ? b.thinking : '')).join('');
    assistant.thinking_blocks = thinkingBlocks;
  }
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
