// A non-streamed generateContent answer → an OpenAI chat.completion, one choice per candidate.
// A blocked prompt, or an answer the safety filters stopped before it said anything, is a 400
// content_policy_violation (as LiteLLM raises it), not an empty success.
import { GatewayError } from '../../core/errors.ts';
import { completionId, createdNow } from '../../openai/completion-id.ts';
import type { AssistantMessage, ChatCompletion, ToolCall } from '../../openai/types.ts';
import type { AnswerPart, Candidate, GenerateContentAnswer } from './answer-schema.ts';
import { safetyBlockError, type GoogleErrorContext } from './errors.ts';
import { finishReason, isFlagged } from './finish-reason.ts';
import { toolCallId } from './tool-call-ids.ts';
import { toUsage } from './usage.ts';

export interface CandidateContent {
  text: string;
  reasoning: string;
  toolCalls: ToolCall[];
}

/** Answer text, thought summaries and function calls (with made-up ids) of a candidate's parts. */
export function readParts(parts: AnswerPart[] | null | undefined): CandidateContent {
  const content: CandidateContent = { text: '', reasoning: '', toolCalls: [] };
  for (const part of parts ?? []) {
    if (part.functionCall) {
      const call = part.functionCall;
      content.toolCalls.push({ id: toolCallId(call.id, part.thoughtSignature), type: 'function', function: { name: call.name, arguments: JSON.stringify(call.args ?? {}) } });
    } else if (typeof part.text === 'string') {
      if (part.thought) content.reasoning += part.text;
      else content.text += part.text;
    }
  }
  return content;
}

/** Throws the 400 for a blocked prompt, or for a first candidate stopped by a filter before any output. */
export function checkBlocked(response: GenerateContentAnswer, context: GoogleErrorContext): void {
  const feedback = response.promptFeedback;
  if (feedback?.blockReason) throw safetyBlockError(context, 'The prompt', feedback.blockReason, feedback.blockReasonMessage);
  const first = response.candidates?.[0];
  if (first?.finishReason && isFlagged(first.finishReason) && !hasOutput(first)) {
    throw safetyBlockError(context, 'The answer', first.finishReason, first.finishMessage);
  }
}

export function hasOutput(candidate: Candidate): boolean {
  return (candidate.content?.parts ?? []).some((part) => (typeof part.text === 'string' && part.text !== '' && !part.thought) || part.functionCall);
}

export function toChatCompletion(response: GenerateContentAnswer, model: string, context: GoogleErrorContext): ChatCompletion {
  checkBlocked(response, context);
  if (!response.candidates?.length) throw new GatewayError('upstream_error', `${context.provider} answered with no candidates.`);
  const choices = response.candidates.map((candidate, i) => {
    const { text, reasoning, toolCalls } = readParts(candidate.content?.parts);
    const message: AssistantMessage = { role: 'assistant', content: text || null };
    if (toolCalls.length) message.tool_calls = toolCalls;
    if (reasoning) message.reasoning_content = reasoning;
    return { index: candidate.index ?? i, message, finish_reason: finishReason(candidate.finishReason, toolCalls.length > 0) };
  });
  return {
    id: response.responseId ?? completionId(),
    object: 'chat.completion',
    created: createdNow(),
    model: response.modelVersion ?? model,
    choices,
    usage: toUsage(response.usageMetadata),
  };
}
