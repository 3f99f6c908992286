// POST /v1/completions: OpenAI's legacy text completions, one kind of model call on the pipeline.
// OpenAI-family deployments that serve the API themselves (openai/, azure/, text-completion-openai/)
// get the client's body as it came (model name aside) on their own /completions; any other chat model
// is called through chat with the prompt as one user message (shared/completions-format/), its answer
// written back as text choices. Answers are JSON, or SSE with the usage chunk shown only to clients
// that asked for it.
import { Buffer } from 'node:buffer';
import { parseTextCompletionRequest, promptTexts, type TextCompletionRequest } from '../completions-format/request-schema.ts';
import { toChatRequest } from '../completions-format/to-chat-request.ts';
import { type TextCompletion, toTextChunk, toTextCompletion } from '../completions-format/to-text-completion.ts';
import type { Deployment } from '../config/types.ts';
import { SSE_HEADERS, sseError } from '../core/sse.ts';
import type { Route } from '../core/types.ts';
import type { SseEvent } from '../http/sse-events.ts';
import { completionText, estimateTextTokens } from '../openai/token-estimate.ts';
import type { ChatCompletionChunk, ChatCompletionRequest } from '../openai/types.ts';
import { answerStream } from '../pipeline/answer-stream.ts';
import { attemptChat, type CommittedChat } from '../pipeline/chat-attempt.ts';
import { afterFirstChunk } from '../pipeline/commit-point.ts';
import { clampMaxTokens } from '../pipeline/max-tokens.ts';
import type { ModelCallKind } from '../pipeline/model-call.ts';
import type { ModelCallPipeline } from '../pipeline/pipeline.ts';
import { textCompletionSchema } from '../providers/openai-compatible/answer-schema.ts';
import { forwardNative, type NativeAnswer, nativePreset } from '../providers/openai-compatible/native-api.ts';
import { withoutGatewayFields } from '../providers/params.ts';
import { parseAnswer, parseEvent } from '../providers/upstream-answer.ts';
import { routingOptions } from '../router/request-options.ts';
import { completionsSurface } from '../guardrails/surfaces/completions.ts';
import { type ChatDeps, chunkFrames } from './chat-completions.ts';

interface TextCompletionCall {
  request: TextCompletionRequest;
  /** The request in OpenAI's chat shape, made on the first deployment that needs it. */
  translated?: ChatCompletionRequest;
}

export type CompletionsCommitted = { format: 'native'; answer: NativeAnswer; provider: string } | { format: 'chat'; chat: CommittedChat };
type Committed = CompletionsCommitted;

export function completionsEndpoint(pipeline: ModelCallPipeline, deps: ChatDeps): Route[] {
  return [pipeline.route(['/v1/completions', '/completions'], textCompletions(deps))];
}

function textCompletions(deps: ChatDeps): ModelCallKind<TextCompletionCall, Committed> {
  return {
    callType: 'atext_completion',
    guard: completionsSurface,
    parse: (json) => ({ request: parseTextCompletionRequest(json) }),
    plan: ({ request }) => {
      const prompts = promptTexts(request);
      return {
        model: request.model,
        endUser: request.user,
        routing: routingOptions(request, request.model),
        promptTokens: prompts.reduce((sum, text) => sum + estimateTextTokens(text), 0),
        // OpenAI makes best_of completions of each prompt and bills them all.
        size: { inputTokens: prompts.map((text) => Buffer.byteLength(text)), unmeasuredInput: false, choices: Math.max(request.n ?? 1, request.best_of ?? 1), maxOutputTokens: request.max_tokens },
        prompt: prompts,
      };
    },
    async attempt(call, deployment, ctx) {
      const preset = call.request.mock_response === undefined ? nativePreset(deployment, 'completions') : undefined;
      const maxOutput = deps.pricer.maxOutputTokens(deployment);
      if (preset) {
        ctx.timings.upstreamStart = Date.now();
        const answer = await forwardNative(preset, { api: 'completions', body: nativeBody(clampMaxTokens(call.request, maxOutput, ctx), deployment), deployment, signal: ctx.signal });
        if (!answer.stream) ctx.timings.firstByte = Date.now();
        return { format: 'native', provider: preset.name, answer: answer.stream ? { stream: true, events: await afterFirstChunk(answer.events, ctx.timings) } : answer };
      }
      // Translated once, on the first deployment that needs it: a native call never does.
      const request = (call.translated ??= toChatRequest(call.request, deps.dropParams));
      return { format: 'chat', chat: await attemptChat(clampMaxTokens(request, maxOutput, ctx), deployment, ctx, deps.providers, deps.dropParams) };
    },
    answer(committed, call, meter, ctx) {
      const received = { text: '' };
      const stream = (completions: AsyncIterable<TextCompletion>) => ({
        headers: { ...meter.headers(), ...SSE_HEADERS },
        body: answerStream(chunkFrames(completions, call.request, meter, received, choicesText), ctx, sseError, () => meter.cutShort(received.text)),
      });
      if (committed.format === 'native') {
        const { answer, provider } = committed;
        if (answer.stream) return stream(nativeChunks(answer.events, provider));
        const parsed = parseAnswer(textCompletionSchema, answer.answer, provider, 'a text completion');
        return meter.json({ ...(answer.answer as Record<string, unknown>), model: meter.model }, parsed.usage, choicesText(parsed));
      }
      const { chat } = committed;
      if (chat.stream) return stream(translatedChunks(chat.chunks, meter.model));
      return meter.json(toTextCompletion(chat.completion, meter.model), chat.completion.usage, completionText(chat.completion));
    },
  };
}

/** The client's body for a /completions API, the usage chunk always asked for (spend is priced from it). */
function nativeBody(request: TextCompletionRequest, deployment: Deployment): Record<string, unknown> {
  const body: Record<string, unknown> = withoutGatewayFields(request, deployment.upstreamModel);
  if (request.stream) body['stream_options'] = { ...request.stream_options, include_usage: true };
  return body;
}

/** An upstream's text_completion chunks, read to the end of its body (past [DONE], so the connection can be reused). */
async function* nativeChunks(events: AsyncIterable<SseEvent>, provider: string): AsyncGenerator<TextCompletion> {
  for await (const event of events) {
    if (event.data === '[DONE]') continue;
    const raw = JSON.parse(event.data) as TextCompletion;
    const parsed = parseEvent(textCompletionSchema, raw, provider, 'a text_completion chunk');
    // A chunk without choices (a usage chunk may leave them out) goes on with none.
    yield { ...raw, choices: raw.choices ?? [], usage: parsed.usage };
  }
}

async function* translatedChunks(chunks: AsyncIterable<ChatCompletionChunk>, model: string): AsyncGenerator<TextCompletion> {
  for await (const chunk of chunks) yield toTextChunk(chunk, model);
}

function choicesText(completion: { choices: Array<{ text: string }> }): string {
  return completion.choices.map((choice) => choice.text).join('');
}
