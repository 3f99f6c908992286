// Which request fields reach a provider: gateway-only fields are removed, and OpenAI parameters the
// provider cannot take are refused (400) or dropped (`drop_params`, in config or in the request).
import { GatewayError } from '../core/errors.ts';
import type { ChatCompletionRequest } from '../openai/types.ts';

/** Fields LiteLLM clients send to the gateway itself; never forwarded upstream. */
export const GATEWAY_FIELDS = [
  'mock_response',
  'drop_params',
  'metadata',
  'fallbacks',
  'context_window_fallbacks',
  'content_policy_fallbacks',
  'num_retries',
  'disable_fallbacks',
  'cache',
  'caching',
  'guardrails',
  'tags',
  'litellm_metadata',
] as const;

/** Any request body as it goes upstream: `model` set to the upstream model, gateway-only fields gone. */
export function withoutGatewayFields<T extends { model: string }>(body: T, upstreamModel: string): T {
  const request: T = { ...body, model: upstreamModel };
  for (const field of GATEWAY_FIELDS) delete (request as Record<string, unknown>)[field];
  return request;
}

export function prepareParams(
  body: ChatCompletionRequest,
  provider: { name: string; unsupportedParams: ReadonlySet<string> },
  upstreamModel: string,
  configDropParams: boolean,
): ChatCompletionRequest {
  const drop = body['drop_params'] === true || configDropParams;
  const request = withoutGatewayFields(body, upstreamModel);
  const refused: string[] = [];
  for (const key of Object.keys(request)) {
    if (!provider.unsupportedParams.has(key) || request[key] === undefined || request[key] === null) continue;
    if (drop) delete request[key];
    else refused.push(key);
  }
  if (refused.length) {
    throw new GatewayError(
      'unsupported_params',
      `${provider.name} does not support the parameter${refused.length > 1 ? 's' : ''} ${refused.join(', ')}. Remove ${refused.length > 1 ? 'them' : 'it'}, or set drop_params: true (in the request or in litellm_settings) to drop ${refused.length > 1 ? 'them' : 'it'} silently.`,
      { param: refused[0] },
    );
  }
  return request;
}
