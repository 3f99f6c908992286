// Chat for a deployment served only on OpenAI's Responses API (`model_info.mode: responses`, e.g. the
// codex models): the chat request becomes a Responses request (messages → input items, tools,
// response_format → text.format, reasoning_effort, max tokens), and the answer comes back as a
// chat.completion, or its events as chat.completion.chunks. Chat-only fields the Responses API lacks
// are refused, naming them.
import type { Deployment } from '../../config/types.ts';
import { GatewayError } from '../../core/errors.ts';
import type { SseEvent } from '../../http/sse-events.ts';
import { completionId, createdNow } from '../../openai/completion-id.ts';
import type { AnswerFinishReason, ChatCompletion, ChatCompletionChunk, ChatCompletionRequest, ChatMessage, ContentPart, ToolCall } from '../../openai/types.ts';
import { toChatUsage } from '../../responses-format/usage.ts';
import type { ChatCall, ChatResult } from '../types.ts';
import { parseAnswer, parseEvent } from '../upstream-answer.ts';
import { upstreamError } from '../upstream-errors.ts';
import { type ResponseAnswer, responseEventSchema, responseSchema } from './answer-schema.ts';
import { forwardNative } from './native-api.ts';
import type { OpenAICompatiblePreset } from './presets.ts';

/** Chat fields the Responses API has no counterpart for: the answer would not be what was asked. */
const CHAT_ONLY = ['stop', 'logprobs', 'top_logprobs', 'presence_penalty', 'frequency_penalty', 'seed', 'logit_bias'] as const;

/** Whether a deployment is served only on the Responses API. */
export function servedOnResponses(deployment: Deployment): boolean {
  return deployment.modelInfo['mode'] === 'responses';
}

export async function chatViaResponses(preset: OpenAICompatiblePreset, { request, deployment, signal }: ChatCall): Promise<ChatResult> {
  const answer = await forwardNative(preset, { api: 'responses', body: toResponsesBody(request), deployment, signal });
  if (!answer.stream) return { stream: false, completion: toCompletion(parseAnswer(responseSchema, answer.answer, preset.name, 'a response'), request.model) };
  return { stream: true, chunks: toChunks(answer.events, preset.name, request.model, deployment.apiKey) };
}

function toResponsesBody(request: ChatCompletionRequest): Record<string, unknown> {
  for (const field of CHAT_ONLY) {
    if (request[field] !== undefined && request[field] !== null) {
      throw new GatewayError('unsupported_params', `${field} cannot be sent to this model: it is served only on the Responses API (model_info.mode: responses), which has no ${field}. Remove it.`, {
        param: field,
      });
    }
  }
  if (typeof request['n'] === 'number' && request['n'] > 1)
    throw new GatewayError('unsupported_params', 'n above 1 cannot be sent to this model: the Responses API answers once. Remove it.', { param: 'n' });
  const body: Record<string, unknown> = { model: request.model, input: request.messages.flatMap(inputItems), store: false };
  const max = request.max_completion_tokens ?? request.max_tokens;
  if (max !== undefined) body['max_output_tokens'] = max;
  for (const field of ['temperature', 'top_p', 'user', 'parallel_tool_calls', 'stream'] as const) if (request[field] !== undefined) body[field] = request[field];
  if (request.tools?.length) body['tools'] = request.tools.map(({ function: fn }) => ({ type: 'function', ...fn }));
  const choice = request.tool_choice;
  if (choice !== undefined) body['tool_choice'] = typeof choice === 'string' ? choice : { type: 'function', name: choice.function.name };
  const format = request.response_format;
  if (format?.type === 'json_object') body['text'] = { format: { type: 'json_object' } };
  if (format?.type === 'json_schema') body['text'] = { format: { type: 'json_schema', ...format.json_schema } };
  if (request.reasoning_effort) body['reasoning'] = { effort: request.reasoning_effort };
  return body;
}

/** One chat message as Responses input items. */
function inputItems(message: ChatMessage): Array<Record<string, unknown>> {
  if (message.role === 'tool' || message.role === 'function') return [{ type: 'function_call_output', call_id: message.tool_call_id ?? '', output: textOf(message.content) }];
  if (message.role === 'assistant') {
    const text = textOf(message.content);
    const calls = (message.tool_calls ?? []).map((call) => ({ type: 'function_call', call_id: call.id, name: call.function.name, arguments: call.function.arguments }));
    return [...(text ? [{ role: 'assistant', content: text }] : []), ...calls];
  }
  const content = typeof message.content === 'string' || !message.content ? (message.content ?? '') : message.content.map(inputPart);
  return [{ role: message.role, content }];
}

