// What a Gemini model accepts, guessed from its id where the API differs between generations.

/** Gemini 3 and later think by level rather than budget, and want thought signatures back with function calls. */
export function isGemini3OrLater(model: string): boolean {
  return /gemini-([3-9]|\d{2,})/.test(model.toLowerCase());
}
