// What each model route tells the spend tracker about its request before the upstream call: the
// model, the end user, and the sizes its worst-case cost is reserved from. Input sizes are estimated
// from the body's JSON (about four characters a token), which errs high: a reservation must not fall
// short of the real cost.
import type { MessagesRequest } from '../anthropic-format/request-schema.ts';
import type { ChatCompletionRequest, EmbeddingRequest } from '../openai/types.ts';
import { estimateJsonTokens as tokensIn } from '../openai/token-estimate.ts';
import type { ModelCall } from './tracker.ts';

export function chatCall(body: ChatCompletionRequest, endUser: string | undefined): ModelCall {
  return { callType: 'acompletion', model: body.model, endUser, inputTokens: tokensIn(body.messages), maxOutputTokens: body.max_completion_tokens ?? body.max_tokens ?? undefined };
}

export function embeddingCall(body: EmbeddingRequest, endUser: string | undefined): ModelCall {
  return { callType: 'aembedding', model: body.model, endUser, inputTokens: tokensIn(body.input), maxOutputTokens: 0 };
}

export function messagesCall(body: MessagesRequest, endUser: string | undefined): ModelCall {
  return { callType: 'anthropic_messages', model: body.model, endUser, inputTokens: tokensIn([body.system, body.messages]), maxOutputTokens: body.max_tokens };
}

/** POST /v1/messages/count_tokens costs nothing, but counts toward rate limits as every request does in LiteLLM. */
export function countTokensCall(body: MessagesRequest, endUser: string | undefined): ModelCall {
  return { callType: 'count_tokens', model: body.model, endUser, inputTokens: 0, free: true };
}
