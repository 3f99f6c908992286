// streamGenerateContent?alt=sse → OpenAI chat.completion.chunks. Each SSE event is a whole
// GenerateContentResponse holding the next piece of each candidate; a function call arrives whole
// in one event. The last event carries finishReason and the usage; there is no end marker.
import { GatewayError } from '../../core/errors.ts';
import type { SseEvent } from '../../http/sse-events.ts';
import { completionId, createdNow } from '../../openai/completion-id.ts';
import type { ChatCompletionChunk, ChunkDelta, FinishReason } from '../../openai/types.ts';
import { parseEvent } from '../upstream-answer.ts';
import { generateContentSchema, type UsageMetadata } from './answer-schema.ts';
import { googleStreamError, type GoogleErrorContext } from './errors.ts';
import { finishReason } from './finish-reason.ts';
import { checkBlocked, readParts } from './response.ts';
import { toUsage } from './usage.ts';

interface CandidateState {
  started: boolean;
  toolCount: number;
  finished: boolean;
}

export async function* toChunks(events: AsyncIterable<SseEvent>, model: string, context: GoogleErrorContext): AsyncGenerator<ChatCompletionChunk> {
  let id = '';
  let answeredModel = model;
  const created = createdNow();
  const candidates = new Map<number, CandidateState>();
  let usage: UsageMetadata | undefined;
  let yielded = false;

  const chunk = (index: number, delta: ChunkDelta, finish: FinishReason | null = null): ChatCompletionChunk => ({
    id,
    object: 'chat.completion.chunk',
    created,
    model: answeredModel,
    choices: [{ index, delta, finish_reason: finish }],
  });

  for await (const sse of events) {
    if (!sse.data.trim()) continue;
    const event = parseEvent(generateContentSchema, JSON.parse(sse.data), context.provider, 'a generateContent answer');
    if (event.error) throw googleStreamError(context, event.error);
    // Before the first chunk a block is still a clean 400; later, a filter only ends the answer.
    if (!yielded) checkBlocked(event, context);
    id ||= event.responseId ?? completionId();
    answeredModel = event.modelVersion ?? answeredModel;
    if (event.usageMetadata) usage = event.usageMetadata;

    for (const [i, candidate] of (event.candidates ?? []).entries()) {
      const index = candidate.index ?? i;
      const state = candidates.get(index) ?? { started: false, toolCount: 0, finished: false };
      candidates.set(index, state);
      const { text, reasoning, toolCalls } = readParts(candidate.content?.parts);
      const delta: ChunkDelta = state.started ? {} : { role: 'assistant', content: '' };
      if (text) delta.content = text;
      if (reasoning) delta.reasoning_content = reasoning;
      if (toolCalls.length) {
        delta.tool_calls = toolCalls.map((call) => ({ index: state.toolCount++, id: call.id, type: 'function' as const, function: call.function }));
      }
      if (!state.started || text || reasoning || toolCalls.length) {
        state.started = true;
        yielded = true;
        yield chunk(index, delta);
      }
      if (candidate.finishReason && !state.finished) {
        state.finished = true;
        yield chunk(index, {}, finishReason(candidate.finishReason, state.toolCount > 0));
      }
    }
  }
  if (![...candidates.values()].some((state) => state.finished)) {
    throw new GatewayError('upstream_error', `${context.provider} ended the stream before a finishReason: the answer is incomplete.`);
  }
  yield { id, object: 'chat.completion.chunk', created, model: answeredModel, choices: [], usage: toUsage(usage) };
}
