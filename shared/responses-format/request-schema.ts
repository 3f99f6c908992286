// Checks a POST /v1/responses body (OpenAI's Responses API) before anything is sent upstream, so bad
// input gets a 400 naming the field. Loose: fields not listed pass through (to OpenAI and Azure
// untouched; the bridge to chat decides about the others, ./to-chat-request.ts).
import * as z from 'zod';
import { invalidRequest } from '../core/invalid-request.ts';
import type { ResponseItem } from './types.ts';

export interface ResponsesRequest {
  model: string;
  /** A string is one user message. */
  input?: string | ResponseItem[];
  instructions?: string;
  tools?: Array<{ type: string; [key: string]: unknown }>;
  tool_choice?: string | { type: string; name?: string; [key: string]: unknown };
  parallel_tool_calls?: boolean;
  text?: { format?: { type: string; name?: string; schema?: Record<string, unknown>; strict?: boolean; description?: string }; [key: string]: unknown };
  reasoning?: { effort?: 'none' | 'minimal' | 'low' | 'medium' | 'high' | 'xhigh'; summary?: string; [key: string]: unknown };
  max_output_tokens?: number;
  temperature?: number;
  top_p?: number;
  metadata?: Record<string, string>;
  user?: string;
  store?: boolean;
  previous_response_id?: string;
  stream?: boolean;
  include?: string[];
  truncation?: 'auto' | 'disabled';
  [key: string]: unknown;
}

const item = z.looseObject({ type: z.string().optional() });
const contentPart = z.looseObject({ type: z.string() }, { error: 'a content part is an object with a type' });
/** What each item type the gateway reads must hold (OpenAI refuses the same); other types pass as they are. */
const ITEMS: Record<string, z.ZodType> = {
  message: z.looseObject({
    role: z.enum(['user', 'assistant', 'system', 'developer'], { error: 'role must be "user", "assistant", "system" or "developer"' }),
    content: z.union([z.string(), z.array(contentPart)], { error: 'content must be a string or a list of content parts' }),
  }),
  function_call: z.looseObject({ call_id: z.string(), name: z.string(), arguments: z.string() }),
  function_call_output: z.looseObject({ call_id: z.string(), output: z.union([z.string(), z.array(contentPart)], { error: 'output must be a string or a list of content parts' }) }),
  reasoning: z.looseObject({ summary: z.array(z.looseObject({ text: z.string() })).optional(), encrypted_content: z.string().nullish() }),
};
const functionTool = z.looseObject({ type: z.literal('function'), name: z.string({ error: 'a function tool needs its name' }).min(1) });

const responsesRequestSchema = z.looseObject({
  model: z.string({ error: 'model is required: one of the names GET /v1/models lists' }).min(1),
  input: z.union([z.string(), z.array(item)], { error: 'input must be a string or a list of input items' }).optional(),
  instructions: z.string().optional(),
  tools: z.array(z.union([functionTool, z.looseObject({ type: z.string().refine((type) => type !== 'function') })], { error: 'each tool needs a type; a function tool its name' })).optional(),
  tool_choice: z.union([z.enum(['none', 'auto', 'required']), z.looseObject({ type: z.string() })]).optional(),
  parallel_tool_calls: z.boolean().optional(),
  text: z.looseObject({ format: z.looseObject({ type: z.enum(['text', 'json_object', 'json_schema']) }).optional() }).optional(),
  reasoning: z.looseObject({ effort: z.enum(['none', 'minimal', 'low', 'medium', 'high', 'xhigh']).nullish(), summary: z.string().nullish() }).optional(),
  max_output_tokens: z.number().int().positive().optional(),
  temperature: z.number().min(0).max(2).optional(),
  top_p: z.number().min(0).max(1).optional(),
  metadata: z.record(z.string(), z.string(), { error: 'metadata must map strings to strings' }).optional(),
  // The end user: it names a customer item, so it must be text.
  user: z.string().optional(),
  store: z.boolean().optional(),
  previous_response_id: z.string().min(1).optional(),
  stream: z.boolean().optional(),
  include: z.array(z.string()).optional(),
  truncation: z.enum(['auto', 'disabled']).optional(),
  mock_response: z.string().optional(),
  drop_params: z.boolean().optional(),
});

/** An explicit `null` in a top-level field means the field is absent, as LiteLLM treats it (and it is not sent on). */
export function parseResponsesRequest(body: Record<string, unknown>): ResponsesRequest {
  const present = Object.fromEntries(Object.entries(body).filter(([, value]) => value !== null));
  const result = responsesRequestSchema.safeParse(present);
  if (!result.success) throw invalidRequest(result.error);
  const request = result.data as ResponsesRequest;
  if (Array.isArray(request.input)) {
    for (const [i, given] of request.input.entries()) {
      const checked = ITEMS[given.type ?? 'message']?.safeParse(given);
      if (checked && !checked.success) throw invalidRequest(new z.ZodError(checked.error.issues.map((issue) => ({ ...issue, path: ['input', i, ...issue.path] }))));
    }
  }
  return request;
}

/** The request's own input as a list of items (a string is one user message). */
export function inputItems(request: ResponsesRequest): ResponseItem[] {
  if (request.input === undefined) return [];
  if (typeof request.input === 'string') return [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: request.input }] }];
  return request.input;
}
