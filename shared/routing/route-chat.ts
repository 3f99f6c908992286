// The router's entry for chat: which deployment answers a request for a model name. Every route that
// serves chat (OpenAI's /v1/chat/completions, Anthropic's /v1/messages) goes through here, so
// retries, fallbacks and cooldowns live in one place.
import type { RequestContext } from '../core/types.ts';
import type { ChatCompletionRequest } from '../openai/types.ts';
import type { Services } from '../services.ts';
import { attemptChat, type CommittedChat } from './chat-attempt.ts';

export async function routeChat(body: ChatCompletionRequest, ctx: RequestContext, services: Services): Promise<CommittedChat> {
  ctx.requestedModel = body.model;
  const deployment = services.groups.pick(body.model);
  return attemptChat(body, deployment, ctx, services.providers, services.config.dropParams);
}
