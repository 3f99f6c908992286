// An Anthropic answer both ways between its streamed and its whole form: the events of a stream added
// up into the `message` they make (a streamed answer is cached whole), and a message replayed as the
// events of a stream (a cached answer to a streamed request).
import type { SseEvent } from '../http/sse-events.ts';
import type { AnthropicResponse } from '../providers/anthropic/internal/types.ts';

type Block = Record<string, unknown> & { type: string };

/** The fields of a stream event's data the assembly reads. */
interface EventData {
  type?: string;
  index?: number;
  message?: AnthropicResponse;
  content_block?: Block;
  delta?: Record<string, unknown>;
  usage?: Partial<AnthropicResponse['usage']>;
}

/** Adds a stream's events up, in order, into one message; `message()` is undefined until message_start came. */
export class MessageAssembler {
  private whole?: AnthropicResponse;
  private readonly blocks: Block[] = [];
  /** Tool input as it arrives, per block: JSON in pieces. */
  private readonly partialJson = new Map<number, string>();
  /** An event that is not what Anthropic sends: the endpoint answers the upstream's error; nothing is assembled. */
  private broken = false;

  add(event: SseEvent): void {
    if (this.broken) return;
    const data = parsed(event.data);
    if (!data || typeof data !== 'object') {
      this.broken = true;
      return;
    }
    const index = data.index ?? 0;
    switch (data.type) {
      case 'message_start':
        if (data.message) this.whole = { ...data.message, content: [] };
        break;
      case 'content_block_start':
        if (data.content_block) this.blocks[index] = { ...data.content_block };
        break;
      case 'content_block_delta':
        if (data.delta) this.delta(index, data.delta);
        break;
      case 'content_block_stop': {
        const json = this.partialJson.get(index);
        const block = this.blocks[index];
        if (json !== undefined && block) {
          const input = json ? parsed(json) : {};
          if (input === undefined) this.broken = true;
          else block['input'] = input;
        }
        break;
      }
      case 'message_delta':
        if (this.whole) {
          this.whole.stop_reason = (data.delta?.['stop_reason'] as string | undefined) ?? this.whole.stop_reason;
          this.whole.stop_sequence = (data.delta?.['stop_sequence'] as string | null | undefined) ?? this.whole.stop_sequence;
          this.whole.usage = { ...this.whole.usage, ...data.usage };
        }
        break;
    }
  }

  message(): AnthropicResponse | undefined {
    if (this.broken) return undefined;
    return this.whole && { ...this.whole, content: this.blocks.filter(Boolean) as AnthropicResponse['content'] };
  }

  private delta(index: number, delta: Record<string, unknown>): void {
    const block = this.blocks[index];
    if (!block) return;
    const append = (field: string, text: unknown) => void (block[field] = String(block[field] ?? '') + String(text ?? ''));
    if (delta['type'] === 'text_delta') append('text', delta['text']);
    else if (delta['type'] === 'thinking_delta') append('thinking', delta['thinking']);
    else if (delta['type'] === 'signature_delta') append('signature', delta['signature']);
    else if (delta['type'] === 'input_json_delta') this.partialJson.set(index, (this.partialJson.get(index) ?? '') + String(delta['partial_json'] ?? ''));
    else if (delta['type'] === 'citations_delta') block['citations'] = [...((block['citations'] as unknown[]) ?? []), delta['citation']];
  }
}

/** The events a stream of `message` is made of: message_start, each block (start, its content in one delta, stop), message_delta, message_stop. */
export function* messageEvents(message: AnthropicResponse): Generator<SseEvent> {
  const event = (data: Record<string, unknown>): SseEvent => ({ event: String(data['type']), data: JSON.stringify(data) });
  yield event({ type: 'message_start', message: { ...message, content: [], stop_reason: null, stop_sequence: null, usage: { ...message.usage, output_tokens: 0 } } });
  for (const [index, block] of (message.content as Block[]).entries()) {
    const { start, delta } = blockParts(block);
    yield event({ type: 'content_block_start', index, content_block: start });
    for (const part of delta) yield event({ type: 'content_block_delta', index, delta: part });
    yield event({ type: 'content_block_stop', index });
  }
  yield event({ type: 'message_delta', delta: { stop_reason: message.stop_reason, stop_sequence: message.stop_sequence ?? null }, usage: message.usage });
  yield event({ type: 'message_stop' });
}

/** How a whole block is streamed: what its start announces, and the deltas that fill it. */
function blockParts(block: Block): { start: Block; delta: Array<Record<string, unknown>> } {
  if (block.type === 'text') return { start: { ...block, text: '' }, delta: [{ type: 'text_delta', text: block['text'] }] };
  if (block.type === 'tool_use') return { start: { ...block, input: {} }, delta: [{ type: 'input_json_delta', partial_json: JSON.stringify(block['input'] ?? {}) }] };
  if (block.type === 'thinking') {
    return {
      start: { ...block, thinking: '', signature: '' },
      delta: [
        { type: 'thinking_delta', thinking: block['thinking'] },
        { type: 'signature_delta', signature: block['signature'] },
      ],
    };
  }
  return { start: block, delta: [] };
}

/** The JSON of an event's data, or undefined when it is not JSON. */
function parsed(text: string): EventData | undefined {
  try {
    return JSON.parse(text) as EventData;
  } catch {
    return undefined;
  }
}
