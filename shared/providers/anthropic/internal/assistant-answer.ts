// The assistant message of a Claude answer, whichever API carried it (Anthropic, Bedrock Converse):
// text, tool calls and thinking collected, and a `response_format` served by the JSON tool turned back
// into plain content. Streamed answers are built by answer-chunks.ts the same way.
import type { AssistantMessage, FinishReason, ThinkingBlock, ToolCall } from '../../../openai/types.ts';
import { JSON_TOOL_NAME } from './json-tool.ts';
import { finishReason } from './stop-reason.ts';

export interface AnswerParts {
  text: string;
  toolCalls: ToolCall[];
  thinkingBlocks: ThinkingBlock[];
  stopReason: string | null | undefined;
  /** Whether the request's response_format was sent as the JSON tool. */
  jsonTool: boolean;
}

export function assistantAnswer(parts: AnswerParts): { message: AssistantMessage; finish: FinishReason } {
  let { text, toolCalls } = parts;
  let finish = finishReason(parts.stopReason);
  const jsonAnswer = parts.jsonTool ? toolCalls.find((call) => call.function.name === JSON_TOOL_NAME) : undefined;
  if (jsonAnswer) {
    // response_format served by the JSON tool: its input is the answer, any preamble is dropped.
    text = jsonAnswer.function.arguments;
    toolCalls = toolCalls.filter((call) => call !== jsonAnswer);
    if (finish === 'tool_calls' && !toolCalls.length) finish = 'stop';
  }
  const message: AssistantMessage = { role: 'assistant', content: text || null };
  if (toolCalls.length) message.tool_calls = toolCalls;
  if (parts.thinkingBlocks.length) {
    message.reasoning_content = parts.thinkingBlocks.map((b) => (b.type === 'thinking' ? b.thinking : '')).join('');
    message.thinking_blocks = parts.thinkingBlocks;
  }
  return { message, finish };
}

/** A tool_use block (Anthropic's, Converse's toolUse) as an OpenAI tool call: its input as JSON text. */
export function toolCall(id: string, name: string, input: unknown): ToolCall {
  return { id, type: 'function', function: { name, arguments: JSON.stringify(input ?? {}) } };
}
