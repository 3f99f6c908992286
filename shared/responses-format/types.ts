// OpenAI's Responses API wire shapes, as far as the gateway reads and writes them (the official
// `openai` package's `Response`, `ResponseInputItem`, `ResponseOutputItem`, `ResponseStreamEvent`).
// Fields the gateway never reads stay open (`[key: string]: unknown`).

/** An input or output item: a message (`type` may be left out on input), a function call or its output, reasoning, ... */
export interface ResponseItem {
  type?: string;
  id?: string;
  [key: string]: unknown;
}

export type OutputText = {
  type: 'output_text';
  text: string;
  annotations: unknown[];
  logprobs?: unknown[];
};

export type OutputMessage = {
  type: 'message';
  id: string;
  status: 'in_progress' | 'completed' | 'incomplete';
  role: 'assistant';
  content: Array<OutputText | { type: 'refusal'; refusal: string }>;
};

export type FunctionCallItem = {
  type: 'function_call';
  id: string;
  call_id: string;
  name: string;
  /** The `namespace` tool it belongs to, if any. */
  namespace?: string;
  arguments: string;
  status: 'in_progress' | 'completed' | 'incomplete';
};

export type ReasoningItem = {
  type: 'reasoning';
  id: string;
  summary: Array<{ type: 'summary_text'; text: string }>;
  /** Claude's thinking signature travels here, so the thinking can go back to Claude with the next turn. */
  encrypted_content?: string;
};

export type OutputItem = OutputMessage | FunctionCallItem | ReasoningItem;

export interface ResponseUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

export type ResponseStatus = 'completed' | 'incomplete' | 'in_progress' | 'failed';

/** A `response` object: what POST /v1/responses answers, GET /v1/responses/{id} returns, and the stream's lifecycle events carry. */
export interface ResponseObject {
  id: string;
  object: 'response';
  created_at: number;
  status: ResponseStatus;
  error: { code: string; message: string } | null;
  incomplete_details: { reason: string } | null;
  model: string;
  output: ResponseItem[];
  usage?: ResponseUsage | null;
  previous_response_id?: string | null;
  [key: string]: unknown;
}
