// POST /v1/messages: Anthropic's Messages API (Claude Code, the Anthropic SDKs) for every configured
// model, one kind of model call on the pipeline. An `anthropic/` deployment gets the client's body as
// it came (model name aside) and its answer comes back as Anthropic sent it, streamed event by event;
// any other deployment is called through chat with the body translated to OpenAI's shape, and its
// answer translated back. Answers and errors are in Anthropic's shape.
import { anthropicErrorBody } from '../anthropic-format/errors.ts';
import { parseMessagesRequest, type MessagesRequest } from '../anthropic-format/request-schema.ts';
import { toAnthropicEvents } from '../anthropic-format/stream-events.ts';
import { toChatRequest } from '../anthropic-format/to-chat-request.ts';
import { toAnthropicMessage } from '../anthropic-format/to-message.ts';
import { GatewayError } from '../core/errors.ts';
import type { Deployment } from '../config/types.ts';
import { SSE_HEADERS, sseEvent } from '../core/sse.ts';
import type { RequestContext, Route } from '../core/types.ts';
import type { SseEvent } from '../http/sse-events.ts';
import type { ChatCompletionChunk, ChatCompletionRequest } from '../openai/types.ts';
import { answerStream } from '../pipeline/answer-stream.ts';
import { attemptChat } from '../pipeline/chat-attempt.ts';
import { afterFirstChunk } from '../pipeline/commit-point.ts';
import { clampMaxTokens } from '../pipeline/max-tokens.ts';
import { messagesSurface } from '../guardrails/surfaces/messages.ts';
import type { ModelCallKind } from '../pipeline/model-call.ts';
import type { ModelCallPipeline } from '../pipeline/pipeline.ts';
import { messagesSize } from '../pipeline/request-size.ts';
import type { UsageMeter } from '../pipeline/usage-meter.ts';
import { chunkText, completionText } from '../openai/token-estimate.ts';
import { PROVIDER_NAME as ANTHROPIC } from '../providers/anthropic/errors.ts';
import { forwardMessages, type MessagesAnswer } from '../providers/anthropic/passthrough.ts';
import type { ReportedUsage } from '../providers/anthropic/internal/usage.ts';
import { mergeUsage, toUsage } from '../providers/anthropic/internal/usage.ts';
import { routingOptions } from '../router/request-options.ts';
import type { ChatDeps } from './chat-completions.ts';
import { messagesPromptTokens, messagesUpstreamBody, type MessagesCall, type MessagesCommitted as Committed } from './messages-call.ts';
import { messagesAnswers } from './messages-cache.ts';
import { CHAT_MODES } from '../pipeline/model-modes.ts';

export function messagesEndpoint(pipeline: ModelCallPipeline, deps: ChatDeps): Route[] {
  return [pipeline.route(['/v1/messages', '/messages', '/anthropic/v1/messages'], messages(deps))];
}

export function messages(deps: ChatDeps): ModelCallKind<MessagesCall, Committed> {
  return {
    callType: 'anthropic_messages',
    modes: CHAT_MODES,
    errorBody: anthropicErrorBody,
    guard: messagesSurface,
    parse: (json, headers) => ({ message: parseMessagesRequest(json), beta: headers['anthropic-beta'] }),
    cache: messagesAnswers,
    plan: ({ message }) => ({
      model: message.model,
      endUser: message.metadata?.user_id,
      routing: routingOptions(message, message.model),
      promptTokens: messagesPromptTokens(message),
      size: messagesSize(message),
      prompt: [message.system, message.messages],
    }),
    async attempt(call, deployment, ctx) {
      const maxOutput = deps.pricer.maxOutputTokens(deployment);
      if (deployment.provider === ANTHROPIC) return { format: 'anthropic', answer: await passthrough(call, clampMaxTokens(call.message, maxOutput, ctx), deployment, ctx) };
      // Translated once, on the first deployment that needs it: a passthrough never does.
      const request = (call.translated ??= toChatRequest(call.message));
      const sent = clampMaxTokens(withReasoningIfTaken(request, deps.pricer.supportsReasoning(deployment)), maxOutput, ctx);
      return { format: 'openai', chat: await attemptChat(sent, deployment, ctx, deps.providers, deps.dropParams) };
    },
    answer(committed, _call, meter, ctx) {
      const stream = (frames: AsyncIterable<string>, received: { text: string }) => ({
        headers: { ...meter.headers(), ...SSE_HEADERS },
        body: answerStream(
          frames,
          ctx,
          (error) => sseEvent('error', JSON.stringify(anthropicErrorBody(error))),
          () => meter.cutShort(received.text),
        ),
      });
      if (committed.format === 'anthropic') {
        const { answer } = committed;
        const received = { text: '' };
        if (answer.stream) return stream(forwardedEvents(answer.events, meter, received), received);
        meter.finished(answer.message.stop_reason);
        return meter.json({ ...answer.message, model: meter.model }, toUsage(answer.message.usage), JSON.stringify(answer.message.content));
      }
      const { chat } = committed;
      const received = { text: '' };
      if (chat.stream) return stream(translatedEvents(chat.chunks, meter, received), received);
      const message = toAnthropicMessage(chat.completion, meter.model);
      meter.finished(message.stop_reason);
      return meter.json(message, chat.completion.usage, completionText(chat.completion));
    },
  };
}

