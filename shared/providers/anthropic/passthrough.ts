// Anthropic's own format in and out, for POST /v1/messages (and count_tokens) on an `anthropic/`
// deployment: the client's body goes upstream as it came (model name aside) and the answer comes back
// as Anthropic sent it, streamed event by event. Transport and error mapping are the chat provider's.
import type { Deployment } from '../../config/types.ts';
import { GatewayError } from '../../core/errors.ts';
import type { SseEvent } from '../../http/sse-events.ts';
import { translateUpstreamStream } from '../../http/upstream-stream.ts';
import { callUpstream, readJson, type UpstreamRequest } from '../../http/upstream.ts';
import { checkedEvent, checkedMessage } from './answer-schema.ts';
import { PROVIDER_NAME, streamError } from './errors.ts';
import { messagesUrl, requestHeaders, upstreamErrorMapper } from './provider.ts';
import type { AnthropicResponse } from './types.ts';

export interface MessagesCall {
  /** The client's Messages body with `model` set to the upstream model. */
  body: Record<string, unknown>;
  deployment: Deployment;
  signal: AbortSignal;
  /** The client's `anthropic-beta` header: beta features are asked for by header. */
  beta?: string;
}

export type MessagesAnswer =
  | { stream: false; message: AnthropicResponse }
  | { stream: true; events: AsyncIterable<SseEvent> };

export async function forwardMessages(call: MessagesCall): Promise<MessagesAnswer> {
  const upstream = upstreamRequest(call, 'messages');
  const response = await callUpstream(upstream, upstreamErrorMapper(call.deployment));
  if (!upstream.stream) {
    return { stream: false, message: checkedMessage(await readJson(response, upstream)) };
  }
  return { stream: true, events: translateUpstreamStream(response.body, upstream, PROVIDER_NAME, (events) => failingOnFirstError(events, call.deployment.apiKey)) };
}

/** POST /v1/messages/count_tokens: `{ input_tokens }`. */
export async function forwardCountTokens(call: MessagesCall): Promise<{ input_tokens: number }> {
  const upstream = upstreamRequest({ ...call, body: { ...call.body, stream: undefined } }, 'messages/count_tokens');
  const { input_tokens: tokens } = (await readJson(await callUpstream(upstream, upstreamErrorMapper(call.deployment)), upstream)) as { input_tokens?: unknown };
  if (typeof tokens !== 'number' || !Number.isSafeInteger(tokens) || tokens < 0) throw new GatewayError('upstream_error', `${PROVIDER_NAME} answered count_tokens without a token count in input_tokens.`);
  return { input_tokens: tokens };
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
    timeoutMs: deployment.timeoutMs,
    streamTimeoutMs: deployment.streamTimeoutMs,
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
    const data = event.data.trim() ? checkedEvent(event.data) : undefined;
    if (first && data?.type === 'error') throw streamError(data.error, apiKey);
    first = false;
    yield event;
  }
}
