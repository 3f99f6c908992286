// One attempt at a chat request on one deployment, up to the commit point: the upstream has accepted
// the request and (for streams) sent its first chunk. Anything thrown before that can be retried
// on another deployment; after it, failures travel in-band in the stream.
import type { Deployment } from '../config/types.ts';
import { GatewayError } from '../core/errors.ts';
import type { RequestContext } from '../core/types.ts';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest } from '../openai/types.ts';
import { mockChat } from '../providers/mock/provider.ts';
import { prepareParams } from '../providers/params.ts';
import type { ProviderRegistry } from '../providers/registry.ts';
import type { ChatResult } from '../providers/types.ts';

export type CommittedChat =
  | { stream: false; completion: ChatCompletion }
  | { stream: true; chunks: AsyncIterable<ChatCompletionChunk> };

export async function attemptChat(
  body: ChatCompletionRequest,
  deployment: Deployment,
  ctx: RequestContext,
  providers: ProviderRegistry,
  dropParams: boolean,
): Promise<CommittedChat> {
  const provider = providers.get(deployment.provider);
  if (!provider) throw new GatewayError('internal', `No provider module for "${deployment.provider}".`);
  const request = prepareParams(body, provider, deployment.upstreamModel, dropParams);
  ctx.deployment = deployment;
  ctx.timings.upstreamStart = Date.now();
  const result: ChatResult = typeof body.mock_response === 'string'
    ? mockChat(request, body.mock_response)
    : await provider.chat({ request, deployment, signal: ctx.signal });
  if (!result.stream) {
    ctx.timings.firstByte = Date.now();
    return result;
  }
  return { stream: true, chunks: await afterFirstChunk(result.chunks, ctx) };
}

/** Waits for the first chunk (errors before it are still retryable), then hands back the whole stream. */
export async function afterFirstChunk<T>(chunks: AsyncIterable<T>, ctx: RequestContext): Promise<AsyncIterable<T>> {
  const iterator = chunks[Symbol.asyncIterator]();
  const first = await iterator.next();
  ctx.timings.firstByte = Date.now();
  return {
    [Symbol.asyncIterator]: () => {
      let pending: IteratorResult<T> | undefined = first;
      return {
        next: async () => {
          if (pending) {
            const result = pending;
            pending = undefined;
            return result;
          }
          return iterator.next();
        },
        return: async () => {
          await iterator.return?.();
          return { done: true, value: undefined };
        },
      };
    },
  };
}
