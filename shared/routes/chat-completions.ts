// POST /v1/chat/completions: check the body, pick a deployment, call it, and answer as JSON or as
// an SSE stream forwarded chunk by chunk.
import { asGatewayError } from '../core/errors.ts';
import { parseJsonObject } from '../core/json-body.ts';
import { SSE_DONE, SSE_HEADERS, sseData, sseError } from '../core/sse.ts';
import type { RequestContext, Route } from '../core/types.ts';
import { parseChatRequest } from '../openai/chat-request-schema.ts';
import type { ChatCompletionChunk, ChatCompletionRequest } from '../openai/types.ts';
import { routeChat } from '../routing/route-chat.ts';
import type { Services } from '../services.ts';

export function chatCompletionsRoutes(services: Services): Route[] {
  return [{
    method: 'POST',
    paths: ['/v1/chat/completions', '/chat/completions'],
    auth: 'caller',
    async handle(request, ctx) {
      const body = parseChatRequest(parseJsonObject(request.body));
      const result = await routeChat(body, ctx, services);
      const headers = deploymentHeaders(ctx);
      if (!result.stream) {
        const completion = { ...result.completion, model: body.model };
        ctx.usage = completion.usage;
        return { headers, body: JSON.stringify(completion) };
      }
      return { headers: { ...headers, ...SSE_HEADERS }, body: sseStream(result.chunks, body, ctx) };
    },
  }];
}

function deploymentHeaders(ctx: RequestContext): Record<string, string> {
  const id = ctx.deployment?.id ?? '';
  return { 'x-tollgate-model-id': id, 'x-litellm-model-id': id, 'x-litellm-model-group': ctx.requestedModel ?? '' };
}

/**
 * Re-frames provider chunks as OpenAI SSE. Usage is recorded from whichever chunk carries it; the
 * usage-only chunk reaches the client only if it asked (`stream_options.include_usage`).
 */
async function* sseStream(chunks: AsyncIterable<ChatCompletionChunk>, body: ChatCompletionRequest, ctx: RequestContext): AsyncGenerator<string> {
  const wantsUsage = body.stream_options?.include_usage === true;
  try {
    for await (const chunk of chunks) {
      chunk.model = body.model;
      if (chunk.usage) {
        ctx.usage = chunk.usage;
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
  }
}
