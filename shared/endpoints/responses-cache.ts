// How /v1/responses answers are cached: whole, as the upstream gave them (an OpenAI or Azure
// deployment's `response`; another provider's chat completion, translated again when replayed), and
// replayed as a new response, with ids of its own, to the request that finds it: JSON for a whole
// request, the Responses API's events for a streamed one.
//
// The key is the request's body as parsed (`item_reference`s resolved), less who asks (`user`,
// `metadata`), how it is delivered (`stream`) and whether it is kept (`store`). A request continuing a
// conversation (`previous_response_id`) is cached too, keyed by that id: a stored response never
// changes, and the id is readable only by the key or team that made it (the request is refused before
// the cache is asked otherwise), so no scope ever reads another's conversation.
import { answerDependencies } from '../cache/cache-key.ts';
import type { CachedAnswers } from '../cache/cached-answers.ts';
import { chatAnswers } from '../cache/chat-answers.ts';
import type { SseEvent } from '../http/sse-events.ts';
import { createdNow } from '../openai/completion-id.ts';
import type { ChatCompletion } from '../openai/types.ts';
import { idLike, itemId } from '../responses-format/item-ids.ts';
import { toolNamespaces } from '../responses-format/to-chat-request.ts';
import { responseShell, toResponse } from '../responses-format/to-response.ts';
import type { ResponseItem, ResponseObject } from '../responses-format/types.ts';
import type { ResponsesCall, ResponsesCommitted } from './responses.ts';

/** What an entry holds: the response an OpenAI or Azure deployment made, or the completion another provider's chat made. */
type Stored = { response: ResponseObject } | { completion: ChatCompletion };

export const responsesAnswers: CachedAnswers<ResponsesCall, ResponsesCommitted> = {
  parts: ({ request }) => [{ ...answerDependencies(request), store: undefined }],
  keep(committed, complete) {
    if (committed.format === 'chat') return { ...committed, chat: chatAnswers.keep(committed.chat, ([completion]) => complete([{ completion }])) };
    if (committed.format !== 'native') return committed;
    const { answer } = committed;
    if (!answer.stream) {
      if (whole(answer.answer as ResponseObject)) complete([{ response: answer.answer }]);
      return committed;
    }
    return { ...committed, answer: { stream: true, events: assembled(answer.events, complete) } };
  },
  replay([value], call) {
    const stored = value as Stored;
    const response = 'response' in stored ? stored.response : toResponse(stored.completion, responseShell(call.request, '', ''), toolNamespaces(call.request));
    const { request } = call;
    return {
      format: 'cached',
      response: {
        ...response,
        id: itemId('resp'),
        created_at: createdNow(),
        output: response.output.map(withNewId),
        // What the request says that its key does not hold.
        metadata: request.metadata ?? {},
        user: request.user ?? null,
        store: request.store ?? true,
        previous_response_id: request.previous_response_id ?? null,
      },
    };
  },
};

/** An answer that ended by itself (completed, or incomplete at its output limit); not one that failed or is still running (`background`). */
function whole(response: ResponseObject): boolean {
  return response.status === 'completed' || response.status === 'incomplete';
}

/** The events as they pass; `complete` gets the response the last one carries, if the stream ended with a whole one. */
async function* assembled(events: AsyncIterable<SseEvent>, complete: (values: unknown[]) => void): AsyncGenerator<SseEvent> {
  let last: ResponseObject | undefined;
  for await (const event of events) {
    // Only the lifecycle events carry the response; their data is read again here, the rest is not.
    if (event.data.includes('"response"')) {
      const parsed = JSON.parse(event.data) as { type?: string; response?: ResponseObject };
      if (parsed.response && (parsed.type === 'response.completed' || parsed.type === 'response.incomplete')) last = parsed.response;
    }
    yield event;
  }
  if (last && whole(last)) complete([{ response: last }]);
}

/** An output item with an id of its own: a replayed response's items are new items, referenced by their own ids. */
function withNewId(item: ResponseItem): ResponseItem {
  return typeof item.id === 'string' ? { ...item, id: idLike(item.id) } : item;
}
