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
import type { ChatCompletionChunk, Usage } from '../openai/types.ts';
import { chunkText, completionText, estimateUsage } from '../openai/token-estimate.ts';
import { costHeaders, recordUsage } from '../pricing/request-cost.ts';
import type { RequestCost } from '../pricing/types.ts';
import { mergeUsage, toUsage, type ReportedUsage } from '../providers/anthropic/internal/usage.ts';
import { routeCountTokens, routeMessages } from '../router/route-messages.ts';
import type { Services } from '../services.ts';
import { countTokensCall, messagesCall, type ModelCall } from '../spend/model-calls.ts';
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
        const call = messagesCall(body, endUser);
        await services.spend?.admit(ctx, services, call);
        const routed = await routeMessages(body, ctx, services, request.headers['anthropic-beta']);
        const usage = new UsageRecorder(ctx, services, call, [body.system, body.messages]);
        // The name the client asked for, after a fallback too (as chat).
        const model = body.model;
        if (routed.format === 'anthropic') {
          const { answer } = routed;
          if (answer.stream) return { headers: { ...deploymentHeaders(ctx), ...SSE_HEADERS }, body: forwardedStream(answer.events, ctx, usage, model) };
          const cost = usage.record(toUsage(answer.message.usage), JSON.stringify(answer.message.content));
          return reply(ctx, cost, { ...answer.message, model });
        }
        const { chat } = routed;
        if (chat.stream) return { headers: { ...deploymentHeaders(ctx), ...SSE_HEADERS }, body: translatedStream(chat.chunks, ctx, usage, model) };
        const cost = usage.record(chat.completion.usage, completionText(chat.completion));
        return reply(ctx, cost, toAnthropicMessage(chat.completion, model));
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

async function reply(ctx: RequestContext, cost: RequestCost | undefined, message: unknown): Promise<Reply> {
  await ctx.answerReady();
  return { headers: { ...deploymentHeaders(ctx), ...costHeaders(cost) }, body: JSON.stringify(message) };
}

/** Records the request's usage (shared/pricing/request-cost.ts), estimating from the prompt and the answer's text when needed. */
class UsageRecorder {
  constructor(private readonly ctx: RequestContext, private readonly services: Services, private readonly call: ModelCall, private readonly prompt: unknown) {}

  record(reported: Usage | undefined, answerText: string): RequestCost | undefined {
    return recordUsage(this.ctx, this.services.pricer, this.call.size, reported, () => estimateUsage(this.prompt, answerText));
  }

  /** A stream's end: the usage it reported, else an estimate; the last event waits for the ledger record. */
  async beforeLastEvent(reported: Usage | undefined, answerText: string): Promise<void> {
    this.record(reported, answerText);
    await this.ctx.answerReady();
  }

  /** A stream cut short before its end: what it reported so far, else an estimate, if nothing was recorded yet. */
  cutShort(reported: Usage | undefined, answerText: string): void {
    if (this.ctx.usage) return;
    try {
      this.record(reported, answerText);
    } catch {
      // Impossible usage: the estimate is recorded, and nobody is there to tell.
    }
  }
}

/** An anthropic/ deployment's events as Anthropic sent them; only message_start's model is rewritten. */
function forwardedStream(events: AsyncIterable<SseEvent>, ctx: RequestContext, recorder: UsageRecorder, model: string): AsyncIterable<string> {
  const usage: ReportedUsage = {};
  // The deltas' JSON as received: an estimate of the answer that errs high.
  let received = '';
  const reported = () => (Object.keys(usage).length ? toUsage(usage) : undefined);
  async function* frames(): AsyncGenerator<string> {
    for await (const event of events) {
      let data = event.data;
      if (event.event === 'content_block_delta') received += data;
      if (event.event === 'message_start' || event.event === 'message_delta') {
        const parsed = JSON.parse(data) as { message?: { model?: string; usage?: ReportedUsage }; usage?: ReportedUsage };
        mergeUsage(usage, parsed.message?.usage ?? parsed.usage);
        if (parsed.message) {
          parsed.message.model = model;
          data = JSON.stringify(parsed);
        }
      }
      if (event.event === 'message_stop') await recorder.beforeLastEvent(reported(), received);
      yield `event: ${event.event ?? 'message'}\ndata: ${data}\n\n`;
    }
  }
  return anthropicSse(frames(), ctx, () => recorder.cutShort(reported(), received));
}

/** Another provider's OpenAI chunks as Anthropic events; a stream cut short before its usage is priced from what was sent. */
function translatedStream(chunks: AsyncIterable<ChatCompletionChunk>, ctx: RequestContext, recorder: UsageRecorder, model: string): AsyncIterable<string> {
  let sentText = '';
  async function* recorded(): AsyncGenerator<ChatCompletionChunk> {
    for await (const chunk of chunks) {
      sentText += chunkText(chunk);
      if (chunk.usage) recorder.record(chunk.usage, sentText);
      yield chunk;
    }
  }
  async function* frames(): AsyncGenerator<string> {
    for await (const event of toAnthropicEvents(recorded(), model)) {
      if (event.type === 'message_stop') await recorder.beforeLastEvent(ctx.usage ?? undefined, sentText);
      yield anthropicEvent(event);
    }
  }
  return anthropicSse(frames(), ctx, () => recorder.cutShort(undefined, sentText));
}

/**
 * The stream as it goes out: a failure after the first byte becomes Anthropic's in-band `error`
 * event and ends it; `cutShort` records usage however it ended.
 */
async function* anthropicSse(frames: AsyncIterable<string>, ctx: RequestContext, cutShort: () => void): AsyncGenerator<string> {
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
    cutShort();
  }
}
