// OpenAI chat.completion.chunk objects → Anthropic's streamed events, one by one as chunks arrive:
// message_start; a content block per run of thinking, text, or one tool call (start, deltas, stop);
// then message_delta with the stop reason and usage, and message_stop.
import { randomUUID } from 'node:crypto';
import type { ChatCompletionChunk, ChunkDelta, ThinkingBlock, ToolCallDelta, Usage } from '../openai/types.ts';
import { stopReason } from '../providers/anthropic/internal/stop-reason.ts';
import type { AnthropicContentBlock, AnthropicDelta } from '../providers/anthropic/internal/types.ts';
import { toAnthropicUsage } from '../providers/anthropic/internal/usage.ts';

export type AnthropicEvent =
  | { type: 'message_start'; message: Record<string, unknown> }
  | { type: 'content_block_start'; index: number; content_block: AnthropicContentBlock }
  | { type: 'content_block_delta'; index: number; delta: AnthropicDelta }
  | { type: 'content_block_stop'; index: number }
  | { type: 'message_delta'; delta: { stop_reason: string; stop_sequence: null }; usage: Record<string, unknown> }
  | { type: 'message_stop' };

type BlockKind = { kind: 'text' | 'thinking' } | { kind: 'tool'; tool: number };
type OpenBlock = BlockKind & { index: number };

/** `model` names the model in message_start; without it, the upstream's own name. */
export async function* toAnthropicEvents(chunks: AsyncIterable<ChatCompletionChunk>, model: string | undefined): AsyncGenerator<AnthropicEvent> {
  let started = false;
  let open: OpenBlock | undefined;
  let nextIndex = 0;
  const toolBlocks = new Map<number, number>();
  let finishReason: string | null = null;
  let usage: Usage | undefined;

  const start = (id: string, upstreamModel: string): AnthropicEvent => {
    started = true;
    return {
      type: 'message_start',
      message: { id, type: 'message', role: 'assistant', model: model ?? upstreamModel, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 0, output_tokens: 0 } },
    };
  };
  function* close(): Generator<AnthropicEvent> {
    if (open) yield { type: 'content_block_stop', index: open.index };
    open = undefined;
  }
  function* begin(block: AnthropicContentBlock, next: BlockKind): Generator<AnthropicEvent> {
    yield* close();
    open = { ...next, index: nextIndex++ };
    yield { type: 'content_block_start', index: open.index, content_block: block };
  }
  function* thinking(delta: ChunkDelta): Generator<AnthropicEvent> {
    if (delta.reasoning_content) {
      if (open?.kind !== 'thinking') yield* begin({ type: 'thinking', thinking: '', signature: '' }, { kind: 'thinking' });
      yield { type: 'content_block_delta', index: open!.index, delta: { type: 'thinking_delta', thinking: delta.reasoning_content } };
    }
    // Finished thinking blocks (the anthropic provider sends one when a block ends, with its signature).
    for (const block of delta.thinking_blocks ?? []) yield* finishedThinking(block);
  }
  function* finishedThinking(block: ThinkingBlock): Generator<AnthropicEvent> {
    if (block.type === 'redacted_thinking') {
      yield* begin(block, { kind: 'thinking' });
    } else {
      if (open?.kind !== 'thinking') {
        yield* begin({ type: 'thinking', thinking: '', signature: '' }, { kind: 'thinking' });
        if (block.thinking) yield { type: 'content_block_delta', index: open!.index, delta: { type: 'thinking_delta', thinking: block.thinking } };
      }
      if (block.signature) yield { type: 'content_block_delta', index: open!.index, delta: { type: 'signature_delta', signature: block.signature } };
    }
    yield* close();
  }
  function* toolCall(call: ToolCallDelta): Generator<AnthropicEvent> {
    if (!toolBlocks.has(call.index) || (call.id && !(open?.kind === 'tool' && open.tool === call.index))) {
      yield* begin({ type: 'tool_use', id: call.id ?? `toolu_${randomUUID().replaceAll('-', '')}`, name: call.function?.name ?? '', input: {} }, { kind: 'tool', tool: call.index });
      toolBlocks.set(call.index, open!.index);
    }
    const args = call.function?.arguments;
    if (args) yield { type: 'content_block_delta', index: toolBlocks.get(call.index)!, delta: { type: 'input_json_delta', partial_json: args } };
  }

  for await (const chunk of chunks) {
    if (!started) yield start(chunk.id, chunk.model);
    if (chunk.usage) usage = chunk.usage;
    const choice = chunk.choices.find((c) => c.index === 0);
    if (!choice) continue;
    const delta = choice.delta ?? {};
    yield* thinking(delta);
    if (delta.content) {
      if (open?.kind !== 'text') yield* begin({ type: 'text', text: '' }, { kind: 'text' });
      yield { type: 'content_block_delta', index: open!.index, delta: { type: 'text_delta', text: delta.content } };
    }
    for (const call of delta.tool_calls ?? []) yield* toolCall(call);
    if (choice.finish_reason) finishReason = choice.finish_reason;
  }
  if (!started) yield start(`msg_${randomUUID().replaceAll('-', '')}`, '');
  yield* close();
  yield { type: 'message_delta', delta: { stop_reason: stopReason(finishReason), stop_sequence: null }, usage: { ...toAnthropicUsage(usage) } };
  yield { type: 'message_stop' };
}
