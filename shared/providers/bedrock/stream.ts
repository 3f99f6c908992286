// ConverseStream events → OpenAI chat.completion.chunk objects, one out per event in. The first
// chunk carries the role; tool calls are numbered 0..k in the order they start (not by Converse's
// block index), id and name first, argument fragments after; reasoning streams as
// reasoning_content and each finished reasoning block (with its signature) as thinking_blocks;
// messageStop brings the finish_reason, metadata the usage-only chunk, which always comes last
// (the chat route drops it unless the client asked). Exceptions arrive as thrown SDK errors.
import type { ConverseStreamOutput, TokenUsage } from '@aws-sdk/client-bedrock-runtime';
import { GatewayError } from '../../core/errors.ts';
import type { ChatCompletionChunk, ChunkDelta, FinishReason } from '../../openai/types.ts';
import { JsonToolPreamble } from '../anthropic/json-tool-preamble.ts';
import { JSON_TOOL_NAME } from '../anthropic/tools.ts';
import { PROVIDER_NAME } from './errors.ts';
import { completionId, thinkingBlock } from './response.ts';
import { finishReason } from './stop-reason.ts';
import { toUsage } from './usage.ts';

export interface StreamOptions {
  /** The upstream model id, reported as `model` (the route rewrites it to the client's name). */
  model: string;
  /** response_format is served by the JSON tool: its input streams as content. */
  jsonTool: boolean;
}

type Block =
  | { kind: 'tool'; index: number }
  | { kind: 'json' }
  | { kind: 'reasoning'; text: string; signature: string };

export async function* toChunks(events: AsyncIterable<ConverseStreamOutput>, options: StreamOptions): AsyncGenerator<ChatCompletionChunk> {
  const id = completionId();
  const created = Math.floor(Date.now() / 1000);
  const { model } = options;
  const blocks = new Map<number, Block>();
  let toolCount = 0;
  let answeredByJsonTool = false;
  const preamble = new JsonToolPreamble(options.jsonTool);
  let started = false;
  let stopped = false;
  let usage: TokenUsage | undefined;

  const chunk = (delta: ChunkDelta, finish: FinishReason | null = null): ChatCompletionChunk =>
    ({ id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, finish_reason: finish }] });

  for await (const event of events) {
    if (!started) {
      started = true;
      yield chunk({ role: 'assistant', content: '' });
    }

    if (event.contentBlockStart?.start?.toolUse) {
      const { contentBlockIndex = 0, start } = event.contentBlockStart;
      const { toolUseId, name } = start.toolUse!;
      if (options.jsonTool && name === JSON_TOOL_NAME) {
        blocks.set(contentBlockIndex, { kind: 'json' });
        answeredByJsonTool = true;
        preamble.jsonToolStarted();
      } else {
        const index = toolCount++;
        blocks.set(contentBlockIndex, { kind: 'tool', index });
        yield chunk({ tool_calls: [{ index, id: toolUseId, type: 'function', function: { name, arguments: '' } }] });
      }
    } else if (event.contentBlockDelta?.delta) {
      const { contentBlockIndex = 0, delta } = event.contentBlockDelta;
      const block = blocks.get(contentBlockIndex);
      if (delta.text) {
        const text = preamble.text(delta.text);
        if (text) yield chunk({ content: text });
      } else if (delta.toolUse?.input) {
        if (block?.kind === 'tool') yield chunk({ tool_calls: [{ index: block.index, function: { arguments: delta.toolUse.input } }] });
        else if (block?.kind === 'json') yield chunk({ content: delta.toolUse.input });
      } else if (delta.reasoningContent) {
        const reasoning = block?.kind === 'reasoning' ? block : { kind: 'reasoning' as const, text: '', signature: '' };
        blocks.set(contentBlockIndex, reasoning);
        const { text, signature, redactedContent } = delta.reasoningContent;
        if (text) {
          reasoning.text += text;
          yield chunk({ reasoning_content: text });
        }
        if (signature) reasoning.signature += signature;
        if (redactedContent) yield chunk({ thinking_blocks: [thinkingBlock({ redactedContent })] });
      }
    } else if (event.contentBlockStop) {
      const block = blocks.get(event.contentBlockStop.contentBlockIndex ?? 0);
      if (block?.kind === 'reasoning' && block.text) {
        yield chunk({ thinking_blocks: [{ type: 'thinking', thinking: block.text, signature: block.signature }] });
      }
    } else if (event.messageStop) {
      const held = preamble.release();
      if (held) yield chunk({ content: held });
      let finish = finishReason(event.messageStop.stopReason);
      if (answeredByJsonTool && finish === 'tool_calls' && toolCount === 0) finish = 'stop';
      stopped = true;
      yield chunk({}, finish);
    } else if (event.metadata) {
      usage = event.metadata.usage;
    }
  }
  if (!stopped) throw new GatewayError('upstream_error', `${PROVIDER_NAME} ended the stream before messageStop: the answer is incomplete.`);
  yield { id, object: 'chat.completion.chunk', created, model, choices: [], usage: toUsage(usage) };
}
