// A model's prices, USD per token (and per unit for calls priced otherwise), with LiteLLM's field names (model_prices_and_context_window.json).
export interface ModelPrice {
  input_cost_per_token: number;
  output_cost_per_token: number;
  cache_read_input_token_cost?: number;
  cache_creation_input_token_cost?: number;
  max_input_tokens?: number;
  max_output_tokens?: number;
  mode?: ModelMode;
  /** The model takes reasoning_effort (OpenAI) or thinking (Claude, Gemini). */
  supports_reasoning?: boolean;
  /** The provider LiteLLM lists the model under: where `model: "*"` sends a bare model id. */
  litellm_provider?: string;
  /** LiteLLM's table lists the model under its bare id (`claude-sonnet-4-5`, not `azure_ai/claude-sonnet-4-5`): a bare name goes to this provider first. */
  bare_id?: true;
  /** Tokens of these kinds, where the model prices them apart from text (./cost.ts): reasoning, audio and image tokens. */
  output_cost_per_reasoning_token?: number;
  input_cost_per_audio_token?: number;
  output_cost_per_audio_token?: number;
  input_cost_per_image_token?: number;
  output_cost_per_image_token?: number;
  /** Rates for calls priced in other units (./units.ts). */
  output_cost_per_image?: number;
  input_cost_per_pixel?: number;
  input_cost_per_second?: number;
  input_cost_per_character?: number;
  input_cost_per_query?: number;
  /** The rates for prompts of more than N thousand tokens (`input_cost_per_token_above_200k_tokens`): the whole call is priced at them. */
  [above: `${string}_above_${number}k_tokens`]: number | undefined;
}

/** What a model does, as LiteLLM's `mode`: which endpoints serve it. */
export type ModelMode = 'chat' | 'completion' | 'responses' | 'embedding' | 'image_generation' | 'audio_transcription' | 'audio_speech' | 'rerank' | 'moderation';

/** What one request cost: what the provider charges, and what the caller is charged (with margin). */
export interface RequestCost {
  provider: number;
  charged: number;
}
