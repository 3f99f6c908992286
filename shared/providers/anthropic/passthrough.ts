// Anthropic's own format in and out, for POST /v1/messages (and count_tokens) on an `anthropic/`
// deployment: the client's body goes upstream as it came (model name aside) and the answer comes back
// as Anthropic sent it, streamed event by event. Transport and error mapping are the chat provider's.
import type { Deployment } from '../../config/types.ts';
import type { SseEvent } from '../../http/sse-events.ts';
import { translateUpstreamStream } from '../../http/upstream-stream.ts';
import { callUpstream, readJson, type UpstreamRequest } from '../../http/upstream.ts';
import { parseAnswer, parseEvent } from '../upstream-answer.ts';
import { countTokensSchema, messageSchema, streamEvents, type MessageAnswer } from './answer-schema.ts';
import { PROVIDER_NAME, streamError } from './errors.ts';
import { messagesUrl, requestHeaders, upstreamErrorMapper } from './provider.ts';
import { deploymentLimits } from '../deployment-limits.ts';

export interface MessagesCall {
  /** The client's Messages body with `model` set to the upstream model. */
  body: Record<string, unknown>;
  deployment: Deployment;
  signal: AbortSignal;
  /** The client's `anthropic-beta` header: beta features are asked for by header. */
  beta?: string;
}

export type MessagesAnswer = { stream: false; message: MessageAnswer } | { stream: true; events: AsyncIterable<SseEvent> };

export async function forwardMessages(call: MessagesCall): Promise<MessagesAnswer> {
  const upstream = upstreamRequest(call, 'messages');
  const response = await callUpstream(upstream, upstreamErrorMapper(call.deployment));
  if (!upstream.stream) {
    return { stream: false, message: parseAnswer(messageSchema, await readJson(response, upstream), PROVIDER_NAME, 'a message') };
  }
  return { stream: true, events: translateUpstreamStream(response.body, upstream, PROVIDER_NAME, (events) => failingOnFirstError(events, call.deployment.apiKey)) };
}

/** POST /v1/messages/count_tokens: `{ input_tokens }`. */
export async function forwardCountTokens(call: MessagesCall): Promise<{ input_tokens: number }> {
  const upstream = upstreamRequest({ ...call, body: { ...call.body, stream: undefined } }, 'messages/count_tokens');
  const answer = await readJson(await callUpstream(upstream, upstreamErrorMapper(call.deployment)), upstream);
  const { input_tokens } = parseAnswer(countTokensSchema, answer, PROVIDER_NAME, 'a token count');
  return { input_tokens };
}

function upstreamRequest({ body, deployment, signal, beta }: MessagesCall, path: string): UpstreamRequest {
  const headers = requestHeaders(deployment);
  if (beta) headers['anthropic-beta'] = beta;
  return {
    url: messagesUrl(deployment, path),
    headers,
    body: JSON.stringify(body),
    signal,
    stream: body['stream'] === true,
    ...deploymentLimits(deployment),
  };
}

/**
 * The upstream's events as they come, each checked for what the gateway reads of it. An `error` event
 * in first place fails the call (so the router can retry it elsewhere); later ones are the client's
 * to read, in-band, as Anthropic sent them.
 */
async function* failingOnFirstError(events: AsyncIterable<SseEvent>, apiKey: string | undefined): AsyncGenerator<SseEvent> {
  let first = true;
  for await (const event of events) {
    const data = event.data.trim() ? parseEvent(streamEvents.schema, JSON.parse(event.data), PROVIDER_NAME, 'an Anthropic stream event') : undefined;
    if (first && data && streamEvents.isListed(data) && data.type === 'error') throw streamError(data.error, apiKey);
    first = false;
    yield event;
  }
}
