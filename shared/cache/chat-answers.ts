// How chat answers are cached: whole, as the `chat.completion` the upstream sent (a stream's chunks
// added up into one once it ended), and replayed as the request asks, so that a streamed request is
// answered by a stream (the usage chunk included when asked) and a whole one by JSON, whichever
// stored the entry.
import { CompletionAssembler, completionChunks } from '../openai/completion-chunks.ts';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest } from '../openai/types.ts';
import type { CommittedChat } from '../pipeline/chat-attempt.ts';
import type { CachedAnswers } from './cached-answers.ts';
import { answerDependencies } from './cache-key.ts';

export const chatAnswers: CachedAnswers<ChatCompletionRequest, CommittedChat> = {
  parts: (body) => [answerDependencies(body)],
  keep(committed, complete) {
    if (!committed.stream) {
      complete([committed.completion]);
      return committed;
    }
    return { stream: true, chunks: assembled(committed.chunks, complete) };
  },
  replay([completion], body) {
    const stored = completion as ChatCompletion;
    return body.stream ? { stream: true, chunks: replayed(stored) } : { stream: false, completion: { ...stored, ...(stored.usage && { usage: { ...stored.usage } }) } };
  },
  prompt(body) {
    const { messages: _messages, ...rest } = answerDependencies(body);
    return { text: promptText(body.messages), rest };
  },
};

/** What the messages say, as the semantic cache embeds it: their text, one message a line. */
function promptText(messages: ChatCompletionRequest['messages']): string {
  const text = (content: ChatCompletionRequest['messages'][number]['content']) =>
    typeof content === 'string' ? content : (content ?? []).map((part) => (part.type === 'text' && typeof part['text'] === 'string' ? part['text'] : '')).join(' ');
  return messages.map((message) => `${message.role}: ${text(message.content)}`).join('\n');
}

/** The chunks as they pass, added up; `complete` gets the completion only if the stream ended by itself. */
async function* assembled(chunks: AsyncIterable<ChatCompletionChunk>, complete: (values: unknown[]) => void): AsyncGenerator<ChatCompletionChunk> {
  const assembler = new CompletionAssembler();
  for await (const chunk of chunks) {
    assembler.add(chunk);
    yield chunk;
  }
  complete([assembler.completion()]);
}

async function* replayed(completion: ChatCompletion): AsyncGenerator<ChatCompletionChunk> {
  yield* completionChunks(completion);
}