function textOf(content: ChatMessage['content']): string {
  if (typeof content === 'string' || !content) return content ?? '';
  return content
    .map((part) => {
      const { text } = part as { text?: unknown };
      return typeof text === 'string' ? text : '';
    })
    .join('');
}

function inputPart(part: ContentPart): Record<string, unknown> {
  if (part.type === 'text') return { type: 'input_text', text: part['text'] };
  if (part.type === 'image_url') {
    const image = part['image_url'] as { url: string; detail?: string };
    return { type: 'input_image', image_url: image.url, detail: image.detail ?? 'auto' };
  }
  if (part.type === 'file') return { type: 'input_file', ...(part['file'] as Record<string, unknown>) };
  throw new GatewayError('invalid_request', `A "${part.type}" content part cannot be sent to this model, which is served only on the Responses API.`, { param: 'messages' });
}

function finishReason(response: Pick<ResponseAnswer, 'status'> & { incomplete_details?: unknown }, calledTools: boolean): AnswerFinishReason {
  if (response.status === 'incomplete') return (response.incomplete_details as { reason?: string } | null)?.reason === 'content_filter' ? 'content_filter' : 'length';
  return calledTools ? 'tool_calls' : 'stop';
}

function toCompletion(response: ResponseAnswer, model: string): ChatCompletion {
  let text = '';
  let reasoning = '';
  const calls: ToolCall[] = [];
  for (const item of response.output) {
    if (item.type === 'message') for (const part of (item['content'] as Array<{ type: string; text?: string }>) ?? []) if (part.type === 'output_text') text += part.text ?? '';
    if (item.type === 'reasoning') reasoning += ((item['summary'] as Array<{ text?: string }>) ?? []).map((part) => part.text ?? '').join('\n');
    if (item.type === 'function_call') calls.push({ id: String(item['call_id']), type: 'function', function: { name: String(item['name']), arguments: String(item['arguments'] ?? '') } });
  }
  return {
    id: response.id,
    object: 'chat.completion',
    created: createdNow(),
    model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: text || null, ...(reasoning && { reasoning_content: reasoning }), ...(calls.length && { tool_calls: calls }) },
        finish_reason: finishReason(response, calls.length > 0),
      },
    ],
    usage: toChatUsage(response.usage),
  };
}

/** Responses events as chat chunks: text and reasoning deltas, a tool call per function_call item, the finish and the usage. */
async function* toChunks(events: AsyncIterable<SseEvent>, provider: string, model: string, apiKey: string | undefined): AsyncGenerator<ChatCompletionChunk> {
  const stream = { id: completionId(), object: 'chat.completion.chunk' as const, created: createdNow(), model };
  const chunk = (delta: ChatCompletionChunk['choices'][number]['delta'], finish: AnswerFinishReason | null = null): ChatCompletionChunk => ({
    ...stream,
    choices: [{ index: 0, delta, finish_reason: finish }],
  });
  const tools = new Map<string, number>();
  for await (const event of events) {
    const data = parseEvent(responseEventSchema, JSON.parse(event.data), provider, 'a Responses API event');
    const fields = data as Record<string, unknown>;
    switch (data.type) {
      case 'response.created':
        yield chunk({ role: 'assistant', content: '' });
        break;
      case 'response.output_text.delta':
        yield chunk({ content: String(fields['delta']) });
        break;
      case 'response.reasoning_summary_text.delta':
        yield chunk({ reasoning_content: String(fields['delta']) });
        break;
      case 'response.output_item.added': {
        const item = fields['item'] as { type?: string; id?: string; call_id?: string; name?: string };
        if (item.type !== 'function_call') break;
        tools.set(String(item.id), tools.size);
        yield chunk({ tool_calls: [{ index: tools.size - 1, id: item.call_id, type: 'function', function: { name: item.name, arguments: '' } }] });
        break;
      }
      case 'response.function_call_arguments.delta':
        yield chunk({ tool_calls: [{ index: tools.get(String(fields['item_id'])) ?? 0, function: { arguments: String(fields['delta']) } }] });
        break;
      case 'response.completed':
      case 'response.incomplete':
        yield chunk({}, finishReason(data.response ?? { status: 'completed' }, tools.size > 0));
        yield { ...stream, choices: [], usage: toChatUsage(data.response?.usage) ?? null };
        break;
      case 'response.failed':
      case 'error': {
        const error = (data.type === 'error' ? fields : (fields['response'] as { error?: Record<string, unknown> } | undefined)?.error) ?? {};
        throw upstreamError({
          provider,
          status: 200,
          message: String(error['message'] ?? 'the response failed'),
          code: typeof error['code'] === 'string' ? error['code'] : undefined,
          secrets: [apiKey],
        });
      }
    }
  }
}
