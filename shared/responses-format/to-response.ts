// An OpenAI chat.completion → a Responses `response`: reasoning first (Claude's signed thinking kept in
// `encrypted_content`), then the assistant's message, then one function_call item per tool call. The
// request's settings are echoed as OpenAI echoes them.
import { createdNow } from '../openai/completion-id.ts';
import type { AnswerFinishReason, ChatCompletion, ThinkingBlock } from '../openai/types.ts';
import { itemId } from './item-ids.ts';
import type { ResponsesRequest } from './request-schema.ts';
import type { FunctionCallItem, OutputItem, OutputMessage, ReasoningItem, ResponseObject } from './types.ts';
import { toResponseUsage } from './usage.ts';

/** A response with nothing in it yet, as `response.created` shows it: the request's settings, with OpenAI's defaults. */
export function responseShell(request: ResponsesRequest, id: string, model: string): ResponseObject {
  return {
    id,
    object: 'response',
    created_at: createdNow(),
    status: 'in_progress',
    error: null,
    incomplete_details: null,
    instructions: request.instructions ?? null,
    max_output_tokens: request.max_output_tokens ?? null,
    metadata: request.metadata ?? {},
    model,
    output: [],
    parallel_tool_calls: request.parallel_tool_calls ?? true,
    previous_response_id: request.previous_response_id ?? null,
    reasoning: { effort: request.reasoning?.effort ?? null, summary: request.reasoning?.summary ?? null },
    store: request.store ?? true,
    temperature: request.temperature ?? 1,
    text: { format: request.text?.format ?? { type: 'text' } },
    tool_choice: request.tool_choice ?? 'auto',
    tools: request.tools ?? [],
    top_p: request.top_p ?? 1,
    truncation: request.truncation ?? 'disabled',
    usage: null,
    user: request.user ?? null,
  };
}

/** `namespaces`: the namespace of each tool a `namespace` tool groups, by name (to-chat-request.ts#toolNamespaces). */
export function toResponse(completion: ChatCompletion, shell: ResponseObject, namespaces: ReadonlyMap<string, string>): ResponseObject {
  const choice = completion.choices[0];
  const message = choice?.message;
  const output: OutputItem[] = [];
  const reasoning = reasoningItem(message?.reasoning_content, message?.thinking_blocks);
  if (reasoning) output.push(reasoning);
  if (message?.content || message?.refusal) output.push(messageItem(message.content ?? '', message.refusal ?? undefined));
  for (const call of message?.tool_calls ?? []) output.push(functionCallItem(call.id, call.function.name, call.function.arguments, namespaces.get(call.function.name)));
  return { ...shell, ...finished(choice?.finish_reason ?? null), output, usage: toResponseUsage(completion.usage) };
}

/** The status a finish reason gives: an answer cut by the output limit or a content filter is incomplete. */
export function finished(reason: AnswerFinishReason | null): Pick<ResponseObject, 'status' | 'incomplete_details'> {
  if (reason === 'length') return { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } };
  if (reason === 'content_filter') return { status: 'incomplete', incomplete_details: { reason: 'content_filter' } };
  return { status: 'completed', incomplete_details: null };
}

export function reasoningItem(text: string | undefined, blocks: ThinkingBlock[] | undefined, id = itemId('rs')): ReasoningItem | undefined {
  const thinking = blocks?.find((block) => block.type === 'thinking');
  const summary = thinking?.thinking || text;
  if (!summary && !thinking?.signature) return undefined;
  return { type: 'reasoning', id, summary: summary ? [{ type: 'summary_text', text: summary }] : [], ...(thinking?.signature && { encrypted_content: thinking.signature }) };
}

export function messageItem(text: string, refusal?: string, id = itemId('msg')): OutputMessage {
  const content: OutputMessage['content'] = [];
  if (text) content.push({ type: 'output_text', text, annotations: [], logprobs: [] });
  if (refusal) content.push({ type: 'refusal', refusal });
  return { type: 'message', id, status: 'completed', role: 'assistant', content };
}

export function functionCallItem(callId: string, name: string, args: string, namespace: string | undefined, id = itemId('fc')): FunctionCallItem {
  return { type: 'function_call', id, call_id: callId, name, ...(namespace && { namespace }), arguments: args, status: 'completed' };
}
