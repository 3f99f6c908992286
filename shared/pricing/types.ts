// A model's prices, USD per token, with LiteLLM's field names (model_prices_and_context_window.json).
export interface ModelPrice {
  input_cost_per_token: number;
  output_cost_per_token: number;
  cache_read_input_token_cost?: number;
  cache_creation_input_token_cost?: number;
  max_input_tokens?: number;
  max_output_tokens?: number;
  mode?: 'chat' | 'embedding';
  /** The model takes reasoning_effort (OpenAI) or thinking (Claude, Gemini). */
  supports_reasoning?: boolean;
}

/** What one request cost: what the provider charges, and what the caller is charged (with margin). */
export interface RequestCost {
  provider: number;
  charged: number;
}
