// What /v1/messages and /v1/messages/count_tokens share: the request as the pipeline carries it, the
// body an `anthropic/` deployment is sent, and the prompt estimate routing reads.
import type { MessagesRequest } from '../anthropic-format/request-schema.ts';
import type { Deployment } from '../config/types.ts';
import type { ChatCompletionRequest, ChatMessage } from '../openai/types.ts';
import type { CommittedChat } from '../pipeline/chat-attempt.ts';
import type { MessagesAnswer } from '../providers/anthropic/passthrough.ts';
import { withoutGatewayFields } from '../providers/params.ts';
import { estimatePromptTokens } from '../openai/token-estimate.ts';

export interface MessagesCall {
  message: MessagesRequest;
  /** The client's `anthropic-beta` header: beta features are asked for by header, and travel with a passthrough. */
  beta?: string;
  /** The request in OpenAI's chat shape, made on the first deployment that needs it. */
  translated?: ChatCompletionRequest;
}

/** An attempt's answer: Anthropic's own from an `anthropic/` deployment, else chat's, translated when it is written. */
export type MessagesCommitted = { format: 'anthropic'; answer: MessagesAnswer } | { format: 'openai'; chat: CommittedChat };

/** Gateway-only fields go; `metadata` stays, since on this API it is Anthropic's own ({user_id}), without the `guardrails` LiteLLM clients may put there. */
export function messagesUpstreamBody(message: MessagesRequest, deployment: Deployment): Record<string, unknown> {
  const forwarded: Record<string, unknown> = withoutGatewayFields(message, deployment.upstreamModel);
  if (message.metadata) {
    const { guardrails: _guardrails, ...metadata } = message.metadata as Record<string, unknown>;
    forwarded['metadata'] = metadata;
  }
  return forwarded;
}

/** Anthropic's blocks carry text where OpenAI's parts do, so the chat estimate reads them as they are. */
export function messagesPromptTokens(message: MessagesRequest): number {
  const system = typeof message.system === 'string' ? message.system : (message.system ?? []).map((b) => b.text).join('\n');
  const tools = message.tools ? JSON.stringify(message.tools) : '';
  return estimatePromptTokens([{ role: 'system', content: system + tools }, ...message.messages] as ChatMessage[]);
}
