// Server-sent events as Tollgate writes them to clients: OpenAI's framing (`data:` lines, `[DONE]`)
// and Anthropic's (each event named). Reading an upstream's events is shared/http/sse-events.ts.
import type { GatewayError } from './errors.ts';

export const SSE_HEADERS = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' };

export function sseData(value: unknown): string {
  return `data: ${JSON.stringify(value)}\n\n`;
}

export const SSE_DONE = 'data: [DONE]\n\n';

/** A named event; `data` is already serialized (an upstream's event is forwarded as it came). */
export function sseEvent(name: string, data: string): string {
  return `event: ${name}\ndata: ${data}\n\n`;
}

/** A failure after the first byte: the status is already sent, so the error travels in-band, as LiteLLM and OpenAI send it. */
export function sseError(error: GatewayError): string {
  return sseData(error.toJSON());
}
