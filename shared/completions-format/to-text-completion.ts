// OpenAI chat answers → legacy text_completion objects: a whole completion's choices as text choices,
// and each streamed chunk as a text_completion chunk (its usage carried over).
import type { ChatCompletion, ChatCompletionChunk } from '../openai/types.ts';

export interface TextCompletion {
  id: string;
  object: 'text_completion';
  created: number;
  model: string;
  choices: Array<{ text: string; index: number; logprobs: null; finish_reason: string | null }>;
  usage?: ChatCompletion['usage'] | null;
}

export function toTextCompletion(completion: ChatCompletion, model: string): TextCompletion {
  return {
    id: completion.id,
    object: 'text_completion',
    created: completion.created,
    model,
    choices: completion.choices.map((choice) => ({ text: choice.message.content ?? '', index: choice.index, logprobs: null, finish_reason: choice.finish_reason })),
    ...(completion.usage && { usage: completion.usage }),
  };
}

export function toTextChunk(chunk: ChatCompletionChunk, model: string): TextCompletion {
  return {
    id: chunk.id,
    object: 'text_completion',
    created: chunk.created,
    model,
    choices: chunk.choices.map((choice) => ({ text: choice.delta.content ?? '', index: choice.index, logprobs: null, finish_reason: choice.finish_reason })),
    ...(chunk.usage && { usage: chunk.usage }),
  };
}
