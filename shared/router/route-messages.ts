// The router's entry for Anthropic's Messages format (POST /v1/messages, count_tokens): the same
// model groups, retries and fallbacks as chat, with each attempt chosen by the deployment it lands
// on. An `anthropic/` deployment gets the client's body as it came (model name aside); any other is
// called through the chat path (attemptChat) with the body translated to OpenAI's shape.
import type { MessagesRequest } from '../anthropic-format/request-schema.ts';
import { toChatRequest } from '../anthropic-format/to-chat-request.ts';
import type { Deployment } from '../config/types.ts';
import type { RequestContext } from '../core/types.ts';
import type { ChatCompletionRequest, ChatMessage } from '../openai/types.ts';
import { PROVIDER_NAME as ANTHROPIC } from '../providers/anthropic/errors.ts';
import { forwardCountTokens, forwardMessages, type MessagesAnswer } from '../providers/anthropic/passthrough.ts';
import { withoutGatewayFields } from '../providers/params.ts';
import type { Services } from '../services.ts';
import { afterFirstChunk, attemptChat, type CommittedChat } from './chat-attempt.ts';
import { authorizeRequestFallbacks } from './fallback-access.ts';
import { clampMaxTokens } from './max-tokens.ts';
import { estimatePromptTokens } from '../openai/token-estimate.ts';
import { routingOptions } from './request-options.ts';
import type { RouteRequest } from './router.ts';

export type MessagesAttempt =
  | { format: 'anthropic'; answer: MessagesAnswer }
  | { format: 'openai'; chat: CommittedChat; request: ChatCompletionRequest };

/** The client's `anthropic-beta` header travels with a passthrough. */
export async function routeMessages(body: MessagesRequest, ctx: RequestContext, services: Services, beta?: string): Promise<MessagesAttempt> {
  let translated: ChatCompletionRequest | undefined;
  const routed = await services.router.route(await routeRequest(body, ctx, services), ctx, async (deployment): Promise<MessagesAttempt> => {
    const maxOutput = services.pricer.maxOutputTokens(deployment);
    if (deployment.provider === ANTHROPIC) return { format: 'anthropic', answer: await passthrough(clampMaxTokens(body, maxOutput, ctx), deployment, ctx, beta) };
    // Translated once, on the first deployment that needs it: a passthrough never does.
    const request = (translated ??= toChatRequest(body));
    const sent = clampMaxTokens(withReasoningIfTaken(request, services.pricer.supportsReasoning(deployment)), maxOutput, ctx);
    return { format: 'openai', chat: await attemptChat(sent, deployment, ctx, services.providers, services.config.dropParams), request };
  });
  return routed.value;
}

/**
 * POST /v1/messages/count_tokens: Anthropic's own count for `anthropic/` deployments; for others an
 * estimate (about four characters a token), where LiteLLM falls back to a local tokenizer.
 */
export async function routeCountTokens(body: MessagesRequest, ctx: RequestContext, services: Services, beta?: string): Promise<{ input_tokens: number; estimated: boolean }> {
  // Counting is no model call: it must not use up rpm or stand in for a latency measurement.
  const request = { ...(await routeRequest(body, ctx, services)), measured: false };
  const routed = await services.router.route(request, ctx, async (deployment) => {
    ctx.deployment = deployment;
    if (deployment.provider !== ANTHROPIC) return { input_tokens: promptTokens(body), estimated: true };
    return { ...(await forwardCountTokens({ body: upstreamBody(body, deployment), deployment, signal: ctx.signal, beta })), estimated: false };
  });
  return routed.value;
}

async function routeRequest(body: MessagesRequest, ctx: RequestContext, services: Services): Promise<RouteRequest> {
  ctx.requestedModel = body.model;
  const options = routingOptions(body, body.model);
  await authorizeRequestFallbacks(options, ctx, services);
  return { model: body.model, promptTokens: promptTokens(body), options };
}

async function passthrough(body: MessagesRequest, deployment: Deployment, ctx: RequestContext, beta: string | undefined): Promise<MessagesAnswer> {
  ctx.deployment = deployment;
  ctx.timings.upstreamStart = Date.now();
  const answer = await forwardMessages({ body: upstreamBody(body, deployment), deployment, signal: ctx.signal, beta });
  if (!answer.stream) {
    ctx.timings.firstByte = Date.now();
    return answer;
  }
  return { stream: true, events: await afterFirstChunk(answer.events, ctx) };
}

/**
 * The reasoning_effort translated from `thinking` is the client's wish for a Claude model (Claude Code
 * asks for adaptive thinking on every request); a model that does not reason refuses the parameter,
 * so it is sent only to models known to take it.
 */
function withReasoningIfTaken(request: ChatCompletionRequest, reasons: boolean): ChatCompletionRequest {
  if (reasons || request.reasoning_effort === undefined) return request;
  const { reasoning_effort: _dropped, ...rest } = request;
  return rest;
}

/** Gateway-only fields go; `metadata` stays, since on this API it is Anthropic's own ({user_id}). */
function upstreamBody(body: MessagesRequest, deployment: Deployment): Record<string, unknown> {
  const forwarded: Record<string, unknown> = withoutGatewayFields(body, deployment.upstreamModel);
  if (body.metadata) forwarded['metadata'] = body.metadata;
  return forwarded;
}

/** Anthropic's blocks carry text where OpenAI's parts do, so the chat estimate reads them as they are. */
function promptTokens(body: MessagesRequest): number {
  const system = typeof body.system === 'string' ? body.system : (body.system ?? []).map((b) => b.text).join('\n');
  const tools = body.tools ? JSON.stringify(body.tools) : '';
  return estimatePromptTokens([{ role: 'system', content: system + tools }, ...body.messages] as ChatMessage[]);
}