async function passthrough(call: MessagesCall, message: MessagesRequest, deployment: Deployment, ctx: RequestContext): Promise<MessagesAnswer> {
  ctx.timings.upstreamStart = Date.now();
  const answer = await forwardMessages({ body: messagesUpstreamBody(message, deployment), deployment, signal: ctx.signal, beta: call.beta });
  if (!answer.stream) {
    ctx.timings.firstByte = Date.now();
    return answer;
  }
  return { stream: true, events: await afterFirstChunk(answer.events, ctx.timings) };
}

/**
 * The reasoning_effort translated from `thinking` is the client's wish for a Claude model (Claude Code
 * asks for adaptive thinking on every request); a model that does not reason refuses the parameter,
 * so it is sent only to models known to take it.
 */
export function withReasoningIfTaken(request: ChatCompletionRequest, reasons: boolean): ChatCompletionRequest {
  if (reasons || request.reasoning_effort === undefined) return request;
  const { reasoning_effort: _dropped, ...rest } = request;
  return rest;
}

/** An anthropic/ deployment's events as Anthropic sent them; only message_start's model is rewritten. */
async function* forwardedEvents(events: AsyncIterable<SseEvent>, meter: UsageMeter, received: { text: string }): AsyncGenerator<string> {
  const usage: ReportedUsage = {};
  const reported = () => (Object.keys(usage).length ? toUsage(usage) : undefined);
  for await (const event of events) {
    let data = event.data;
    // The deltas' JSON as received: an estimate of the answer that errs high.
    if (event.event === 'content_block_delta') received.text += data;
    if (event.event === 'message_start' || event.event === 'message_delta') {
      const parsed = eventJson(event.event, data) as { message?: { model?: string; usage?: ReportedUsage }; usage?: ReportedUsage; delta?: { stop_reason?: string | null } };
      mergeUsage(usage, parsed.message?.usage ?? parsed.usage);
      meter.finished(parsed.delta?.stop_reason);
      if (parsed.message) {
        parsed.message.model = meter.model;
        data = JSON.stringify(parsed);
      }
    }
    if (event.event === 'message_stop') await meter.beforeLastEvent(reported(), received.text);
    yield sseEvent(event.event ?? 'message', data);
  }
}

/** The JSON of an event the gateway reads; an empty or broken one is the upstream's error (the passthrough checks only events with data). */
function eventJson(name: string, data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    throw new GatewayError('upstream_error', `${ANTHROPIC} sent a ${name} event that is not valid JSON.`);
  }
}

/** Another provider's OpenAI chunks as Anthropic events. */
async function* translatedEvents(chunks: AsyncIterable<ChatCompletionChunk>, meter: UsageMeter, received: { text: string }): AsyncGenerator<string> {
  async function* measured(): AsyncGenerator<ChatCompletionChunk> {
    for await (const chunk of chunks) {
      received.text += chunkText(chunk);
      if (chunk.usage) meter.measure(chunk.usage, received.text);
      yield chunk;
    }
  }
  for await (const event of toAnthropicEvents(measured(), meter.model)) {
    if (event.type === 'message_delta') meter.finished(event.delta.stop_reason);
    if (event.type === 'message_stop') await meter.beforeLastEvent(undefined, received.text);
    yield sseEvent(event.type, JSON.stringify(event));
  }
}
