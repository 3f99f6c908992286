// What a Claude model accepts, guessed from its id where the API differs between generations.
// Unknown ids (aliases, proxies' own names) get the older, more widely accepted request shapes.

/** The last path segment, lower-cased: `claude-sonnet-4-5-20250929`, also behind a `vendor/` prefix. */
function modelId(model: string): string {
  return (model.split('/').pop() ?? model).toLowerCase();
}

/** Claude 4.5 and later answer `output_config.format` (structured outputs) and `strict` tools. */
const STRUCTURED_OUTPUT_MODELS = /claude-(opus|sonnet|haiku)-(4-[5-9]|[5-9])|claude-(fable|mythos)/;

/** Claude 4.6 and later think adaptively (`thinking: {type: "adaptive"}` + `output_config.effort`); 4.7+ refuse `budget_tokens`. */
const ADAPTIVE_THINKING_MODELS = /claude-(opus|sonnet|haiku)-(4-[6-9]|[5-9])|claude-(fable|mythos)/;

export function supportsStructuredOutput(model: string): boolean {
  return STRUCTURED_OUTPUT_MODELS.test(modelId(model));
}

export function usesAdaptiveThinking(model: string): boolean {
  return ADAPTIVE_THINKING_MODELS.test(modelId(model));
}
