// POST /v1/messages (Anthropic's Messages API, for Claude Code and the Anthropic SDKs) and
// POST /v1/messages/count_tokens, for every configured model. Answers and errors are in Anthropic's
// shape; streams are Anthropic's events, forwarded as they come (anthropic/ deployments) or
// translated chunk by chunk from the OpenAI stream (all others).
import { anthropicErrorBody } from '../anthropic-format/errors.ts';
import { parseMessagesRequest } from '../anthropic-format/request-schema.ts';
import { anthropicEvent } from '../anthropic-format/sse.ts';
import { toAnthropicEvents } from '../anthropic-format/stream-events.ts';
import { toAnthropicMessage } from '../anthropic-format/to-message.ts';
import { asGatewayError } from '../core/errors.ts';
import { parseJsonObject } from '../core/json-body.ts';
import { SSE_HEADERS } from '../core/sse.ts';
import type { Reply, RequestContext, Route } from '../core/types.ts';
import type { SseEvent } from '../http/sse-events.ts';
import { endUserOf } from '../keys/end-user.ts';
import { authorizeModel } from '../keys/model-access.ts';
import type { ChatCompletionChunk, ChatCompletionRequest } from '../openai/types.ts';
import { estimateUsage } from '../pricing/estimate-usage.ts';
import { costHeaders, settleCost } from '../pricing/request-cost.ts';
import type { AnthropicUsage } from '../providers/anthropic/types.ts';
import { mergeUsage, toUsage } from '../providers/anthropic/usage.ts';
import { routeCountTokens, routeMessages } from '../routing/route-messages.ts';
import type { Services } from '../services.ts';
import { countTokensCall, messagesCall } from '../spend/model-calls.ts';
import { deploymentHeaders } from './deployment-headers.ts';

export function messagesRoutes(services: Services): Route[] {
  return [
    {
      method: 'POST',
      paths: ['/v1/messages', '/messages'],
      auth: 'caller',
      errorBody: anthropicErrorBody,
      async handle(request, ctx) {
        const body = parseMessagesRequest(parseJsonObject(request.body));
        const endUser = endUserOf(request.headers, body.metadata?.user_id);
        await authorizeModel(ctx, services, body.model, endUser);
        await services.spend?.admit(ctx, services, messagesCall(body, endUser));
        const routed = await routeMessages(body, ctx, services, request.headers['anthropic-beta']);
        // The name the client asked for, after a fallback too (as chat).
        const model = body.model;
        if (routed.format === 'anthropic') {
          const { answer } = routed;
          if (answer.stream) return { headers: { ...deploymentHeaders(ctx), ...SSE_HEADERS }, body: forwardedStream(answer.events, ctx, services, model) };
          ctx.usage = toUsage(answer.message.usage);
          return reply(ctx, services, { ...answer.message, model });
        }
        const { chat, request: chatRequest } = routed;
        if (chat.stream) return { headers: { ...deploymentHeaders(ctx), ...SSE_HEADERS }, body: translatedStream(chat.chunks, chatRequest, ctx, services, model) };
        ctx.usage = chat.completion.usage;
        return reply(ctx, services, toAnthropicMessage(chat.completion, model));
      },
    },
    {
      method: 'POST',
      paths: ['/v1/messages/count_tokens', '/messages/count_tokens'],
      auth: 'caller',
      errorBody: anthropicErrorBody,
      async handle(request, ctx) {
        const body = parseMessagesRequest(parseJsonObject(request.body), { countTokens: true });
        const endUser = endUserOf(request.headers, body.metadata?.user_id);
        await authorizeModel(ctx, services, body.model, endUser);
        await services.spend?.admit(ctx, services, countTokensCall(body, endUser));
        const { input_tokens, estimated } = await routeCountTokens(body, ctx, services, request.headers['anthropic-beta']);
        return { headers: { ...deploymentHeaders(ctx), 'x-tollgate-token-count': estimated ? 'estimated' : 'provider' }, body: JSON.stringify({ input_tokens }) };
      },
    },
  ];
}

function reply(ctx: RequestContext, services: Services, message: unknown): Reply {
  return { headers: { ...deploymentHeaders(ctx), ...costHeaders(settleCost(ctx, services.pricer)) }, body: JSON.stringify(message) };
}

/** An anthropic/ deployment's events as Anthropic sent them; only message_start's model is rewritten. */
function forwardedStream(events: AsyncIterable<SseEvent>, ctx: RequestContext, services: Services, model: string): AsyncIterable<string> {
  const usage: AnthropicUsage = {};
  async function* frames(): AsyncGenerator<string> {
    for await (const event of events) {
      let data = event.data;
      if (event.event === 'message_start' || event.event === 'message_delta') {
        const parsed = JSON.parse(data) as { message?: { model?: string; usage?: AnthropicUsage }; usage?: AnthropicUsage };
        mergeUsage(usage, parsed.message?.usage ?? parsed.usage);
        if (parsed.message) {
          parsed.message.model = model;
          data = JSON.stringify(parsed);
        }
      }
      yield `event: ${event.event ?? 'message'}\ndata: ${data}\n\n`;
    }
  }
  return anthropicSse(frames(), ctx, () => {
    if (!Object.keys(usage).length) return;
    ctx.usage = toUsage(usage);
    settleCost(ctx, services.pricer);
  });
}

/** Another provider's OpenAI chunks as Anthropic events; a stream cut short before its usage is priced from what was sent. */
function translatedStream(chunks: AsyncIterable<ChatCompletionChunk>, request: ChatCompletionRequest, ctx: RequestContext, services: Services, model: string): AsyncIterable<string> {
  let sentText = '';
  async function* recorded(): AsyncGenerator<ChatCompletionChunk> {
    for await (const chunk of chunks) {
      if (chunk.usage) ctx.usage = chunk.usage;
      for (const choice of chunk.choices) sentText += (choice.delta.content ?? '') + (choice.delta.reasoning_content ?? '');
      yield chunk;
    }
  }
  async function* frames(): AsyncGenerator<string> {
    for await (const event of toAnthropicEvents(recorded(), model)) yield anthropicEvent(event);
  }
  return anthropicSse(frames(), ctx, () => {
    if (!ctx.usage) {
      ctx.usage = estimateUsage(request.messages, sentText);
      ctx.usageEstimated = true;
    }
    settleCost(ctx, services.pricer);
  });
}

/**
 * The stream as it goes out: a failure after the first byte becomes Anthropic's in-band `error`
 * event and ends it; `settle` records usage and cost however it ended.
 */
async function* anthropicSse(frames: AsyncIterable<string>, ctx: RequestContext, settle: () => void): AsyncGenerator<string> {
  try {
    yield* frames;
  } catch (error) {
    // A client that left ended the stream itself: nothing failed, and nobody is there to tell.
    if (ctx.signal.aborted) return;
    const failure = asGatewayError(error);
    ctx.error = failure;
    ctx.log.warn('stream failed after the first byte', { requestId: ctx.requestId, kind: failure.kind });
    yield anthropicEvent(anthropicErrorBody(failure));
  } finally {
    settle();
  }
}
