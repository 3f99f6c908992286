// OpenAI chat's texts: every message's content (text parts too), the tool calls' arguments and the
// tool results in the request; each choice's content and tool calls' arguments in the answer, whole
// or as streamed deltas.
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest, ChatMessage, ToolCall } from '../../openai/types.ts';
import type { CommittedChat } from '../../pipeline/chat-attempt.ts';
import { type AnswerTexts, fieldSlot, type GuardrailSurface, type TextSlot } from '../surface.ts';

export const chatSurface: GuardrailSurface<ChatCompletionRequest, CommittedChat> = {
  request: (body) => chatRequestSlots(body),
  answer: (committed) => chatAnswerTexts(committed),
};

export function chatRequestSlots(body: ChatCompletionRequest): TextSlot[] {
  return body.messages.flatMap((message, i) => messageSlots(message, `m${i}`));
}

export function chatAnswerTexts(committed: CommittedChat): AnswerTexts<CommittedChat> {
  if (!committed.stream) return { whole: completionSlots(committed.completion), usage: committed.completion.usage };
  return { stream: (check) => ({ stream: true, chunks: check(committed.chunks, chunkSlots) }) };
}

function messageSlots(message: ChatMessage, key: string): TextSlot[] {
  const slots: TextSlot[] = [];
  if (typeof message.content === 'string') slots.push(fieldSlot(key, message, 'content'));
  else if (Array.isArray(message.content)) {
    message.content.forEach((part, j) => {
      if (part.type === 'text' && typeof part['text'] === 'string') slots.push(fieldSlot(`${key}.p${j}`, part, 'text'));
    });
  }
  return [...slots, ...toolCallSlots(message.tool_calls, key)];
}

function toolCallSlots(calls: ToolCall[] | undefined, key: string): TextSlot[] {
  return (calls ?? []).map((call, j) => fieldSlot(`${key}.t${j}`, call.function, 'arguments'));
}

function completionSlots(completion: ChatCompletion): TextSlot[] {
  return completion.choices.flatMap(({ index, message }) => [
    ...(typeof message.content === 'string' ? [fieldSlot(`c${index}`, message, 'content')] : []),
    ...toolCallSlots(message.tool_calls, `c${index}`),
  ]);
}

function chunkSlots(chunk: ChatCompletionChunk): TextSlot[] {
  return chunk.choices.flatMap(({ index, delta }) => [
    ...(typeof delta.content === 'string' && delta.content ? [fieldSlot(`c${index}`, delta, 'content')] : []),
    ...(delta.tool_calls ?? []).flatMap((call) => (call.function?.arguments ? [fieldSlot(`c${index}.t${call.index}`, call.function, 'arguments')] : [])),
  ]);
}
