// Legacy completions' texts (/v1/completions): the prompts (token ids are no text to check); each
// choice's text in the answer, whole or as the chunks of a passed-through stream. Answers bridged from
// another provider's chat are checked as chat (./chat.ts) before their translation.
import type { TextCompletionRequest } from '../../completions-format/request-schema.ts';
import type { CompletionsCommitted as Committed } from '../../endpoints/completions.ts';
import type { SseEvent } from '../../http/sse-events.ts';
import type { Usage } from '../../openai/types.ts';
import { type AnswerTexts, eventSlots, fieldSlot, type GuardrailSurface, type TextSlot } from '../surface.ts';
import { chatAnswerTexts } from './chat.ts';

export const completionsSurface: GuardrailSurface<{ request: TextCompletionRequest }, Committed> = {
  request: ({ request }) => promptSlots(request),
  answer: (committed) => answerTexts(committed),
};

function promptSlots(request: TextCompletionRequest): TextSlot[] {
  const { prompt } = request;
  if (typeof prompt === 'string') return [fieldSlot('p', request, 'prompt')];
  const prompts = prompt as unknown[];
  return prompts.flatMap((item, i) => (typeof item === 'string' ? [fieldSlot(`p${i}`, prompts as unknown as Record<string, unknown>, String(i))] : []));
}

function answerTexts(committed: Committed): AnswerTexts<Committed> {
  if (committed.format === 'chat') {
    const texts = chatAnswerTexts(committed.chat);
    return 'whole' in texts ? texts : { stream: (check) => ({ ...committed, chat: texts.stream(check) }) };
  }
  const { answer, provider } = committed;
  if (!answer.stream) {
    const completion = answer.answer as { usage?: Usage } | null;
    return { whole: choiceSlots(answer.answer), ...(completion?.usage && { usage: completion.usage }) };
  }
  return { stream: (check) => ({ format: 'native', provider, answer: { stream: true, events: check(answer.events, chunkSlots) } }) };
}

/** A text_completion's (or a chunk's) choices' texts; an answer not yet checked against its schema may hold none. */
function choiceSlots(completion: unknown): TextSlot[] {
  const choices = (completion as { choices?: unknown } | null)?.choices;
  if (!Array.isArray(choices)) return [];
  return choices.flatMap((choice: { index?: unknown; text?: unknown }, i) =>
    typeof choice?.text === 'string' && choice.text ? [fieldSlot(`c${choice.index ?? i}`, choice as { text: string }, 'text')] : [],
  );
}

function chunkSlots(event: SseEvent): TextSlot[] {
  return eventSlots(event, choiceSlots);
}
