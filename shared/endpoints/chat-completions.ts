// POST /v1/chat/completions: OpenAI's chat, one kind of model call on the pipeline. Answers are JSON,
// or an SSE stream forwarded chunk by chunk with the usage chunk shown only to clients that asked.
import { SSE_DONE, SSE_HEADERS, sseData, sseError } from '../core/sse.ts';
import type { Route } from '../core/types.ts';
import { parseChatRequest } from '../openai/chat-request-schema.ts';
import type { ChatCompletionChunk, ChatCompletionRequest } from '../openai/types.ts';
import { answerStream } from '../pipeline/answer-stream.ts';
import { attemptChat, type CommittedChat } from '../pipeline/chat-attempt.ts';
import { clampMaxTokens } from '../pipeline/max-tokens.ts';
import type { ModelCallKind } from '../pipeline/model-call.ts';
import type { ModelCallPipeline } from '../pipeline/pipeline.ts';
import { chatSize } from '../pipeline/request-size.ts';
import type { UsageMeter } from '../pipeline/usage-meter.ts';
import { chunkText, completionText } from '../openai/token-estimate.ts';
import type { Pricer } from '../pricing/pricer.ts';
import type { ProviderRegistry } from '../providers/registry.ts';
import { estimatePromptTokens } from '../openai/token-estimate.ts';
import { routingOptions } from '../router/request-options.ts';
import { CHAT_MODES } from '../pipeline/model-modes.ts';

export interface ChatDeps {
  providers: ProviderRegistry;
  pricer: Pricer;
  /** `litellm_settings.drop_params`. */
  dropParams: boolean;
}

export function chatCompletionsEndpoint(pipeline: ModelCallPipeline, deps: ChatDeps): Route[] {
  return [pipeline.route(['/v1/chat/completions', '/chat/completions'], chatCompletion(deps))];
}

function chatCompletion(deps: ChatDeps): ModelCallKind<ChatCompletionRequest, CommittedChat> {
  return {
    callType: 'acompletion',
    modes: CHAT_MODES,
    parse: parseChatRequest,
    plan: (body) => ({
      model: body.model,
      endUser: body.user,
      routing: routingOptions(body, body.model),
      promptTokens: estimatePromptTokens(body.messages),
      size: chatSize(body),
      prompt: body.messages,
    }),
    attempt: (body, deployment, ctx) => attemptChat(clampMaxTokens(body, deps.pricer.maxOutputTokens(deployment), ctx), deployment, ctx, deps.providers, deps.dropParams),
    answer(result, body, meter, ctx) {
      if (!result.stream) {
        const completion = { ...result.completion, model: meter.model };
        return meter.json(completion, completion.usage, completionText(completion));
      }
      const received = { text: '' };
      return { headers: { ...meter.headers(), ...SSE_HEADERS }, body: answerStream(chunkFrames(result.chunks, body, meter, received), ctx, sseError, () => meter.cutShort(received.text)) };
    },
  };
}

/**
 * Provider chunks as OpenAI SSE. Usage is recorded from whichever chunk carries it; the usage-only
 * chunk reaches the client only if it asked (`stream_options.include_usage`). `[DONE]` waits for the
 * request's spend record.
 */
async function* chunkFrames(chunks: AsyncIterable<ChatCompletionChunk>, body: ChatCompletionRequest, meter: UsageMeter, received: { text: string }): AsyncGenerator<string> {
  const wantsUsage = body.stream_options?.include_usage === true;
  for await (const chunk of chunks) {
    chunk.model = meter.model;
    received.text += chunkText(chunk);
    if (chunk.usage) {
      chunk.usage.cost = meter.measure(chunk.usage, received.text)?.charged;
      if (!wantsUsage) {
        if (chunk.choices.length === 0) continue;
        delete chunk.usage;
      }
    }
    yield sseData(chunk);
  }
  await meter.beforeLastEvent(undefined, received.text);
  yield SSE_DONE;
}
