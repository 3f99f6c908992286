// POST /v1/responses: OpenAI's Responses API (Codex, the Agents SDK, the Vercel AI SDK's default
// provider) for every configured model, one kind of model call on the pipeline. An OpenAI or Azure
// deployment gets the client's body as it came (model name aside) on its own /responses, and its
// answer comes back as it sent it, streamed event by event; any other deployment is called through
// chat with the request translated (shared/responses-format/) and its answer translated back. With
// `store` (the default) each answer is kept with its input (./response-state.ts), so that
// `previous_response_id` continues the conversation on any deployment.
import type { Deployment } from '../config/types.ts';
import type { GatewayError } from '../core/errors.ts';
import { SSE_HEADERS, sseEvent } from '../core/sse.ts';
import type { RequestContext, Route } from '../core/types.ts';
import type { SseEvent } from '../http/sse-events.ts';
import { chunkText, completionText, estimateJsonTokens } from '../openai/token-estimate.ts';
import type { ChatCompletionChunk, ChatCompletionRequest } from '../openai/types.ts';
import { answerStream } from '../pipeline/answer-stream.ts';
import { attemptChat, type CommittedChat } from '../pipeline/chat-attempt.ts';
import { afterFirstChunk } from '../pipeline/commit-point.ts';
import { clampMaxTokens } from '../pipeline/max-tokens.ts';
import type { ModelCallKind } from '../pipeline/model-call.ts';
import type { ModelCallPipeline } from '../pipeline/pipeline.ts';
import { responsesSize } from '../pipeline/request-size.ts';
import type { UsageMeter } from '../pipeline/usage-meter.ts';
import { responseEventSchema, responseSchema } from '../providers/openai-compatible/answer-schema.ts';
import { forwardNative, type NativeAnswer, nativePreset } from '../providers/openai-compatible/native-api.ts';
import { withoutGatewayFields } from '../providers/params.ts';
import { parseAnswer, parseEvent } from '../providers/upstream-answer.ts';
import { itemId } from '../responses-format/item-ids.ts';
import { inputItems, parseResponsesRequest, type ResponsesRequest } from '../responses-format/request-schema.ts';
import { responseEvents } from '../responses-format/response-events.ts';
import { EventSequence, toResponseEvents } from '../responses-format/stream-events.ts';
import { toChatRequest, toolNamespaces } from '../responses-format/to-chat-request.ts';
import { responseShell, toResponse } from '../responses-format/to-response.ts';
import type { ResponseItem, ResponseObject } from '../responses-format/types.ts';
import { toChatUsage } from '../responses-format/usage.ts';
import { routingOptions } from '../router/request-options.ts';
import type { ChatDeps } from './chat-completions.ts';
import { responsesSurface } from '../guardrails/surfaces/responses.ts';
import { withReasoningIfTaken } from './messages.ts';
import type { Conversation, ResponseState } from './response-state.ts';
import { responsesAnswers } from './responses-cache.ts';

export interface ResponsesCall {
  request: ResponsesRequest;
  /** This turn's input items, each with an id: what is stored, and what GET .../input_items lists. */
  input: ResponseItem[];
  /** The earlier turns, when the request continues a stored conversation. */
  conversation?: Conversation;
  /** The request in OpenAI's chat shape, made on the first deployment that needs it. */
  translated?: ChatCompletionRequest;
}

export type ResponsesCommitted =
  | ({ deployment: Deployment } & ({ format: 'native'; answer: NativeAnswer } | { format: 'chat'; chat: CommittedChat }))
  /** An answer from the response cache (./responses-cache.ts): no deployment made it. */
  | { format: 'cached'; response: ResponseObject };
type Committed = ResponsesCommitted;

export function responsesEndpoint(pipeline: ModelCallPipeline, deps: ChatDeps, state: ResponseState): Route[] {
  return [pipeline.route(['/v1/responses', '/responses', '/openai/v1/responses'], responses(deps, state))];
}

