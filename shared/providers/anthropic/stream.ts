// Anthropic's streamed events → OpenAI chat.completion.chunk objects. The first chunk carries the
// role; tool calls are numbered 0..k in the order they start (not by Anthropic's block index), with
// id and name first and argument fragments after; thinking streams as reasoning_content and each
// finished thinking block (with its signature) as thinking_blocks; message_stop brings a chunk with
// the finish_reason, then always a usage-only chunk (the route drops it unless the client asked).
import { GatewayError } from '../../core/errors.ts';
import type { SseEvent } from '../../http/sse-events.ts';
import type { ChatCompletionChunk, ChunkDelta, FinishReason } from '../../openai/types.ts';
import { checkedEvent } from './answer-schema.ts';
import { PROVIDER_NAME, streamError } from './errors.ts';
import { JsonToolPreamble } from './json-tool-preamble.ts';
import { finishReason } from './stop-reason.ts';
import { JSON_TOOL_NAME } from './tools.ts';
import type { AnthropicUsage } from './types.ts';
import { mergeUsage, toUsage } from './usage.ts';

export interface StreamOptions {
  /** response_format is served by the JSON tool: its input streams as content. */
  jsonTool: boolean;
  /** Masked out of error messages. */
  apiKey?: string;
}

type Block =
  | { kind: 'text' }
  | { kind: 'tool'; index: number }
  | { kind: 'json' }
  | { kind: 'thinking'; thinking: string; signature: string }
  | { kind: 'other' };

export async function* toChunks(events: AsyncIterable<SseEvent>, options: StreamOptions): AsyncGenerator<ChatCompletionChunk> {
  let id = '';
  let model = '';
  const created = Math.floor(Date.now() / 1000);
  const usage: AnthropicUsage = {};
  let stopReason: string | null | undefined;
  const blocks = new Map<number, Block>();
  let toolCount = 0;
  let answeredByJsonTool = false;
  const preamble = new JsonToolPreamble(options.jsonTool);
  let started = false;
  let stopped = false;

  const chunk = (delta: ChunkDelta, finish: FinishReason | null = null): ChatCompletionChunk =>
    ({ id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, finish_reason: finish }] });

  for await (const sse of events) {
    if (stopped || !sse.data.trim()) continue; // read on to the body's end so the connection can be reused
    const event = checkedEvent(sse.data);
    if (event.type === 'error') throw streamError(event.error, options.apiKey);
    if (event.type === 'ping') continue;
    // message_start always comes first on Anthropic's API; a proxy that skips it still gets its role chunk.
    if (!started && event.type !== 'message_start' && isMessageEvent(event.type)) {
      started = true;
      yield chunk({ role: 'assistant', content: '' });
    }

    switch (event.type) {
      case 'message_start':
        id = event.message.id;
        model = event.message.model;
        mergeUsage(usage, event.message.usage);
        if (!started) {
          started = true;
          yield chunk({ role: 'assistant', content: '' });
        }
        break;

      case 'content_block_start': {
        const block = event.content_block;
        if (block.type === 'text') {
          blocks.set(event.index, { kind: 'text' });
          const text = preamble.text(String(block['text'] ?? ''));
          if (text) yield chunk({ content: text });
        } else if (block.type === 'tool_use' && options.jsonTool && block['name'] === JSON_TOOL_NAME) {
          blocks.set(event.index, { kind: 'json' });
          answeredByJsonTool = true;
          preamble.jsonToolStarted();
        } else if (block.type === 'tool_use') {
          const index = toolCount++;
          blocks.set(event.index, { kind: 'tool', index });
          yield chunk({ tool_calls: [{ index, id: String(block['id']), type: 'function', function: { name: String(block['name']), arguments: '' } }] });
        } else if (block.type === 'thinking') {
          const thinking = String(block['thinking'] ?? '');
          blocks.set(event.index, { kind: 'thinking', thinking, signature: String(block['signature'] ?? '') });
          if (thinking) yield chunk({ reasoning_content: thinking });
        } else if (block.type === 'redacted_thinking') {
          blocks.set(event.index, { kind: 'other' });
          yield chunk({ thinking_blocks: [{ type: 'redacted_thinking', data: String(block['data'] ?? '') }] });
        } else {
          // Server tool calls and results (web search...) have no OpenAI counterpart.
          blocks.set(event.index, { kind: 'other' });
        }
        break;
      }

      case 'content_block_delta': {
        const block = blocks.get(event.index) ?? { kind: 'text' };
        const delta = event.delta;
        if (delta.type === 'text_delta' && block.kind === 'text') {
          const text = preamble.text(delta.text);
          if (text) yield chunk({ content: text });
        } else if (delta.type === 'input_json_delta' && delta.partial_json) {
          if (block.kind === 'tool') yield chunk({ tool_calls: [{ index: block.index, function: { arguments: delta.partial_json } }] });
          else if (block.kind === 'json') yield chunk({ content: delta.partial_json });
        } else if (delta.type === 'thinking_delta' && block.kind === 'thinking') {
          block.thinking += delta.thinking;
          if (delta.thinking) yield chunk({ reasoning_content: delta.thinking });
        } else if (delta.type === 'signature_delta' && block.kind === 'thinking') {
          block.signature += delta.signature;
        }
        break;
      }

      case 'content_block_stop': {
        const block = blocks.get(event.index);
        if (block?.kind === 'thinking') {
          yield chunk({ thinking_blocks: [{ type: 'thinking', thinking: block.thinking, signature: block.signature }] });
        }
        break;
      }

      case 'message_delta':
        if (event.delta?.stop_reason) stopReason = event.delta.stop_reason;
        mergeUsage(usage, event.usage);
        break;

      case 'message_stop': {
        const held = preamble.release();
        if (held) yield chunk({ content: held });
        let finish = finishReason(stopReason);
        if (answeredByJsonTool && finish === 'tool_calls' && toolCount === 0) finish = 'stop';
        yield chunk({}, finish);
        yield { id, object: 'chat.completion.chunk', created, model, choices: [], usage: toUsage(usage) };
        stopped = true;
        break;
      }
    }
  }
  if (!stopped) throw new GatewayError('upstream_error', `${PROVIDER_NAME} ended the stream before message_stop: the answer is incomplete.`);
}

function isMessageEvent(type: string): boolean {
  return type === 'content_block_start' || type === 'content_block_delta' || type === 'content_block_stop' || type === 'message_delta' || type === 'message_stop';
}
