// MCP tools in a streamed chat or Responses request (`stream: true`), as LiteLLM streams them: each
// model round is streamed to the client as its events arrive (nothing of an answer is held but the
// event that ends a round); when a round ends with calls of the request's MCP tools, the gateway runs
// them and streams the next round, up to MAX_ROUNDS. The client sees one stream: on chat, every round's
// chunks and one `[DONE]`; on Responses, one response.created, every round's items (numbered on), an
// `mcp_call` item per call the gateway ran (output_item.added, response.mcp_call.*, output_item.done),
// and one response.completed holding them all. Each round is its own request to the gateway, so each
// is metered and recorded before its last event; a client that leaves aborts the round under way,
// which is charged for what it sent (shared/pipeline/answer-stream.ts).
import { textOf } from '../core/loopback.ts';
import { SSE_DONE, sseData, sseEvent } from '../core/sse.ts';
import type { GatewayResponse, Reply } from '../core/types.ts';
import { type SseEvent, sseEvents } from '../http/sse-events.ts';
import { itemId } from '../responses-format/item-ids.ts';
import { MAX_ROUNDS, modelInput, type ToolLoop, type ToolLoopFormat, type ToolLoopStream } from './tool-loop.ts';

export async function streamedToolLoop(loop: ToolLoop, format: ToolLoopFormat): Promise<Reply> {
  const first = await loop.round(loop.first);
  // A refusal (or an answer that is not a stream) before anything is sent: the client's as it came.
  if (first.status !== 200 || typeof first.body === 'string') {
    try {
      return { status: first.status, headers: first.headers, body: await textOf(first.body) };
    } finally {
      await first.done();
    }
  }
  return { status: 200, headers: first.headers, body: rounds(first, loop, format) };
}

async function* rounds(first: GatewayResponse, loop: ToolLoop, format: ToolLoopFormat): AsyncGenerator<string> {
  const stream = format.stream();
  let response = first;
  let sent = loop.first;
  for (let round = 1; ; round++) {
    let end: { event: SseEvent; answer: Record<string, unknown> } | undefined;
    try {
      for await (const event of sseEvents(response.body as AsyncIterable<string | Uint8Array>)) {
        const answer = stream.read(event);
        // The event that ends the round waits: it is sent only if no round follows.
        if (answer) end = { event, answer };
        else yield* optional(stream.frame(event, round));
      }
    } finally {
      await response.done();
    }
    // A round cut short (an in-band error) ends the stream as it came.
    if (!end) return;
    const toRun = loop.toRun(format.calls(end.answer));
    if (!toRun.length || round === MAX_ROUNDS) return yield* optional(stream.frame(end.event, round));
    stream.continued(end.answer);
    const results = [];
    for (const { call, fn } of toRun) {
      const events = stream.toolCall(call, fn);
      yield* events.started;
      const result = await fn.run(call.arguments);
      yield* events.finished(result);
      results.push({ id: call.id, output: modelInput(result) });
    }
    // A client that left gets no more model calls made for it.
    if (loop.signal.aborted) return;
    sent = format.next(sent, end.answer, results);
    response = await loop.round(sent);
    if (response.status !== 200 || typeof response.body === 'string') {
      try {
        return yield stream.refused(await textOf(response.body));
      } finally {
        await response.done();
      }
    }
  }
}

function optional(frame: string | undefined): string[] {
  return frame === undefined ? [] : [frame];
}

interface ToolCallDelta {
  index: number;
  id?: string;
  function?: { name?: string; arguments?: string };
}
type Chunk = { choices?: Array<{ delta?: { content?: string | null; tool_calls?: ToolCallDelta[] } }> };

