// Images' texts (/v1/images/generations and /v1/images/edits): the prompt. The answer is images,
// which no guardrail here reads.
import type { ImagesResponse } from '../../openai/images.ts';
import { fieldSlot, type GuardrailSurface } from '../surface.ts';

export const imagesSurface: GuardrailSurface<{ prompt: string }, ImagesResponse> = {
  request: (body) => [fieldSlot('p', body, 'prompt')],
  answer: () => ({ whole: [] }),
};