function responses(deps: ChatDeps, state: ResponseState): ModelCallKind<ResponsesCall, Committed> {
  return {
    callType: 'aresponses',
    guard: responsesSurface,
    cache: responsesAnswers,
    async parse(json, _headers, ctx) {
      const parsed = parseResponsesRequest(json);
      const request = Array.isArray(parsed.input) ? { ...parsed, input: await state.withReferencesResolved(parsed.input, ctx.identity) } : parsed;
      const input = inputItems(request).map(withId);
      const conversation = request.previous_response_id ? await state.conversation(request.previous_response_id, ctx.identity) : undefined;
      return { request, input, conversation };
    },
    plan: ({ request, input, conversation }) => ({
      model: request.model,
      endUser: request.user,
      routing: routingOptions(request, request.model),
      promptTokens: estimateJsonTokens([request.instructions, conversation?.items, input]),
      size: responsesSize(request, conversation?.items ?? []),
      prompt: [request.instructions, conversation?.items, input],
    }),
    async attempt(call, deployment, ctx) {
      const preset = call.request.mock_response === undefined ? nativePreset(deployment, 'responses') : undefined;
      if (preset) {
        ctx.timings.upstreamStart = Date.now();
        const request = clampMaxTokens(call.request, deps.pricer.maxOutputTokens(deployment), ctx);
        const answer = await forwardNative(preset, { api: 'responses', body: nativeBody({ ...call, request }, deployment), deployment, signal: ctx.signal });
        if (!answer.stream) ctx.timings.firstByte = Date.now();
        return { deployment, format: 'native', answer: answer.stream ? { stream: true, events: await afterFirstChunk(answer.events, ctx.timings) } : answer };
      }
      // Translated once, on the first deployment that needs it: a native call never does.
      const request = (call.translated ??= toChatRequest(call.request, call.conversation?.items ?? [], deps.dropParams));
      const sent = clampMaxTokens(withReasoningIfTaken(request, deps.pricer.supportsReasoning(deployment)), deps.pricer.maxOutputTokens(deployment), ctx);
      return { deployment, format: 'chat', chat: await attemptChat(sent, deployment, ctx, deps.providers, deps.dropParams) };
    },
    answer(committed, call, meter, ctx) {
      const sequence = new EventSequence();
      const received = { text: '' };
      const save = (response: Record<string, unknown>) => saveQuietly(state, response, call, committed, ctx);
      const stream = (frames: AsyncIterable<string>) => ({
        headers: { ...meter.headers(), ...SSE_HEADERS },
        body: answerStream(
          frames,
          ctx,
          (error) => errorEvent(error, sequence),
          () => meter.cutShort(received.text),
        ),
      });
      if (committed.format === 'cached') {
        const response = { ...committed.response, model: meter.model };
        if (call.request.stream) return stream(replayedEvents(response, meter, received, sequence, save));
        return save(response).then(() => meter.json(response, toChatUsage(response.usage), JSON.stringify(response.output)));
      }
      if (committed.format === 'native') {
        const { answer, deployment } = committed;
        if (answer.stream) return stream(forwardedEvents(answer.events, deployment.provider, meter, received, sequence, save));
        const parsed = parseAnswer(responseSchema, answer.answer, deployment.provider, 'a response');
        const response = { ...(answer.answer as Record<string, unknown>), model: meter.model };
        return save(response).then(() => meter.json(response, toChatUsage(parsed.usage), JSON.stringify(parsed.output)));
      }
      const { chat } = committed;
      const shell = responseShell(call.request, itemId('resp'), meter.model);
      const namespaces = toolNamespaces(call.request);
      if (chat.stream) return stream(translatedEvents(chat.chunks, shell, namespaces, meter, received, sequence, save));
      const response = toResponse(chat.completion, shell, namespaces);
      return save(response).then(() => meter.json(response, chat.completion.usage, completionText(chat.completion)));
    },
  };
}

/** Items are stored with ids, as OpenAI lists them: the client's own, or one made here. */
function withId(item: ResponseItem): ResponseItem {
  if (typeof item.id === 'string') return item;
  const type = item.type ?? 'message';
  return { ...item, type, id: itemId(type === 'function_call' ? 'fc' : 'msg') };
}

/**
 * The body an OpenAI or Azure deployment gets: the client's, `metadata` included (it is the Responses
 * API's own). A conversation the upstream holds itself (it answered the previous turn and stored it)
 * goes on by its id; any other is sent whole, its items without the ids the upstream never gave out,
 * and reasoning only where it travels encrypted.
 */
