// How /v1/messages answers are cached: whole, as the Anthropic message the client got (a stream's
// events added up into one once it ended; an answer from another provider translated), and replayed as
// the request asks: events for a streamed request, the message for a whole one.
import { MessageAssembler, messageEvents } from '../anthropic-format/message-events.ts';
import { toAnthropicMessage } from '../anthropic-format/to-message.ts';
import { answerDependencies } from '../cache/cache-key.ts';
import type { CachedAnswers } from '../cache/cached-answers.ts';
import { chatAnswers } from '../cache/chat-answers.ts';
import type { SseEvent } from '../http/sse-events.ts';
import type { ChatCompletion } from '../openai/types.ts';
import type { MessageAnswer } from '../providers/anthropic/answer-schema.ts';
import type { AnthropicResponse } from '../providers/anthropic/internal/types.ts';
import type { MessagesCall, MessagesCommitted } from './messages-call.ts';

export const messagesAnswers: CachedAnswers<MessagesCall, MessagesCommitted> = {
  // Beta features change answers; Anthropic's `metadata` ({user_id}) and `stream` do not.
  parts: ({ message, beta }) => [{ ...answerDependencies(message), beta }],
  keep(committed, complete) {
    if (committed.format === 'openai') {
      const chat = chatAnswers.keep(committed.chat, ([completion]) => complete([toAnthropicMessage(completion as ChatCompletion, (completion as ChatCompletion).model)]));
      return { format: 'openai', chat };
    }
    const { answer } = committed;
    if (!answer.stream) {
      complete([answer.message]);
      return committed;
    }
    return { format: 'anthropic', answer: { stream: true, events: assembled(answer.events, complete) } };
  },
  replay([message], call) {
    return { format: 'anthropic', answer: call.message.stream ? { stream: true, events: replayed(message as AnthropicResponse) } : { stream: false, message: message as MessageAnswer } };
  },
};

/** The events as they pass, added up; `complete` gets the message only if the stream ended by itself. */
async function* assembled(events: AsyncIterable<SseEvent>, complete: (values: unknown[]) => void): AsyncGenerator<SseEvent> {
  const assembler = new MessageAssembler();
  for await (const event of events) {
    assembler.add(event);
    yield event;
  }
  const message = assembler.message();
  if (message) complete([message]);
}

async function* replayed(message: AnthropicResponse): AsyncGenerator<SseEvent> {
  yield* messageEvents(message);
}
