// An OpenAI-format upstream's answer, as read by its schema (answer-schema.ts), as the gateway's own:
// passed on as it came, with what OpenAI's format always has and a server may leave out filled in
// (an id, `created`, the model, each choice's index).
import { completionId, createdNow } from '../../openai/completion-id.ts';
import type { ChatCompletion, ChatCompletionChunk, EmbeddingResponse } from '../../openai/types.ts';
import type { ChunkAnswer, CompletionAnswer, EmbeddingsAnswer } from './answer-schema.ts';

export function toChatCompletion(answer: CompletionAnswer, model: string): ChatCompletion {
  return {
    ...answer,
    id: answer.id ?? completionId(),
    object: 'chat.completion',
    created: answer.created ?? createdNow(),
    model: answer.model ?? model,
    choices: answer.choices.map((choice, index) => ({ ...choice, index: choice.index ?? index })),
  };
}

/** The stream's chunks share an id and a creation time; a chunk that says none gets the stream's. */
export interface StreamIdentity {
  id: string;
  created: number;
  model: string;
}

export function toChunk(answer: ChunkAnswer, stream: StreamIdentity): ChatCompletionChunk {
  return {
    ...answer,
    id: answer.id ?? stream.id,
    object: 'chat.completion.chunk',
    created: answer.created ?? stream.created,
    model: answer.model ?? stream.model,
    choices: answer.choices.map((choice, index) => ({
      ...choice,
      index: choice.index ?? index,
      delta: { ...choice.delta, tool_calls: choice.delta.tool_calls?.map((call, position) => ({ ...call, index: call.index ?? position })) },
    })),
  };
}

export function toEmbeddingResponse(answer: EmbeddingsAnswer, model: string): EmbeddingResponse {
  const promptTokens = answer.usage?.prompt_tokens ?? 0;
  return {
    object: 'list',
    data: answer.data.map((item, index) => ({ ...item, object: 'embedding', index: item.index ?? index })),
    model: answer.model ?? model,
    usage: { prompt_tokens: promptTokens, total_tokens: answer.usage?.total_tokens ?? promptTokens },
  };
}
