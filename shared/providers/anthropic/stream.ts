// Anthropic's streamed events → OpenAI chat.completion.chunk objects, built by AnswerChunks
// (internal/answer-chunks.ts); message_stop brings the finish_reason, then always a usage-only chunk.
import { GatewayError } from '../../core/errors.ts';
import type { SseEvent } from '../../http/sse-events.ts';
import type { ChatCompletionChunk } from '../../openai/types.ts';
import { parseEvent } from '../upstream-answer.ts';
import { contentBlocks, contentDeltas, streamEvents, type ContentBlock } from './answer-schema.ts';
import { PROVIDER_NAME, streamError } from './errors.ts';
import { AnswerChunks } from './internal/answer-chunks.ts';
import { mergeUsage, toUsage, type ReportedUsage } from './internal/usage.ts';

export interface StreamOptions {
  /** response_format is served by the JSON tool: its input streams as content. */
  jsonTool: boolean;
  /** The name errors give the upstream: `anthropic` (the default), or `vertex_ai` for Claude there. */
  provider?: string;
  /** Masked out of error messages. */
  apiKey?: string;
}

export async function* toChunks(sseEvents: AsyncIterable<SseEvent>, options: StreamOptions): AsyncGenerator<ChatCompletionChunk> {
  const provider = options.provider ?? PROVIDER_NAME;
  const answer = new AnswerChunks({ id: '', model: '' }, options.jsonTool);
  const usage: ReportedUsage = {};
  let stopReason: string | null | undefined;
  let stopped = false;

  for await (const sse of sseEvents) {
    if (stopped || !sse.data.trim()) continue; // read on to the body's end so the connection can be reused
    const event = parseEvent(streamEvents.schema, JSON.parse(sse.data), provider, 'an Anthropic stream event');
    if (!streamEvents.isListed(event)) continue;
    // message_start always comes first on Anthropic's API; a proxy that skips it still gets its role chunk.
    if (event.type !== 'message_start' && event.type !== 'ping' && event.type !== 'error') yield* answer.start();
    switch (event.type) {
      case 'error':
        throw streamError(event.error, options.apiKey, provider);
      case 'message_start':
        answer.id = event.message.id;
        answer.model = event.message.model;
        mergeUsage(usage, event.message.usage);
        yield* answer.start();
        break;
      case 'content_block_start':
        yield* blockStart(answer, event.index, event.content_block);
        break;
      case 'content_block_delta': {
        const { index, delta } = event;
        if (!contentDeltas.isListed(delta)) break;
        if (delta.type === 'text_delta') yield* answer.text(index, delta.text);
        else if (delta.type === 'input_json_delta') yield* answer.toolInput(index, delta.partial_json);
        else if (delta.type === 'thinking_delta') yield* answer.thinking(index, delta.thinking);
        else answer.signature(index, delta.signature);
        break;
      }
      case 'content_block_stop':
        yield* answer.blockStop(event.index);
        break;
      case 'message_delta':
        if (event.delta?.stop_reason) stopReason = event.delta.stop_reason;
        mergeUsage(usage, event.usage);
        break;
      case 'message_stop':
        yield* answer.finish(stopReason);
        yield answer.usage(toUsage(usage));
        stopped = true;
        break;
    }
  }
  if (!stopped) throw new GatewayError('upstream_error', `${provider} ended the stream before message_stop: the answer is incomplete.`);
}

function blockStart(answer: AnswerChunks, index: number, block: ContentBlock): ChatCompletionChunk[] {
  // Server tool calls and results (web search...) have no OpenAI counterpart.
  if (!contentBlocks.isListed(block)) {
    answer.otherBlock(index);
    return [];
  }
  switch (block.type) {
    case 'text':
      return answer.text(index, block.text);
    case 'tool_use':
      return answer.toolStart(index, block.id, block.name);
    case 'thinking':
      answer.signature(index, block.signature ?? '');
      return answer.thinking(index, block.thinking);
    case 'redacted_thinking':
      return answer.redactedThinking(index, block.data);
  }
}
