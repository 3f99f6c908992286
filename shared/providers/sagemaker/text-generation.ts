// `sagemaker/<endpoint>`: a Hugging Face text-generation (TGI) container, as LiteLLM calls it. The
// messages become one prompt (their texts joined by spaces, LiteLLM's fallback when it knows no chat
// template for the model), OpenAI's parameters TGI's (`max_new_tokens`, `stop`, ...), and the answer,
// whole or streamed token by token, an OpenAI completion. TGI reports the tokens it generated; the
// prompt's are estimated.
import { completionId, createdNow } from '../../openai/completion-id.ts';
import { estimatePromptTokens, estimateTextTokens } from '../../openai/token-estimate.ts';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest, FinishReason, Usage } from '../../openai/types.ts';
import type { SseEvent } from '../../http/sse-events.ts';
import { GatewayError } from '../../core/errors.ts';
import { tokenCount } from '../token-count.ts';
import { parseAnswer, parseEvent } from '../upstream-answer.ts';
import { generationSchema, tokenEventSchema } from './answer-schema.ts';

export function textGenerationBody(request: ChatCompletionRequest): Record<string, unknown> {
  const prompt = request.messages.map((m) => (typeof m.content === 'string' ? m.content : (m.content ?? []).map((p) => ('text' in p && typeof p.text === 'string' ? p.text : '')).join(''))).join(' ');
  const parameters: Record<string, unknown> = { details: true };
  const maxTokens = request.max_completion_tokens ?? request.max_tokens;
  if (maxTokens !== undefined) parameters['max_new_tokens'] = maxTokens;
  if (request.temperature !== undefined) parameters['temperature'] = request.temperature;
  if (request.top_p !== undefined) parameters['top_p'] = request.top_p;
  if (request.seed !== undefined) parameters['seed'] = request.seed;
  if (request.stop !== undefined) parameters['stop'] = typeof request.stop === 'string' ? [request.stop] : request.stop;
  return { inputs: prompt, parameters, ...(request.stream ? { stream: true } : {}) };
}

const FINISH: Record<string, FinishReason> = { length: 'length', eos_token: 'stop', stop_sequence: 'stop' };

function usage(request: ChatCompletionRequest, generated: unknown, text: string): Usage {
  const prompt = estimatePromptTokens(request.messages);
  const completion = generated === undefined || generated === null ? estimateTextTokens(text) : tokenCount(generated);
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

export function textGenerationCompletion(answer: unknown, request: ChatCompletionRequest, provider: string): ChatCompletion {
  const parsed = parseAnswer(generationSchema, answer, provider, 'a text generation');
  const { generated_text: text, details } = Array.isArray(parsed) ? parsed[0]! : parsed;
  return {
    id: completionId(),
    object: 'chat.completion',
    created: createdNow(),
    model: request.model,
    choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: FINISH[details?.finish_reason ?? ''] ?? 'stop' }],
    usage: usage(request, details?.generated_tokens, text),
  };
}

/** TGI's stream (`data:{"token":{"text":...}}`, the last with `generated_text` and `details`) → OpenAI chunks. */
export async function* textGenerationChunks(events: AsyncIterable<SseEvent>, request: ChatCompletionRequest, provider: string): AsyncGenerator<ChatCompletionChunk> {
  const stream = { id: completionId(), object: 'chat.completion.chunk' as const, created: createdNow(), model: request.model };
  let text = '';
  let first = true;
  for await (const sse of events) {
    if (!sse.data.trim()) continue;
    const event = parseEvent(tokenEventSchema, JSON.parse(sse.data), provider, 'a text generation token');
    const piece = event.token && !event.token.special ? event.token.text : '';
    text += piece;
    yield { ...stream, choices: [{ index: 0, delta: first ? { role: 'assistant', content: piece } : { content: piece }, finish_reason: null }] };
    first = false;
    if (event.generated_text !== undefined && event.generated_text !== null) {
      yield { ...stream, choices: [{ index: 0, delta: {}, finish_reason: FINISH[event.details?.finish_reason ?? ''] ?? 'stop' }] };
      yield { ...stream, choices: [], usage: usage(request, event.details?.generated_tokens, text) };
      return;
    }
  }
  throw new GatewayError('upstream_error', `${provider} ended the stream before its last token (generated_text): the answer is incomplete.`);
}
