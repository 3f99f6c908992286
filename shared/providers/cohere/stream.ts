// Cohere's v2 chat stream (SSE, one JSON event each, its `type` saying what it is) → OpenAI chunks:
// `content-delta` text, `tool-call-start` (a call's id, name and first arguments) and
// `tool-call-delta` (more arguments) by the event's index, and `message-end` with the finish reason
// and usage. A stream that ends without `message-end` is incomplete.
import { GatewayError } from '../../core/errors.ts';
import type { SseEvent } from '../../http/sse-events.ts';
import { completionId, createdNow } from '../../openai/completion-id.ts';
import type { ChatCompletionChunk, ChunkDelta, FinishReason } from '../../openai/types.ts';
import { parseEvent } from '../upstream-answer.ts';
import { streamEventSchema } from './answer-schema.ts';
import { finishReason, toUsage } from './response.ts';

export async function* toChunks(events: AsyncIterable<SseEvent>, model: string, provider: string): AsyncGenerator<ChatCompletionChunk> {
  let id = completionId();
  const created = createdNow();
  const chunk = (delta: ChunkDelta, finish: FinishReason | null = null): ChatCompletionChunk => ({
    id,
    object: 'chat.completion.chunk',
    created,
    model,
    choices: [{ index: 0, delta, finish_reason: finish }],
  });
  let started = false;
  const first = (delta: ChunkDelta): ChunkDelta => (started ? delta : { role: 'assistant', ...delta });

  for await (const sse of events) {
    if (!sse.data.trim() || sse.data === '[DONE]') continue;
    const event = parseEvent(streamEventSchema, JSON.parse(sse.data), provider, 'a chat stream event');
    const message = event.delta?.message;
    switch (event.type) {
      case 'message-start':
        id = event.id ?? id;
        yield chunk(first({ content: '' }));
        started = true;
        break;
      case 'content-delta':
        yield chunk(first({ content: one(message?.content)?.text ?? '' }));
        started = true;
        break;
      case 'tool-call-start': {
        const call = one(message?.tool_calls);
        yield chunk(
          first({
            tool_calls: [{ index: event.index ?? 0, id: call?.id ?? completionId(), type: 'function', function: { name: call?.function?.name ?? '', arguments: call?.function?.arguments ?? '' } }],
          }),
        );
        started = true;
        break;
      }
      case 'tool-call-delta':
        yield chunk(first({ tool_calls: [{ index: event.index ?? 0, function: { arguments: one(message?.tool_calls)?.function?.arguments ?? '' } }] }));
        started = true;
        break;
      case 'message-end':
        if (event.delta?.error) throw new GatewayError('upstream_error', `${provider} error in the stream: ${event.delta.error}`);
        yield chunk({}, finishReason(event.delta?.finish_reason));
        yield { id, object: 'chat.completion.chunk', created, model, choices: [], usage: toUsage(event.delta?.usage) };
        return;
    }
  }
  throw new GatewayError('upstream_error', `${provider} ended the stream before message-end: the answer is incomplete.`);
}

/** A delta's one object (the start event's empty lists are none). */
function one<T extends object>(value: T | unknown[] | null | undefined): T | undefined {
  return value && !Array.isArray(value) ? value : undefined;
}
