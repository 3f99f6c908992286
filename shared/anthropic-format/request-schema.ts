// Checks a POST /v1/messages body (Anthropic's Messages API) before anything is sent upstream, so bad
// input gets a 400 naming the field. Loose: it checks only what no provider could take, and fields
// not listed pass through (to Anthropic untouched; the translation for other providers drops them).
import * as z from 'zod';
import { invalidRequest } from '../core/invalid-request.ts';
import type { AnthropicContentBlock, AnthropicRequestBody, AnthropicTextBlock } from '../providers/anthropic/internal/types.ts';

/** A Messages request as clients send it: `system` and message content may be plain strings. */
export interface MessagesRequest {
  model: string;
  max_tokens: number;
  /** A `system` entry is a system instruction at that point of the conversation (current Claude Code sends them). */
  messages: Array<{ role: 'user' | 'assistant' | 'system'; content: string | AnthropicContentBlock[] }>;
  system?: string | AnthropicTextBlock[];
  stream?: boolean;
  stop_sequences?: string[];
  tools?: AnthropicRequestBody['tools'];
  tool_choice?: AnthropicRequestBody['tool_choice'];
  thinking?: AnthropicRequestBody['thinking'] | { type: 'adaptive'; [key: string]: unknown };
  /** `effort` (low|medium|high|max) and `format` (structured output: {type: "json_schema", schema}). */
  output_config?: { effort?: string; format?: { type?: string; schema?: Record<string, unknown> }; [key: string]: unknown };
  metadata?: { user_id?: string | null };
  [key: string]: unknown;
}

const block = z.looseObject({ type: z.string() });
const message = z.looseObject({
  role: z.enum(['user', 'assistant', 'system'], { error: 'role must be "user", "assistant" or "system"' }),
  content: z.union([z.string(), z.array(block)], { error: 'content must be a string or an array of content blocks' }),
});

const messagesRequestSchema = z.looseObject({
  model: z.string({ error: 'model is required: one of the names GET /v1/models lists' }).min(1),
  max_tokens: z.number({ error: 'max_tokens is required: the most tokens the answer may have' }).int().positive(),
  messages: z.array(message).min(1, 'messages must hold at least one message'),
  system: z.union([z.string(), z.array(z.looseObject({ type: z.literal('text'), text: z.string() }))], { error: 'system must be a string or an array of text blocks' }).optional(),
  stream: z.boolean().optional(),
  temperature: z.number().min(0).max(1).optional(),
  top_p: z.number().min(0).max(1).optional(),
  top_k: z.number().int().positive().optional(),
  stop_sequences: z.array(z.string()).optional(),
  tools: z.array(z.looseObject({ name: z.string().min(1) })).optional(),
  tool_choice: z.looseObject({ type: z.enum(['auto', 'any', 'tool', 'none']) }).optional(),
  thinking: z.looseObject({ type: z.string() }).optional(),
  output_config: z.looseObject({ effort: z.string().optional(), format: z.looseObject({ type: z.string() }).optional() }).optional(),
  metadata: z.looseObject({ user_id: z.string().nullish() }).optional(),
});

/** count_tokens takes a Messages body without max_tokens. */
const countTokensRequestSchema = messagesRequestSchema.extend({ max_tokens: messagesRequestSchema.shape.max_tokens.optional() });

/** The pipeline has dropped the top-level `null`s (absent, as LiteLLM treats them) before this. */
export function parseMessagesRequest(body: Record<string, unknown>, { countTokens = false } = {}): MessagesRequest {
  const result = (countTokens ? countTokensRequestSchema : messagesRequestSchema).safeParse(body);
  if (result.success) return result.data as MessagesRequest;
  throw invalidRequest(result.error);
}
