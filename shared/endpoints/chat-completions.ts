// POST /v1/chat/completions: OpenAI's chat, one kind of model call on the pipeline. Answers are JSON,
// or an SSE stream forwarded chunk by chunk with the usage chunk shown only to clients that asked.
import { SSE_DONE, SSE_HEADERS, sseData, sseError } from '../core/sse.ts';
import { chatAnswers } from '../cache/chat-answers.ts';
import type { Route } from '../core/types.ts';
import { parseChatRequest } from '../openai/chat-request-schema.ts';
import type { ChatCompletionRequest, Usage } from '../openai/types.ts';
import { answerStream } from '../pipeline/answer-stream.ts';
import { attemptChat, type CommittedChat } from '../pipeline/chat-attempt.ts';
import { clampMaxTokens } from '../pipeline/max-tokens.ts';
import { chatSurface } from '../guardrails/surfaces/chat.ts';
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
  return [
    pipeline.route(
      ['/v1/chat/completions', '/chat/completions', '/openai/v1/chat/completions', '/openai/deployments/{model}/chat/completions', '/engines/{model}/chat/completions'],
      chatCompletion(deps),
    ),
  ];
}

function chatCompletion(deps: ChatDeps): ModelCallKind<ChatCompletionRequest, CommittedChat> {
  return {
    callType: 'acompletion',
    guard: chatSurface,
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
    cache: chatAnswers,
    attempt: (body, deployment, ctx) => attemptChat(clampMaxTokens(body, deps.pricer.maxOutputTokens(deployment), ctx), deployment, ctx, deps.providers, deps.dropParams),
    answer(result, body, meter, ctx) {
      if (!result.stream) {
        const completion = { ...result.completion, model: meter.model };
        for (const choice of completion.choices) meter.finished(choice.finish_reason);
        return meter.json(completion, completion.usage, completionText(completion));
      }
      const received = { text: '' };
      return { headers: { ...meter.headers(), ...SSE_HEADERS }, body: answerStream(chunkFrames(result.chunks, body, meter, received, chunkText), ctx, sseError, () => meter.cutShort(received.text)) };
    },
  };
}

/**
 * Provider chunks (chat's, or any OpenAI chunk with choices and usage) as OpenAI SSE, with the
 * client's model name. Usage is recorded from whichever chunk carries it; the usage-only chunk reaches
 * the client only if it asked (`stream_options.include_usage`). `[DONE]` waits for the request's spend record.
 */
export async function* chunkFrames<Chunk extends { model: string; choices: Array<{ finish_reason?: string | null }>; usage?: Usage | null }>(
  chunks: AsyncIterable<Chunk>,
  body: { stream_options?: { include_usage?: boolean } },
  meter: UsageMeter,
  received: { text: string },
  textOf: (chunk: Chunk) => string,
): AsyncGenerator<string> {
  const wantsUsage = body.stream_options?.include_usage === true;
  for await (const chunk of chunks) {
    chunk.model = meter.model;
    meter.identified(chunk);
    received.text += textOf(chunk);
    for (const choice of chunk.choices) meter.finished(choice.finish_reason);
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
