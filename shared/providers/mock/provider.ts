// The built-in mock provider (`mock/<anything>`), which also answers LiteLLM's `mock_response` request
// field on any deployment: offline, streaming included, so the default config works with no keys and
// no network.
import { randomUUID } from 'node:crypto';
import { GatewayError, type ErrorKind } from '../../core/errors.ts';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest, ChatMessage, Usage } from '../../openai/types.ts';
import { estimateUsage } from '../../openai/token-estimate.ts';
import type { ChatResult, Provider } from '../types.ts';

/** `mock_response: "litellm.RateLimitError"` makes the mock fail the way that provider error would, as in LiteLLM. */
const MOCK_ERRORS: Record<string, ErrorKind> = {
  RateLimitError: 'rate_limited',
  ContextWindowExceededError: 'context_length_exceeded',
  ContentPolicyViolationError: 'content_policy_violation',
  AuthenticationError: 'upstream_auth',
  Timeout: 'timeout',
  InternalServerError: 'upstream_error',
  ServiceUnavailableError: 'upstream_unavailable',
  BadRequestError: 'invalid_request',
};

export const mockProvider: Provider = {
  name: 'mock',
  requiresApiKey: false,
  requiresApiBase: false,
  unsupportedParams: new Set(),
  // Its own entry in the price table: it answers for free.
  priceKeys: () => ['mock/free'],
  async chat({ request, mockResponse }) {
    return mockChat(request, mockResponse ?? defaultReply(request.messages));
  },
};

function mockChat(request: ChatCompletionRequest, content: string): ChatResult {
  const errorName = /^(?:litellm|tollgate)\.(\w+)$/.exec(content)?.[1];
  if (errorName && MOCK_ERRORS[errorName]) {
    throw new GatewayError(MOCK_ERRORS[errorName], `mock error (${content}) requested by mock_response`);
  }
  const id = `chatcmpl-${randomUUID()}`;
  const created = Math.floor(Date.now() / 1000);
  const usage = estimateUsage(request.messages, content);
  if (request.stream !== true) {
    const completion: ChatCompletion = {
      id,
      object: 'chat.completion',
      created,
      model: request.model,
      choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
      usage,
    };
    return { stream: false, completion };
  }
  return { stream: true, chunks: mockChunks(id, created, request, content, usage) };
}

async function* mockChunks(id: string, created: number, request: ChatCompletionRequest, content: string, usage: Usage): AsyncGenerator<ChatCompletionChunk> {
  const chunk = (delta: ChatCompletionChunk['choices'][number]['delta'], finish: 'stop' | null = null): ChatCompletionChunk => ({
    id,
    object: 'chat.completion.chunk',
    created,
    model: request.model,
    choices: [{ index: 0, delta, finish_reason: finish }],
  });
  yield chunk({ role: 'assistant', content: '' });
  for (const piece of content.match(/\S+\s*|\s+/g) ?? []) yield chunk({ content: piece });
  yield chunk({}, 'stop');
  // Always: the chat route hides it from clients that did not ask, and records it either way.
  yield { id, object: 'chat.completion.chunk', created, model: request.model, choices: [], usage };
}

function defaultReply(messages: ChatMessage[]): string {
  const last = [...messages].reverse().find((m) => m.role === 'user');
  const text = typeof last?.content === 'string' ? last.content : (last?.content ?? []).map((part) => (part.type === 'text' ? String(part['text']) : '')).join(' ');
  return `Hello from Tollgate's mock provider. You said: ${text.trim() || '(nothing)'}`;
}
