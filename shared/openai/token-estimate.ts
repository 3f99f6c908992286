// Token counts without a tokenizer: about four characters a token. Used wherever no provider has
// reported a count yet (reservations, context-window checks, the mock, a stream cut short).
export const CHARS_PER_TOKEN = 4;

export function estimateTextTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

/** Tokens of any JSON value from its serialized length (keys and punctuation included): errs high. */
export function estimateJsonTokens(value: unknown): number {
  return Math.max(1, estimateTextTokens(JSON.stringify(value ?? '')));
}
