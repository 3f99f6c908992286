// Embeddings' texts: the input strings (token ids are no text to check); the answer is vectors.
import type { EmbeddingRequest, EmbeddingResponse } from '../../openai/types.ts';
import { fieldSlot, type GuardrailSurface, type TextSlot } from '../surface.ts';

export const embeddingsSurface: GuardrailSurface<EmbeddingRequest, EmbeddingResponse> = {
  request: (body) => inputSlots(body),
  answer: () => ({ whole: [] }),
};

function inputSlots(body: EmbeddingRequest): TextSlot[] {
  if (typeof body.input === 'string') return [fieldSlot('i', body, 'input')];
  const input = body.input as unknown[];
  return input.flatMap((item, i) => (typeof item === 'string' ? [fieldSlot(`i${i}`, input as unknown as Record<string, unknown>, String(i))] : []));
}