function nativeBody({ request, conversation }: ResponsesCall, deployment: Deployment): Record<string, unknown> {
  const body: Record<string, unknown> = withoutGatewayFields(request, deployment.upstreamModel);
  if (request.metadata) body['metadata'] = request.metadata;
  if (!conversation || (conversation.previous.upstreamStored && conversation.previous.deploymentId === deployment.id)) return body;
  delete body['previous_response_id'];
  const earlier = conversation.items.filter((item) => item.type !== 'reasoning' || typeof item['encrypted_content'] === 'string').map(({ id: _id, ...item }) => item);
  body['input'] = [...earlier, ...inputItems(request)];
  return body;
}

/**
 * Stores a finished response with its turn's input (unless the client said `store: false`). The
 * answer was made and paid for: a table that fails here is logged, and the client still gets it.
 */
async function saveQuietly(state: ResponseState, response: Record<string, unknown>, call: ResponsesCall, committed: Committed, ctx: RequestContext): Promise<void> {
  if (call.request.store === false) return;
  try {
    await state.save(response, call.input, ctx.identity, committed.format === 'cached' ? undefined : committed.deployment, committed.format === 'native');
  } catch (error) {
    ctx.log.warn('could not store a response', { requestId: ctx.requestId, error: error instanceof Error ? error.name : 'unknown' });
  }
}

/** A failure after the first byte, as the Responses API streams one. */
function errorEvent(error: GatewayError, sequence: EventSequence): string {
  const { error: body } = error.toJSON();
  return sseEvent('error', JSON.stringify(sequence.event('error', { code: body.code, message: body.message, param: body.param })));
}

/** Lifecycle events that end a stream: the response in them is whole. */
const FINAL_EVENTS = new Set(['response.completed', 'response.incomplete', 'response.failed']);

/** An OpenAI or Azure deployment's events as it sent them; only the response's model is rewritten. */
async function* forwardedEvents(
  events: AsyncIterable<SseEvent>,
  provider: string,
  meter: UsageMeter,
  received: { text: string },
  sequence: EventSequence,
  save: (response: Record<string, unknown>) => Promise<void>,
): AsyncGenerator<string> {
  for await (const event of events) {
    const parsed = parseEvent(responseEventSchema, JSON.parse(event.data), provider, 'a Responses API event');
    let data = event.data;
    if (typeof parsed['sequence_number'] === 'number') sequence.seen(parsed['sequence_number']);
    // The deltas' JSON as received: an estimate of the answer that errs high.
    if (parsed.type.endsWith('.delta')) received.text += data;
    if (parsed.response) {
      const raw = JSON.parse(data) as { response: Record<string, unknown> };
      raw.response['model'] = meter.model;
      data = JSON.stringify(raw);
      if (FINAL_EVENTS.has(parsed.type)) {
        await save(raw.response);
        await meter.beforeLastEvent(toChatUsage(parsed.response.usage), received.text);
      }
    }
    yield sseEvent(event.event ?? parsed.type, data);
  }
}

/** A cached response as the events of a live stream; stored (as a new response) before the event that ends the stream. */
async function* replayedEvents(
  response: ResponseObject,
  meter: UsageMeter,
  received: { text: string },
  sequence: EventSequence,
  save: (response: Record<string, unknown>) => Promise<void>,
): AsyncGenerator<string> {
  for (const event of responseEvents(response, sequence)) {
    if (typeof event['delta'] === 'string') received.text += event['delta'];
    if (FINAL_EVENTS.has(event.type)) {
      await save(response);
      await meter.beforeLastEvent(toChatUsage(response.usage), received.text);
    }
    yield sseEvent(event.type, JSON.stringify(event));
  }
}

/** Another provider's chunks as Responses events; the finished response is stored before the event that ends the stream. */
async function* translatedEvents(
  chunks: AsyncIterable<ChatCompletionChunk>,
  shell: ResponseObject,
  namespaces: ReadonlyMap<string, string>,
  meter: UsageMeter,
  received: { text: string },
  sequence: EventSequence,
  save: (response: Record<string, unknown>) => Promise<void>,
): AsyncGenerator<string> {
  async function* measured(): AsyncGenerator<ChatCompletionChunk> {
    for await (const chunk of chunks) {
      received.text += chunkText(chunk);
      if (chunk.usage) meter.measure(chunk.usage, received.text);
      yield chunk;
    }
  }
  for await (const event of toResponseEvents(measured(), shell, sequence, namespaces)) {
    if (FINAL_EVENTS.has(event.type)) {
      await save(event['response'] as Record<string, unknown>);
      await meter.beforeLastEvent(undefined, received.text);
    }
    yield sseEvent(event.type, JSON.stringify(event));
  }
}
