// Anthropic Messages' texts (/v1/messages): the system prompt, text blocks, tool_use inputs and
// tool_result contents in the request; the answer's text and tool_use blocks, whole, or as the
// content_block_delta events of a passed-through stream. Answers translated from another provider's
// chat are checked as chat (./chat.ts) before their translation.
import type { MessagesRequest } from '../../anthropic-format/request-schema.ts';
import type { MessagesCall } from '../../endpoints/messages-call.ts';
import type { SseEvent } from '../../http/sse-events.ts';
import type { CommittedChat } from '../../pipeline/chat-attempt.ts';
import type { AnthropicContentBlock } from '../../providers/anthropic/internal/types.ts';
import { toUsage } from '../../providers/anthropic/internal/usage.ts';
import type { MessagesAnswer } from '../../providers/anthropic/passthrough.ts';
import { type AnswerTexts, eventSlots, fieldSlot, type GuardrailSurface, jsonSlot, type TextSlot } from '../surface.ts';
import { chatAnswerTexts } from './chat.ts';

type Committed = { format: 'anthropic'; answer: MessagesAnswer } | { format: 'openai'; chat: CommittedChat };

export const messagesSurface: GuardrailSurface<MessagesCall, Committed> = {
  request: ({ message }) => requestSlots(message),
  answer: (committed) => answerTexts(committed),
};

function requestSlots(message: MessagesRequest): TextSlot[] {
  const system: TextSlot[] = typeof message.system === 'string' ? [fieldSlot('s', message, 'system')] : (message.system ?? []).map((block, i) => fieldSlot(`s${i}`, block, 'text'));
  return [...system, ...message.messages.flatMap((entry, i) => (typeof entry.content === 'string' ? [fieldSlot(`m${i}`, entry, 'content')] : blockSlots(entry.content, `m${i}`)))];
}

function blockSlots(blocks: AnthropicContentBlock[], key: string): TextSlot[] {
  return blocks.flatMap((block, j): TextSlot[] => {
    // A tool result's content is not checked by the request schema: anything but a block holds no text.
    if (!block || typeof block !== 'object') return [];
    const at = `${key}.b${j}`;
    if (block.type === 'text' && typeof block['text'] === 'string') return [fieldSlot(at, block, 'text')];
    if (block.type === 'tool_use') return [jsonSlot(at, block, 'input')];
    if (block.type === 'tool_result') {
      const content = block['content'];
      if (typeof content === 'string') return [fieldSlot(at, block, 'content')];
      if (Array.isArray(content)) return blockSlots(content as AnthropicContentBlock[], at);
    }
    return [];
  });
}

function answerTexts(committed: Committed): AnswerTexts<Committed> {
  if (committed.format === 'openai') {
    const texts = chatAnswerTexts(committed.chat);
    return 'whole' in texts ? texts : { stream: (check) => ({ format: 'openai', chat: texts.stream(check) }) };
  }
  const { answer } = committed;
  if (!answer.stream) {
    return { whole: blockSlots(answer.message.content as AnthropicContentBlock[], 'c'), usage: toUsage(answer.message.usage) };
  }
  return { stream: (check) => ({ format: 'anthropic', answer: { stream: true, events: check(answer.events, messageEventSlots) } }) };
}

/** A content_block_delta's text or partial tool input, rewritten into the event's data when changed. */
function messageEventSlots(event: SseEvent): TextSlot[] {
  if (event.event !== 'content_block_delta') return [];
  return eventSlots(event, (data) => {
    const delta = data['delta'] as { type: string; text?: string; partial_json?: string };
    const field = delta.type === 'text_delta' ? 'text' : delta.type === 'input_json_delta' ? 'partial_json' : undefined;
    return field ? [fieldSlot(`b${data['index']}`, delta, field)] : [];
  });
}
