// Gemini's function calls usually carry no id, and OpenAI clients need one to send results back:
// the gateway makes one up. Gemini 3 also wants each call's thought signature back in the next
// turn; OpenAI clients keep nothing but the id, so the signature rides inside it, as LiteLLM does
// (`call_<random>__thought__<signature>`), and is taken out again on the way in.
import { randomBytes } from 'node:crypto';

export const THOUGHT_SIGNATURE_SEPARATOR = '__thought__';

export function toolCallId(geminiId: string | null | undefined, thoughtSignature: string | null | undefined): string {
  const id = geminiId || `call_${randomBytes(12).toString('hex')}`;
  return thoughtSignature ? `${id}${THOUGHT_SIGNATURE_SEPARATOR}${thoughtSignature}` : id;
}

export function thoughtSignatureOf(toolCallId: string): string | undefined {
  const at = toolCallId.indexOf(THOUGHT_SIGNATURE_SEPARATOR);
  return at < 0 ? undefined : toolCallId.slice(at + THOUGHT_SIGNATURE_SEPARATOR.length) || undefined;
}
