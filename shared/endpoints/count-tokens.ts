// POST /v1/messages/count_tokens: Anthropic's own count for `anthropic/` deployments; for others an
// estimate (about four characters a token), where LiteLLM falls back to a local tokenizer. On the
// pipeline like every model call, so it is authorized, counted toward rate limits and logged; it costs
// nothing, so it reserves nothing, leaves no spend record and stays out of the router's statistics.
import { anthropicErrorBody } from '../anthropic-format/errors.ts';
import { parseMessagesRequest } from '../anthropic-format/request-schema.ts';
import type { Route } from '../core/types.ts';
import type { ModelCallKind } from '../pipeline/model-call.ts';
import type { ModelCallPipeline } from '../pipeline/pipeline.ts';
import { NO_SIZE } from '../pipeline/request-size.ts';
import { PROVIDER_NAME as ANTHROPIC } from '../providers/anthropic/errors.ts';
import { forwardCountTokens } from '../providers/anthropic/passthrough.ts';
import { routingOptions } from '../router/request-options.ts';
import { messagesPromptTokens, messagesUpstreamBody, type MessagesCall } from './messages-call.ts';

interface Count {
  input_tokens: number;
  estimated: boolean;
}

export function countTokensEndpoint(pipeline: ModelCallPipeline): Route[] {
  return [pipeline.route(['/v1/messages/count_tokens', '/messages/count_tokens', '/anthropic/v1/messages/count_tokens'], countTokens)];
}

export const countTokens: ModelCallKind<MessagesCall, Count> = {
  callType: 'count_tokens',
  errorBody: anthropicErrorBody,
  parse: (json, headers) => ({ message: parseMessagesRequest(json, { countTokens: true }), beta: headers['anthropic-beta'] }),
  plan: ({ message }) => ({
    model: message.model,
    endUser: message.metadata?.user_id,
    routing: routingOptions(message, message.model),
    promptTokens: messagesPromptTokens(message),
    size: NO_SIZE,
    prompt: [],
    free: true,
  }),
  async attempt({ message, beta }, deployment, ctx) {
    if (deployment.provider !== ANTHROPIC) return { input_tokens: messagesPromptTokens(message), estimated: true };
    const counted = await forwardCountTokens({ body: messagesUpstreamBody(message, deployment), deployment, signal: ctx.signal, beta });
    return { ...counted, estimated: false };
  },
  answer: ({ input_tokens, estimated }, _call, meter) => ({
    headers: { ...meter.headers(), 'x-tollgate-token-count': estimated ? 'estimated' : 'provider' },
    body: JSON.stringify({ input_tokens }),
  }),
};
