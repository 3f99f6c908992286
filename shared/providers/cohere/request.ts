// An OpenAI chat request → Cohere's v2 chat body (POST /v2/chat): messages keep their roles (system,
// user, assistant, tool), an assistant's tool calls and a tool answer's `tool_call_id` carry over as
// they are, user content parts stay text and image_url parts; parameters under Cohere's names.
import type { ChatCompletionRequest, ChatMessage, ContentPart } from '../../openai/types.ts';

export function toCohereChat(request: ChatCompletionRequest): Record<string, unknown> {
  const body: Record<string, unknown> = { model: request.model, messages: request.messages.map(toMessage) };
  const maxTokens = request.max_completion_tokens ?? request.max_tokens;
  if (maxTokens !== undefined) body['max_tokens'] = maxTokens;
  if (request.temperature !== undefined) body['temperature'] = request.temperature;
  if (request.top_p !== undefined) body['p'] = request.top_p;
  if (request.stop !== undefined) body['stop_sequences'] = typeof request.stop === 'string' ? [request.stop] : request.stop;
  for (const same of ['seed', 'frequency_penalty', 'presence_penalty'] as const) if (request[same] !== undefined) body[same] = request[same];
  if (request.tools?.length) body['tools'] = request.tools.map(({ type, function: fn }) => ({ type, function: fn }));
  if (request.tool_choice === 'required' || request.tool_choice === 'none') body['tool_choice'] = request.tool_choice.toUpperCase();
  const format = request.response_format;
  if (format?.type === 'json_object') body['response_format'] = { type: 'json_object' };
  if (format?.type === 'json_schema') body['response_format'] = { type: 'json_object', json_schema: format.json_schema.schema };
  if (request.stream) body['stream'] = true;
  return body;
}

function toMessage(message: ChatMessage): Record<string, unknown> {
  if (message.role === 'tool') return { role: 'tool', tool_call_id: message.tool_call_id, content: text(message.content) };
  if (message.role === 'assistant') {
    return { role: 'assistant', ...(message.content ? { content: text(message.content) } : {}), ...(message.tool_calls?.length ? { tool_calls: message.tool_calls } : {}) };
  }
  if (message.role === 'user' && Array.isArray(message.content)) return { role: 'user', content: message.content.map(toPart) };
  return { role: message.role === 'developer' ? 'system' : message.role, content: text(message.content) };
}

function toPart(part: ContentPart): Record<string, unknown> {
  if ('image_url' in part) return { type: 'image_url', image_url: part.image_url };
  return { type: 'text', text: partText(part) };
}

function text(content: ChatMessage['content']): string {
  if (typeof content === 'string') return content;
  return (content ?? []).map(partText).join('');
}

function partText(part: ContentPart): string {
  return 'text' in part && typeof part.text === 'string' ? part.text : '';
}
