// Responses API texts (/v1/responses): the instructions and this turn's input items (message text,
// function calls' arguments, function call outputs) in the request; the answer's output text and
// function calls' arguments, whole, or as the events of a passed-through stream. The turns of a
// stored conversation were checked when they were made and are not checked again. Answers bridged
// from another provider's chat are checked as chat (./chat.ts) before their translation.
import type { SseEvent } from '../../http/sse-events.ts';
import type { ResponsesCall, ResponsesCommitted } from '../../endpoints/responses.ts';
import type { ResponseItem } from '../../responses-format/types.ts';
import { type AnswerTexts, eventSlots, fieldSlot, type GuardrailSurface, type TextSlot } from '../surface.ts';
import { chatAnswerTexts } from './chat.ts';

export const responsesSurface: GuardrailSurface<ResponsesCall, ResponsesCommitted> = {
  request: (call) => requestSlots(call),
  answer: (committed) => answerTexts(committed),
};

/** The request as it is sent upstream, and this turn's items as they are stored. */
function requestSlots({ request, input }: ResponsesCall): TextSlot[] {
  const instructions = typeof request.instructions === 'string' ? [fieldSlot('s', request, 'instructions')] : [];
  // The stored copy of a string input is a message item made from it: both change together.
  if (typeof request.input === 'string') return [...instructions, paired(fieldSlot('i', request, 'input'), itemSlots(input[0]!, 'i'))];
  const sent = request.input ?? [];
  // The stored items are the sent ones, or copies of them given an id: a mask goes to both.
  return [...instructions, ...sent.flatMap((item, i) => itemSlots(item, `i${i}`).map((slot, j) => paired(slot, input[i] === item ? [] : [itemSlots(input[i]!, `i${i}`)[j]!])))];
}

/** A slot read from `first` and written to it and to `copies`. */
function paired(first: TextSlot, copies: TextSlot[]): TextSlot {
  return {
    key: first.key,
    get: first.get,
    set: (text) => {
      first.set(text);
      for (const copy of copies) copy.set(text);
    },
  };
}

/** An input or output item's texts: a message's content (a string or text parts), a call's arguments, a call's output. */
function itemSlots(item: ResponseItem, key: string): TextSlot[] {
  const type = item.type ?? 'message';
  if (type === 'function_call') return [fieldSlot(`${key}.a`, item, 'arguments')];
  if (type === 'function_call_output') return textSlots(item, 'output', key);
  if (type === 'message') return textSlots(item, 'content', key);
  return [];
}

function textSlots(item: ResponseItem, field: string, key: string): TextSlot[] {
  const value = item[field];
  if (typeof value === 'string') return [fieldSlot(key, item, field)];
  if (!Array.isArray(value)) return [];
  return value.flatMap((part, j) => (part && typeof part === 'object' && typeof part.text === 'string' ? [fieldSlot(`${key}.p${j}`, part as { text: string }, 'text')] : []));
}

function answerTexts(committed: ResponsesCommitted): AnswerTexts<ResponsesCommitted> {
  if (committed.format === 'chat') {
    const texts = chatAnswerTexts(committed.chat);
    return 'whole' in texts ? texts : { stream: (check) => ({ ...committed, chat: texts.stream(check) }) };
  }
  // A cached answer is whole, even for a streamed request: checked before its events are made.
  if (committed.format === 'cached') return { whole: outputSlots(committed.response, 'o') };
  const { answer } = committed;
  if (!answer.stream) return { whole: outputSlots(answer.answer, 'o') };
  return { stream: (check) => ({ ...committed, answer: { stream: true, events: check(answer.events, streamEventSlots) } }) };
}

/** A response object's output texts (an upstream answer not yet checked against its schema: anything else holds none). */
function outputSlots(response: unknown, key: string): TextSlot[] {
  const output = (response as { output?: unknown } | null)?.output;
  if (!Array.isArray(output)) return [];
  return output.flatMap((item, i) => (item && typeof item === 'object' ? itemSlots(item as ResponseItem, `${key}${i}`) : []));
}

/**
 * A streamed event's texts: the deltas as one running text per output part, and the whole texts the
 * `.done` events and the final response repeat, each its own text, so what the client reads at the
 * end is what it read in the deltas.
 */
function streamEventSlots(event: SseEvent): TextSlot[] {
  return eventSlots(event, (data) => {
    const at = `o${data['output_index']}`;
    switch (data['type']) {
      case 'response.output_text.delta':
        return [fieldSlot(`${at}.c${data['content_index']}`, data, 'delta')];
      case 'response.function_call_arguments.delta':
        return [fieldSlot(`${at}.a`, data, 'delta')];
      case 'response.output_text.done':
        return [fieldSlot(`${at}.c${data['content_index']}.done`, data, 'text')];
      case 'response.function_call_arguments.done':
        return [fieldSlot(`${at}.a.done`, data, 'arguments')];
      case 'response.content_part.done':
        return partSlots(data, `${at}.c${data['content_index']}.part`);
      case 'response.output_item.done':
        return data['item'] && typeof data['item'] === 'object' ? itemSlots(data['item'] as ResponseItem, `${at}.item`) : [];
      default:
        return data['response'] && typeof data['response'] === 'object' ? outputSlots(data['response'], 'r') : [];
    }
  });
}

function partSlots(data: Record<string, unknown>, key: string): TextSlot[] {
  const part = data['part'] as { text?: unknown } | undefined;
  return part && typeof part.text === 'string' ? [fieldSlot(key, part as { text: string }, 'text')] : [];
}
