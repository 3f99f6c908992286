// A legacy text completion request → the OpenAI chat request the provider layer takes, for models not
// served on a /completions API of their own: the prompt is one user message, the sampling fields
// carry over. What only a text-completion API can do (`suffix`, `echo`, `logprobs`, `best_of` above
// 1, several prompts, token ids) is refused with a 400 naming it, or dropped under drop_params.
import { GatewayError } from '../core/errors.ts';
import type { ChatCompletionRequest } from '../openai/types.ts';
import type { TextCompletionRequest } from './request-schema.ts';

/** Only a text-completion API does these; with anything else in them, the answer would not be what was asked. */
const TEXT_ONLY = ['suffix', 'echo', 'logprobs', 'best_of'] as const;

export function toChatRequest(request: TextCompletionRequest, dropParams: boolean): ChatCompletionRequest {
  const drop = dropParams || request.drop_params === true;
  const { prompt, model, ...rest } = request;
  const text = typeof prompt === 'string' ? prompt : prompt.length === 1 && typeof prompt[0] === 'string' ? prompt[0] : undefined;
  if (text === undefined) {
    throw new GatewayError(
      'invalid_request',
      'prompt: this model is served through chat, which takes one prompt as text. Send one string, or call an OpenAI or text-completion-openai model for several prompts or token ids.',
      {
        param: 'prompt',
      },
    );
  }
  const chat: ChatCompletionRequest = { ...rest, model, messages: [{ role: 'user', content: text }] };
  for (const field of TEXT_ONLY) {
    const value = chat[field];
    if (value === undefined || value === false || (field === 'best_of' && value === 1)) {
      delete chat[field];
      continue;
    }
    if (!drop) {
      throw new GatewayError(
        'unsupported_params',
        `${field} cannot be sent to this model: only text-completion APIs (openai/, azure/, text-completion-openai/) serve it, and this model is called through chat. Remove it, or set drop_params: true (in the request or in litellm_settings) to drop it.`,
        { param: field },
      );
    }
    delete chat[field];
  }
  if (request.stream) chat.stream_options = { ...request.stream_options, include_usage: true };
  return chat;
}
