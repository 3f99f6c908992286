// Checks a chat-completions body before anything is sent upstream, so bad input gets a 400 naming
// the field. Objects are loose: fields not listed pass through to the provider unchanged.
import * as z from 'zod';
import { invalidRequest } from '../core/invalid-request.ts';
import type { ChatCompletionRequest } from './types.ts';

const contentPart = z.looseObject({ type: z.string() });
/** Claude's thinking, as a client sends an earlier answer's `thinking_blocks` back. */
const thinkingBlock = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('thinking'), thinking: z.string(), signature: z.string().optional() }),
  z.looseObject({ type: z.literal('redacted_thinking'), data: z.string() }),
]);
const message = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function']),
  content: z.union([z.string(), z.array(contentPart), z.null()]).optional(),
  tool_call_id: z.string().optional(),
  tool_calls: z.array(z.looseObject({ id: z.string(), type: z.literal('function'), function: z.looseObject({ name: z.string(), arguments: z.string() }) })).optional(),
  thinking_blocks: z.array(thinkingBlock).nullish(),
});
const tool = z.looseObject({
  type: z.literal('function'),
  function: z.looseObject({ name: z.string().min(1), description: z.string().optional(), parameters: z.record(z.string(), z.unknown()).optional() }),
});

const chatRequestSchema = z.looseObject({
  model: z.string({ error: 'model is required: one of the names GET /v1/models lists' }).min(1),
  messages: z.array(message).min(1, 'messages must hold at least one message'),
  stream: z.boolean().optional(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  max_tokens: z.number().int().positive().nullish(),
  max_completion_tokens: z.number().int().positive().nullish(),
  n: z.number().int().positive().nullish(),
  stop: z.union([z.string(), z.array(z.string())]).nullish(),
  tools: z.array(tool).nullish(),
  tool_choice: z.union([z.enum(['none', 'auto', 'required']), z.looseObject({ type: z.literal('function'), function: z.looseObject({ name: z.string() }) })]).nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  response_format: z.looseObject({ type: z.enum(['text', 'json_object', 'json_schema']) }).nullish(),
  reasoning_effort: z.enum(['none', 'minimal', 'low', 'medium', 'high']).nullish(),
  // The end user: it names a customer item, so it must be text.
  user: z
    .string()
    .nullish()
    .transform((user) => user ?? undefined),
  mock_response: z.string().optional(),
  drop_params: z.boolean().optional(),
});

export function parseChatRequest(body: unknown): ChatCompletionRequest {
  const result = chatRequestSchema.safeParse(body);
  if (result.success) return result.data as ChatCompletionRequest;
  throw invalidRequest(result.error);
}
