// OpenAI chat.completion.chunk objects → the Responses API's streamed events, one by one as chunks
// arrive: response.created and response.in_progress; an output item per run of reasoning, text, or
// one tool call (added, its part and deltas, done); then response.completed (or response.incomplete)
// carrying the whole response. Every event has its `sequence_number`.
import type { AnswerFinishReason, ChatCompletionChunk, ChunkDelta, ThinkingBlock, ToolCallDelta, Usage } from '../openai/types.ts';
import { itemId } from './item-ids.ts';
import { finished, functionCallItem, messageItem, reasoningItem } from './to-response.ts';
import type { OutputItem, ResponseObject } from './types.ts';
import { toResponseUsage } from './usage.ts';

export interface ResponseEvent {
  type: string;
  sequence_number: number;
  [key: string]: unknown;
}

/** Numbers a stream's events; the endpoint's in-band error event takes the next one too. */
export class EventSequence {
  private next = 0;
  event(type: string, fields: Record<string, unknown> = {}): ResponseEvent {
    return { type, sequence_number: this.next++, ...fields };
  }
  /** An event numbered elsewhere (an upstream's) went out: the next one follows it. */
  seen(sequenceNumber: number): void {
    this.next = sequenceNumber + 1;
  }
}

type Open =
  | { kind: 'reasoning'; id: string; index: number; text: string; signature?: string }
  | { kind: 'text'; id: string; index: number; text: string }
  | { kind: 'tool'; id: string; index: number; tool: number; callId: string; name: string; args: string };