/** Chat: every round's chunks as they came, one `[DONE]` at the end; the round's message put together from its deltas. */
export function CHAT_STREAM(): ToolLoopStream {
  let content = '';
  let calls: Array<{ id: string; type: 'function'; function: { name: string; arguments: string } }> = [];
  return {
    read(event) {
      if (event.data !== '[DONE]') {
        const delta = (JSON.parse(event.data) as Chunk).choices?.[0]?.delta;
        content += delta?.content ?? '';
        for (const part of delta?.tool_calls ?? []) {
          const call = (calls[part.index] ??= { id: '', type: 'function', function: { name: '', arguments: '' } });
          call.id ||= part.id ?? '';
          call.function.name += part.function?.name ?? '';
          call.function.arguments += part.function?.arguments ?? '';
        }
        return undefined;
      }
      const message = { role: 'assistant', content: content || null, ...(calls.length && { tool_calls: calls.filter(Boolean) }) };
      content = '';
      calls = [];
      return { choices: [{ message }] };
    },
    frame: (event) => (event.data === '[DONE]' ? SSE_DONE : `data: ${event.data}\n\n`),
    continued: () => {},
    toolCall: () => ({ started: [], finished: () => [] }),
    refused: (body) => sseData(JSON.parse(body)),
  };
}

type ResponsesEvent = { type: string; sequence_number?: number; output_index?: number; response?: { id?: string; output?: unknown[] } };

/** Responses: one response to the client, every round's events numbered on, the calls the gateway ran as `mcp_call` items. */
export function RESPONSES_STREAM(): ToolLoopStream {
  let sequence = 0;
  /** The id the client's stream started with: a stream is one response (OpenAI's SDK refuses another id in it), as LiteLLM streams it. */
  let id: string | undefined;
  /** Output items of earlier rounds and of the calls run: a round's output indexes follow them, and the last response holds them all. */
  const earlier: unknown[] = [];
  const event = (type: string, fields: Record<string, unknown>) => sseEvent(type, JSON.stringify({ type, sequence_number: sequence++, ...fields }));
  return {
    read(e) {
      const parsed = JSON.parse(e.data) as ResponsesEvent;
      return parsed.type === 'response.completed' ? (parsed.response as Record<string, unknown>) : undefined;
    },
    frame(e, round) {
      const parsed = JSON.parse(e.data) as ResponsesEvent;
      // One response to the client: a later round's start is not news to it.
      if (round > 1 && (parsed.type === 'response.created' || parsed.type === 'response.in_progress')) return undefined;
      if (parsed.output_index !== undefined) parsed.output_index += earlier.length;
      if (parsed.response) {
        id ??= parsed.response.id;
        parsed.response.id = id;
        if (parsed.response.output && parsed.type !== 'response.created' && parsed.type !== 'response.in_progress') parsed.response.output = [...earlier, ...parsed.response.output];
      }
      parsed.sequence_number = sequence++;
      return sseEvent(e.event ?? parsed.type, JSON.stringify(parsed));
    },
    continued(answer) {
      // The round's items come before the items of the calls it made.
      earlier.push(...((answer['output'] as unknown[] | undefined) ?? []));
    },
    toolCall(call, fn) {
      const item = { id: itemId('mcp'), type: 'mcp_call', server_label: fn.label, name: fn.tool, arguments: call.arguments };
      const at = { item_id: item.id, output_index: earlier.length };
      return {
        started: [
          event('response.output_item.added', { output_index: at.output_index, item: { ...item, status: 'in_progress' } }),
          event('response.mcp_call.in_progress', at),
          event('response.mcp_call_arguments.done', { ...at, arguments: call.arguments }),
        ],
        finished(result) {
          const done = result.failed
            ? { ...item, status: 'failed', output: null, error: { type: 'mcp_tool_execution_error', content: [{ type: 'text', text: result.text }] } }
            : { ...item, status: 'completed', output: result.text, error: null };
          earlier.push(done);
          return [event(result.failed ? 'response.mcp_call.failed' : 'response.mcp_call.completed', at), event('response.output_item.done', { output_index: at.output_index, item: done })];
        },
      };
    },
    refused(body) {
      const { error } = JSON.parse(body) as { error: { code?: unknown; message?: unknown; param?: unknown } };
      return event('error', { code: error.code, message: error.message, param: error.param });
    },
  };
}
