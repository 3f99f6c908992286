// Tollgate as a library: the gateway's provider layer for code that wants no gateway.
//   import { completion, embedding } from 'tollgate';
//   const answer = await completion({ model: 'anthropic/claude-sonnet-4-5', messages: [...] });
// `model` is `<provider>/<model>` as in config.yaml; deployment settings (api_key, api_base,
// api_version, timeout, vertex_project, aws_region_name, ...) ride in the same arguments, and a
// missing api_key is read from the provider's environment variable (OPENAI_API_KEY, ...). Answers
// are OpenAI's shapes; failures are the gateway's GatewayError (status, kind, OpenAI error body).
import { randomUUID } from 'node:crypto';
import { silentLog } from '../core/log.ts';
import type { RequestContext } from '../core/types.ts';
import { parseChatRequest } from '../openai/chat-request-schema.ts';
import { parseEmbeddingRequest } from '../openai/embedding-request-schema.ts';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest, EmbeddingRequest, EmbeddingResponse } from '../openai/types.ts';
import { defaultProviders } from '../providers/registry.ts';
import { attemptChat } from '../router/chat-attempt.ts';
import { attemptEmbedding } from '../router/route-embedding.ts';
import { oneOffDeployment } from './one-off-deployment.ts';

export { GatewayError } from '../core/errors.ts';
export type { ErrorKind } from '../core/errors.ts';
export type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest, ChatMessage, EmbeddingRequest, EmbeddingResponse, Usage } from '../openai/types.ts';

/** Deployment settings an SDK call may carry beside the request (LiteLLM's names). */
export interface CallSettings {
  api_key?: string;
  api_base?: string;
  api_version?: string;
  /** Seconds. */
  timeout?: number;
  extra_headers?: Record<string, string>;
  /** Cancels the call (and the upstream request). */
  signal?: AbortSignal;
  /** Provider-specific settings (vertex_project, aws_region_name, ...). */
  [key: string]: unknown;
}

export type CompletionArgs = ChatCompletionRequest & CallSettings;
export type EmbeddingArgs = EmbeddingRequest & CallSettings;

const providers = defaultProviders();

export function completion(args: CompletionArgs & { stream: true }): Promise<AsyncIterable<ChatCompletionChunk>>;
export function completion(args: CompletionArgs & { stream?: false }): Promise<ChatCompletion>;
export function completion(args: CompletionArgs): Promise<ChatCompletion | AsyncIterable<ChatCompletionChunk>>;
export async function completion(args: CompletionArgs): Promise<ChatCompletion | AsyncIterable<ChatCompletionChunk>> {
  const { signal, ...rest } = args;
  const { deployment, body } = oneOffDeployment(rest, providers);
  const request = parseChatRequest(body);
  const result = await attemptChat(request, deployment, callContext(signal), providers, false);
  if (!result.stream) return result.completion;
  return request.stream_options?.include_usage ? result.chunks : withoutUsageChunk(result.chunks);
}

export async function embedding(args: EmbeddingArgs): Promise<EmbeddingResponse> {
  const { signal, ...rest } = args;
  const { deployment, body } = oneOffDeployment(rest, providers);
  return attemptEmbedding(parseEmbeddingRequest(body), deployment, callContext(signal), providers);
}

/** The per-request context the provider layer runs in; an SDK call has no gateway around it. */
function callContext(signal: AbortSignal | undefined): RequestContext {
  return {
    requestId: randomUUID(),
    signal: signal ?? new AbortController().signal,
    timings: { start: Date.now() },
    log: silentLog,
    responseHeaders: {},
    onFinish: () => {},
    beforeAnswer: () => {},
    answerReady: async () => {},
  };
}

/** Providers are always asked for usage (the gateway prices from it); like OpenAI, stream it only when asked. */
async function* withoutUsageChunk(chunks: AsyncIterable<ChatCompletionChunk>): AsyncGenerator<ChatCompletionChunk> {
  for await (const chunk of chunks) {
    if (chunk.usage && chunk.choices.length === 0) continue;
    delete chunk.usage;
    yield chunk;
  }
}
