// ConverseStream events → OpenAI chat.completion.chunk objects, built by AnswerChunks (Claude's
// streamed answers are built the same way whichever API carried them): messageStop brings the
// finish_reason, metadata the usage-only chunk, which always comes last. Exceptions arrive as thrown
// SDK errors.
import type { ConverseStreamOutput } from '@aws-sdk/client-bedrock-runtime';
import { GatewayError } from '../../core/errors.ts';
import { completionId } from '../../openai/completion-id.ts';
import type { ChatCompletionChunk } from '../../openai/types.ts';
import { AnswerChunks } from '../anthropic/internal/answer-chunks.ts';
import { parseEvent } from '../upstream-answer.ts';
import { streamEventSchema, type ConverseUsage } from './answer-schema.ts';
import { PROVIDER_NAME } from './errors.ts';
import { redactedData } from './response.ts';
import { toUsage } from './usage.ts';

export interface StreamOptions {
  /** The upstream model id, reported as `model` (the route rewrites it to the client's name). */
  model: string;
  /** response_format is served by the JSON tool: its input streams as content. */
  jsonTool: boolean;
}

export async function* toChunks(events: AsyncIterable<ConverseStreamOutput>, options: StreamOptions): AsyncGenerator<ChatCompletionChunk> {
  const answer = new AnswerChunks({ id: completionId(), model: options.model }, options.jsonTool);
  let stopped = false;
  let usage: ConverseUsage | null | undefined;

  for await (const received of events) {
    const event = parseEvent(streamEventSchema, received, PROVIDER_NAME, 'a ConverseStream event');
    yield* answer.start();
    const { contentBlockStart: start, contentBlockDelta: delta, contentBlockStop: stop } = event;
    if (start?.start?.toolUse) {
      yield* answer.toolStart(start.contentBlockIndex, start.start.toolUse.toolUseId, start.start.toolUse.name);
    } else if (delta) {
      const block = delta.contentBlockIndex;
      const { text, toolUse, reasoningContent: reasoning } = delta.delta;
      if (text) yield* answer.text(block, text);
      else if (toolUse) yield* answer.toolInput(block, toolUse.input);
      else if (reasoning) {
        if (reasoning.text) yield* answer.thinking(block, reasoning.text);
        if (reasoning.signature) answer.signature(block, reasoning.signature);
        if (reasoning.redactedContent) yield* answer.redactedThinking(block, redactedData(reasoning.redactedContent));
      }
    } else if (stop) {
      yield* answer.blockStop(stop.contentBlockIndex);
    } else if (event.messageStop) {
      stopped = true;
      yield* answer.finish(event.messageStop.stopReason);
    } else if (event.metadata) {
      usage = event.metadata.usage;
    }
  }
  if (!stopped) throw new GatewayError('upstream_error', `${PROVIDER_NAME} ended the stream before messageStop: the answer is incomplete.`);
  yield answer.usage(toUsage(usage));
}
