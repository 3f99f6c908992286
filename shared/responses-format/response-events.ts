// A whole `response` → the Responses API's streamed events, in the order a live stream sends them:
// response.created and response.in_progress; per output item its added event, its parts and deltas
// (text, refusal, function arguments, reasoning summary), its done event; then response.completed (or
// response.incomplete) carrying the whole response. For a cached answer replayed to a streamed request.
import type { EventSequence, ResponseEvent } from './stream-events.ts';
import type { ResponseItem, ResponseObject } from './types.ts';

type Part = { type: string; text?: string; refusal?: string; [key: string]: unknown };

export function* responseEvents(response: ResponseObject, sequence: EventSequence): Generator<ResponseEvent> {
  const begun = { ...response, status: 'in_progress', incomplete_details: null, output: [], usage: null };
  yield sequence.event('response.created', { response: begun });
  yield sequence.event('response.in_progress', { response: begun });
  for (const [index, item] of response.output.entries()) yield* itemEvents(item, index, sequence);
  yield sequence.event(response.status === 'incomplete' ? 'response.incomplete' : 'response.completed', { response });
}

function* itemEvents(item: ResponseItem, index: number, sequence: EventSequence): Generator<ResponseEvent> {
  const at = { item_id: item.id, output_index: index };
  if (item.type === 'message' && Array.isArray(item['content'])) {
    yield sequence.event('response.output_item.added', { output_index: index, item: { ...item, status: 'in_progress', content: [] } });
    for (const [contentIndex, part] of (item['content'] as Part[]).entries()) {
      const place = { ...at, content_index: contentIndex };
      if (part.type === 'output_text') {
        yield sequence.event('response.content_part.added', { ...place, part: { ...part, text: '', annotations: [] } });
        yield sequence.event('response.output_text.delta', { ...place, delta: part.text ?? '', logprobs: [] });
        yield sequence.event('response.output_text.done', { ...place, text: part.text ?? '', logprobs: [] });
      } else if (part.type === 'refusal') {
        yield sequence.event('response.content_part.added', { ...place, part: { ...part, refusal: '' } });
        yield sequence.event('response.refusal.delta', { ...place, delta: part.refusal ?? '' });
        yield sequence.event('response.refusal.done', { ...place, refusal: part.refusal ?? '' });
      } else {
        yield sequence.event('response.content_part.added', { ...place, part });
      }
      yield sequence.event('response.content_part.done', { ...place, part });
    }
  } else if (item.type === 'function_call') {
    const args = String(item['arguments'] ?? '');
    yield sequence.event('response.output_item.added', { output_index: index, item: { ...item, arguments: '', status: 'in_progress' } });
    yield sequence.event('response.function_call_arguments.delta', { ...at, delta: args });
    yield sequence.event('response.function_call_arguments.done', { ...at, name: item['name'], arguments: args });
  } else if (item.type === 'reasoning' && Array.isArray(item['summary'])) {
    yield sequence.event('response.output_item.added', { output_index: index, item: { ...item, summary: [] } });
    for (const [summaryIndex, part] of (item['summary'] as Part[]).entries()) {
      const place = { ...at, summary_index: summaryIndex };
      yield sequence.event('response.reasoning_summary_part.added', { ...place, part: { ...part, text: '' } });
      yield sequence.event('response.reasoning_summary_text.delta', { ...place, delta: part.text ?? '' });
      yield sequence.event('response.reasoning_summary_text.done', { ...place, text: part.text ?? '' });
      yield sequence.event('response.reasoning_summary_part.done', { ...place, part });
    }
  } else {
    // Items of other types (web search calls, ...) come whole, as their live streams end them.
    yield sequence.event('response.output_item.added', { output_index: index, item });
  }
  yield sequence.event('response.output_item.done', { output_index: index, item });
}
