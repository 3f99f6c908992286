// POST /v1/chat/completions: check the body, pick a deployment, call it, and answer as JSON or as
// an SSE stream forwarded chunk by chunk.
import { asGatewayError } from '../core/errors.ts';
import { parseJsonObject } from '../core/json-body.ts';
import { SSE_DONE, SSE_HEADERS, sseData, sseError } from '../core/sse.ts';
import type { RequestContext, Route } from '../core/types.ts';
import { endUserOf } from '../keys/end-user.ts';
import { authorizeModel } from '../keys/model-access.ts';
import { estimateUsage } from '../pricing/estimate-usage.ts';
import { costHeaders, settleCost } from '../pricing/request-cost.ts';
import { parseChatRequest } from '../openai/chat-request-schema.ts';
import type { ChatCompletionChunk, ChatCompletionRequest } from '../openai/types.ts';
import { routeChat } from '../routing/route-chat.ts';
import type { Services } from '../services.ts';
import { chatCall } from '../spend/model-calls.ts';
import { deploymentHeaders } from './deployment-headers.ts';

export function chatCompletionsRoutes(services: Services): Route[] {
  return [{
    method: 'POST',
    paths: ['/v1/chat/completions', '/chat/completions'],
    auth: 'caller',
    async handle(request, ctx) {
      const body = parseChatRequest(parseJsonObject(request.body));
      const endUser = endUserOf(request.headers, body.user);
      await authorizeModel(ctx, services, body.model, endUser);
      await services.spend?.admit(ctx, services, chatCall(body, endUser));
      const result = await routeChat(body, ctx, services);
      const headers = deploymentHeaders(ctx);
      if (!result.stream) {
        const completion = { ...result.completion, model: body.model };
        ctx.usage = completion.usage;
        return { headers: { ...headers, ...costHeaders(settleCost(ctx, services.pricer)) }, body: JSON.stringify(completion) };
      }
      return { headers: { ...headers, ...SSE_HEADERS }, body: sseStream(result.chunks, body, ctx, services) };
    },
  }];
}

/**
 * Re-frames provider chunks as OpenAI SSE. Usage is recorded from whichever chunk carries it; the
 * usage-only chunk reaches the client only if it asked (`stream_options.include_usage`).
 */
async function* sseStream(chunks: AsyncIterable<ChatCompletionChunk>, body: ChatCompletionRequest, ctx: RequestContext, services: Services): AsyncGenerator<string> {
  const wantsUsage = body.stream_options?.include_usage === true;
  let sentText = '';
  try {
    for await (const chunk of chunks) {
      chunk.model = body.model;
      for (const choice of chunk.choices) sentText += (choice.delta.content ?? '') + (choice.delta.reasoning_content ?? '');
      if (chunk.usage) {
        ctx.usage = chunk.usage;
        chunk.usage.cost = settleCost(ctx, services.pricer)?.charged;
        if (!wantsUsage) {
          if (chunk.choices.length === 0) continue;
          delete chunk.usage;
        }
      }
      yield sseData(chunk);
    }
    yield SSE_DONE;
  } catch (error) {
    // A client that left ended the stream itself: nothing failed, and nobody is there to tell.
    if (ctx.signal.aborted) return;
    const failure = asGatewayError(error);
    ctx.error = failure;
    ctx.log.warn('stream failed after the first byte', { requestId: ctx.requestId, kind: failure.kind });
    yield sseError(failure);
  } finally {
    // Cut short (client gone, upstream failed) before the usage chunk: price what was sent.
    if (!ctx.usage) {
      ctx.usage = estimateUsage(body.messages, sentText);
      ctx.usageEstimated = true;
      settleCost(ctx, services.pricer);
    }
  }
}
