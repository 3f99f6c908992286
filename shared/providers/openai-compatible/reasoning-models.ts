// OpenAI's reasoning models (the o-series and GPT-5, not gpt-5-chat) refuse `max_tokens` and take
// `max_completion_tokens` instead, as LiteLLM renames it for them. Which model a deployment runs is
// read from `model_info.base_model` when given (an Azure deployment's name says nothing), else from
// the upstream model id.
import type { Deployment } from '../../config/types.ts';

const REASONING_MODEL = /^(o\d+(-|$)|gpt-5(?!-chat)(\b|-|\.|$))/;

export function isOpenAIReasoningModel(deployment: Deployment): boolean {
  const baseModel = deployment.modelInfo['base_model'];
  const id = typeof baseModel === 'string' ? baseModel.split('/').at(-1)! : deployment.upstreamModel;
  return REASONING_MODEL.test(id);
}

/** `max_tokens` as `max_completion_tokens`, which the client may also have sent (it then wins). */
export function forReasoningModel(body: Record<string, unknown>): void {
  if (body['max_tokens'] === undefined) return;
  body['max_completion_tokens'] ??= body['max_tokens'];
  delete body['max_tokens'];
}
