// POST /v1/chat/completions: check the body, pick a deployment, call it, and answer as JSON or as
// an SSE stream forwarded chunk by chunk.
import { asGatewayError } from '../core/errors.ts';
import { parseJsonObject } from '../core/json-body.ts';
import { SSE_DONE, SSE_HEADERS, sseData, sseError } from '../core/sse.ts';
import type { RequestContext, Route } from '../core/types.ts';
import { endUserOf } from '../keys/end-user.ts';
import { authorizeModel } from '../keys/model-access.ts';
import { chunkText, completionText, estimateUsage } from '../openai/token-estimate.ts';
import { costHeaders, recordUsage } from '../pricing/request-cost.ts';
import { parseChatRequest } from '../openai/chat-request-schema.ts';
import type { ChatCompletionChunk, ChatCompletionRequest } from '../openai/types.ts';
import { routeChat } from '../router/route-chat.ts';
import type { Services } from '../services.ts';
import { chatCall, type ModelCall } from '../spend/model-calls.ts';
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
      const call = chatCall(body, endUser);
      await services.spend?.admit(ctx, services, call);
      const result = await routeChat(body, ctx, services);
      const headers = deploymentHeaders(ctx);
      if (!result.stream) {
        const completion = { ...result.completion, model: body.model };
        const cost = recordUsage(ctx, services.pricer, call.size, completion.usage, () => estimateUsage(body.messages, completionText(completion)));
        await ctx.answerReady();
        return { headers: { ...headers, ...costHeaders(cost) }, body: JSON.stringify(completion) };
      }
      return { headers: { ...headers, ...SSE_HEADERS }, body: sseStream(result.chunks, body, call, ctx, services) };
    },
  }];
}

/**
 * Re-frames provider chunks as OpenAI SSE. Usage is recorded from whichever chunk carries it; the
 * usage-only chunk reaches the client only if it asked (`stream_options.include_usage`). `[DONE]`
 * waits for the request's ledger record.
 */
async function* sseStream(chunks: AsyncIterable<ChatCompletionChunk>, body: ChatCompletionRequest, call: ModelCall, ctx: RequestContext, services: Services): AsyncGenerator<string> {
  const wantsUsage = body.stream_options?.include_usage === true;
  let sentText = '';
  // Cut short (client gone, upstream failed) or no believable usage: price what was sent.
  const record = (usage?: ChatCompletionChunk['usage']) => recordUsage(ctx, services.pricer, call.size, usage ?? undefined, () => estimateUsage(body.messages, sentText));
  try {
    for await (const chunk of chunks) {
      chunk.model = body.model;
      sentText += chunkText(chunk);
      if (chunk.usage) {
        chunk.usage.cost = record(chunk.usage)?.charged;
        if (!wantsUsage) {
          if (chunk.choices.length === 0) continue;
          delete chunk.usage;
        }
      }
      yield sseData(chunk);
    }
    if (!ctx.usage) record();
    await ctx.answerReady();
    yield SSE_DONE;
  } catch (error) {
    // A client that left ended the stream itself: nothing failed, and nobody is there to tell.
    if (ctx.signal.aborted) return;
    const failure = asGatewayError(error);
    ctx.error = failure;
    ctx.log.warn('stream failed after the first byte', { requestId: ctx.requestId, kind: failure.kind });
    yield sseError(failure);
  } finally {
    if (!ctx.usage) record();
  }
}