/** `namespaces`: the namespace of each tool a `namespace` tool groups, by name (to-chat-request.ts#toolNamespaces). */
export async function* toResponseEvents(
  chunks: AsyncIterable<ChatCompletionChunk>,
  shell: ResponseObject,
  sequence: EventSequence,
  namespaces: ReadonlyMap<string, string>,
): AsyncGenerator<ResponseEvent> {
  const output: OutputItem[] = [];
  let open: Open | undefined;
  let finishReason: AnswerFinishReason | null = null;
  let usage: Usage | undefined;
  const snapshot = (fields: Partial<ResponseObject> = {}) => ({ response: { ...shell, output: [...output], ...fields } });

  function* close(): Generator<ResponseEvent> {
    const item = open;
    open = undefined;
    if (!item) return;
    const at = { item_id: item.id, output_index: item.index };
    let done: OutputItem;
    if (item.kind === 'reasoning') {
      done = reasoningItem(item.text, item.signature ? [{ type: 'thinking', thinking: item.text, signature: item.signature }] : undefined, item.id) ?? { type: 'reasoning', id: item.id, summary: [] };
      if (item.text) {
        const part = { type: 'summary_text', text: item.text };
        yield sequence.event('response.reasoning_summary_text.done', { ...at, summary_index: 0, text: item.text });
        yield sequence.event('response.reasoning_summary_part.done', { ...at, summary_index: 0, part });
      }
    } else if (item.kind === 'text') {
      done = messageItem(item.text, undefined, item.id);
      const part = { type: 'output_text', text: item.text, annotations: [], logprobs: [] };
      yield sequence.event('response.output_text.done', { ...at, content_index: 0, text: item.text, logprobs: [] });
      yield sequence.event('response.content_part.done', { ...at, content_index: 0, part });
    } else {
      done = functionCallItem(item.callId, item.name, item.args, namespaces.get(item.name), item.id);
      yield sequence.event('response.function_call_arguments.done', { ...at, name: item.name, arguments: item.args });
    }
    output.push(done);
    yield sequence.event('response.output_item.done', { output_index: item.index, item: done });
  }

  /** Opens the next output item, after the one open (if any) is done: its index is its place in `output`. */
  function* begin(next: Open, item: OutputItem): Generator<ResponseEvent> {
    yield* close();
    next.index = output.length;
    open = next;
    yield sequence.event('response.output_item.added', { output_index: next.index, item });
  }

  function* reasoning(delta: ChunkDelta): Generator<ResponseEvent> {
    const text = delta.reasoning_content;
    if (text) {
      if (open?.kind !== 'reasoning') yield* beginReasoning();
      yield* reasoningText(text);
    }
    // A finished thinking block (Claude's, with its signature): the signature rides on the item.
    for (const block of delta.thinking_blocks ?? []) yield* finishedThinking(block);
  }
  function* beginReasoning(): Generator<ResponseEvent> {
    const id = itemId('rs');
    yield* begin({ kind: 'reasoning', id, index: 0, text: '' }, { type: 'reasoning', id, summary: [] });
  }
  function* reasoningText(text: string): Generator<ResponseEvent> {
    if (open?.kind !== 'reasoning') return;
    const at = { item_id: open.id, output_index: open.index, summary_index: 0 };
    if (!open.text) yield sequence.event('response.reasoning_summary_part.added', { ...at, part: { type: 'summary_text', text: '' } });
    open.text += text;
    yield sequence.event('response.reasoning_summary_text.delta', { ...at, delta: text });
  }
  function* finishedThinking(block: ThinkingBlock): Generator<ResponseEvent> {
    if (block.type !== 'thinking') return;
    if (open?.kind !== 'reasoning') {
      yield* beginReasoning();
      if (block.thinking) yield* reasoningText(block.thinking);
    }
    if (open?.kind === 'reasoning' && block.signature) open.signature = block.signature;
    yield* close();
  }

  function* text(content: string): Generator<ResponseEvent> {
    if (open?.kind !== 'text') {
      const id = itemId('msg');
      yield* begin({ kind: 'text', id, index: 0, text: '' }, { type: 'message', id, status: 'in_progress', role: 'assistant', content: [] });
      yield sequence.event('response.content_part.added', { item_id: id, output_index: open!.index, content_index: 0, part: { type: 'output_text', text: '', annotations: [], logprobs: [] } });
    }
    const current = open as Extract<Open, { kind: 'text' }>;
    current.text += content;
    yield sequence.event('response.output_text.delta', { item_id: current.id, output_index: current.index, content_index: 0, delta: content, logprobs: [] });
  }

  function* toolCall(call: ToolCallDelta): Generator<ResponseEvent> {
    if (!(open?.kind === 'tool' && open.tool === call.index && !(call.id && call.id !== open.callId))) {
      const id = itemId('fc');
      const callId = call.id ?? itemId('fc');
      const name = call.function?.name ?? '';
      yield* begin(
        { kind: 'tool', id, index: 0, tool: call.index, callId, name, args: '' },
        { type: 'function_call', id, call_id: callId, name, ...(namespaces.has(name) && { namespace: namespaces.get(name) }), arguments: '', status: 'in_progress' },
      );
    }
    const current = open as Extract<Open, { kind: 'tool' }>;
    const args = call.function?.arguments;
    if (args) {
      current.args += args;
      yield sequence.event('response.function_call_arguments.delta', { item_id: current.id, output_index: current.index, delta: args });
    }
  }

  yield sequence.event('response.created', snapshot());
  yield sequence.event('response.in_progress', snapshot());
  for await (const chunk of chunks) {
    if (chunk.usage) usage = chunk.usage;
    const choice = chunk.choices.find((c) => c.index === 0);
    if (!choice) continue;
    const delta = choice.delta ?? {};
    yield* reasoning(delta);
    if (delta.content) yield* text(delta.content);
    for (const call of delta.tool_calls ?? []) yield* toolCall(call);
    if (choice.finish_reason) finishReason = choice.finish_reason;
  }
  yield* close();
  const end = finished(finishReason);
  yield sequence.event(end.status === 'incomplete' ? 'response.incomplete' : 'response.completed', snapshot({ ...end, usage: toResponseUsage(usage) }));
}
