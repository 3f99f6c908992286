// Server-sent events from an upstream body, parsed by a real SSE parser (eventsource-parser), one
// event at a time as bytes arrive: nothing waits for the whole body.
import { createParser, type EventSourceMessage } from 'eventsource-parser';

export type SseEvent = EventSourceMessage;

export async function* sseEvents(body: AsyncIterable<Uint8Array | string>): AsyncGenerator<SseEvent> {
  const pending: SseEvent[] = [];
  const parser = createParser({ onEvent: (event) => void pending.push(event) });
  const decoder = new TextDecoder();
  for await (const chunk of body) {
    parser.feed(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
    while (pending.length) yield pending.shift()!;
  }
  parser.feed(decoder.decode());
  // A last event with no blank line after it still counts.
  parser.reset({ consume: true });
  while (pending.length) yield pending.shift()!;
}
