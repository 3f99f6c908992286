// The router's entry for chat: which deployment answers a request for a model name. Every route that
// serves chat (OpenAI's /v1/chat/completions, Anthropic's /v1/messages) goes through here, so
// retries, fallbacks and cooldowns live in one place (shared/router/router.ts).
import type { RequestContext } from '../core/types.ts';
import type { ChatCompletionRequest } from '../openai/types.ts';
import type { Services } from '../services.ts';
import { attemptChat, type CommittedChat } from './chat-attempt.ts';
import { estimatePromptTokens } from '../openai/token-estimate.ts';
import { authorizeRequestFallbacks } from './fallback-access.ts';
import { clampMaxTokens } from './max-tokens.ts';
import { routingOptions } from './request-options.ts';

/** Answers carry the model name the client asked for, after a fallback too; x-tollgate-model-id says which deployment answered. */
export async function routeChat(body: ChatCompletionRequest, ctx: RequestContext, services: Services): Promise<CommittedChat> {
  ctx.requestedModel = body.model;
  const options = routingOptions(body, body.model);
  await authorizeRequestFallbacks(options, ctx, services);
  const request = { model: body.model, promptTokens: estimatePromptTokens(body.messages), options };
  const routed = await services.router.route(request, ctx, (deployment) => {
    const clamped = clampMaxTokens(body, services.pricer.maxOutputTokens(deployment), ctx);
    return attemptChat(clamped, deployment, ctx, services.providers, services.config.dropParams);
  });
  return routed.value;
}
