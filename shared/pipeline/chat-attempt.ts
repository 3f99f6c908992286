// One chat call on one deployment, up to the commit point (./commit-point.ts): the parameters made
// fit for the provider (shared/providers/params.ts), then its `chat`. A request carrying LiteLLM's
// `mock_response` is answered by the mock provider instead, whatever the deployment.
import type { Deployment } from '../config/types.ts';
import { GatewayError } from '../core/errors.ts';
import type { RequestContext } from '../core/types.ts';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest } from '../openai/types.ts';
import { prepareParams } from '../providers/params.ts';
import type { ProviderRegistry } from '../providers/registry.ts';
import type { Provider } from '../providers/types.ts';
import { afterFirstChunk } from './commit-point.ts';

export type CommittedChat = { stream: false; completion: ChatCompletion } | { stream: true; chunks: AsyncIterable<ChatCompletionChunk> };

export async function attemptChat(
  body: ChatCompletionRequest,
  deployment: Deployment,
  ctx: Pick<RequestContext, 'signal' | 'timings'>,
  providers: ProviderRegistry,
  dropParams: boolean,
): Promise<CommittedChat> {
  const mockResponse = typeof body.mock_response === 'string' ? body.mock_response : undefined;
  const provider = mockResponse === undefined ? providerOf(providers, deployment.provider) : providerOf(providers, 'mock');
  const request = prepareParams(body, provider, deployment.upstreamModel, dropParams);
  ctx.timings.upstreamStart = Date.now();
  const result = await provider.chat({ request, deployment, signal: ctx.signal, mockResponse });
  if (!result.stream) {
    ctx.timings.firstByte = Date.now();
    return result;
  }
  return { stream: true, chunks: await afterFirstChunk(result.chunks, ctx.timings) };
}

export function providerOf(providers: ProviderRegistry, name: string): Provider {
  const provider = providers.get(name);
  if (!provider) throw new GatewayError('internal', `No provider module for "${name}".`);
  return provider;
}
