// A Responses request (with the items of the conversation it continues) → the OpenAI chat request the
// provider layer takes, for every model that is not served on OpenAI's own Responses API:
// instructions → a system message, message items → messages, function_call items → tool_calls,
// function_call_output → tool messages, reasoning items → the next assistant turn's thinking,
// function tools → chat tools, text.format → response_format, reasoning.effort → reasoning_effort,
// max_output_tokens → max_tokens. A field that would change the answer and has no chat counterpart
// is refused with a 400 naming it, or dropped under drop_params.
import { GatewayError } from '../core/errors.ts';
import type { ChatCompletionRequest, ChatMessage, ContentPart, FunctionTool, ResponseFormat, ToolCall, ToolChoice } from '../openai/types.ts';
import { GATEWAY_FIELDS } from '../providers/params.ts';
import { inputItems, type ResponsesRequest } from './request-schema.ts';
import type { ResponseItem } from './types.ts';

/** Taken over as they are: the sampling fields both APIs share, and LiteLLM's routing fields (fallbacks, num_retries, mock_response...). */
const KEPT = new Set<string>(['temperature', 'top_p', 'user', 'parallel_tool_calls', ...GATEWAY_FIELDS.filter((field) => field !== 'metadata')]);
/** Translated below, or the gateway's own business (storage, the stream, the response's own metadata). */
const HANDLED = new Set<string>(['model', 'input', 'instructions', 'tools', 'tool_choice', 'text', 'reasoning', 'max_output_tokens', 'metadata', 'store', 'previous_response_id', 'stream', 'include']);
/** Fields that tune the upstream's service, not the answer: nothing to translate, nothing lost. */
const NOT_ANSWER_CHANGING = new Set<string>(['prompt_cache_key', 'prompt_cache_retention', 'safety_identifier', 'service_tier', 'stream_options', 'background', 'client_metadata']);

export function toChatRequest(request: ResponsesRequest, history: ResponseItem[], dropParams: boolean): ChatCompletionRequest {
  const drop = dropParams || request.drop_params === true;
  const chat: ChatCompletionRequest = { model: request.model, messages: [] };
  for (const [key, value] of Object.entries(request)) {
    if (value === undefined || HANDLED.has(key) || NOT_ANSWER_CHANGING.has(key)) continue;
    if (KEPT.has(key)) chat[key] = value;
    else if (key === 'truncation' && value === 'disabled') continue;
    else if (!drop) throw untranslatable(key, `the parameter ${key}`);
  }
  if (request.instructions) chat.messages.push({ role: 'system', content: request.instructions });
  chat.messages.push(...toMessages([...history, ...inputItems(request)]));
  if (request.max_output_tokens !== undefined) chat.max_tokens = request.max_output_tokens;
  const tools = (request.tools ?? []).flatMap((tool, i) => functionTool(tool, `tools[${i}]`, drop));
  if (tools.length) chat.tools = tools;
  if (request.tool_choice !== undefined && tools.length) chat.tool_choice = toolChoice(request.tool_choice);
  const format = responseFormat(request.text?.format);
  if (format) chat.response_format = format;
  const effort = request.reasoning?.effort;
  if (effort) chat.reasoning_effort = effort === 'xhigh' ? 'high' : effort;
  if (request.stream) {
    chat.stream = true;
    // The usage chunk feeds response.completed's usage.
    chat.stream_options = { include_usage: true };
  }
  return chat;
}

function untranslatable(param: string, what: string): GatewayError {
  return new GatewayError(
    'unsupported_params',
    `${what} cannot be sent to this model: only OpenAI and Azure deployments serve it on their own Responses API, and other models get the request through chat, which has no counterpart. Remove it, or set drop_params: true (in the request or in litellm_settings) to drop it.`,
    { param },
  );
}

/** The conversation's items, in order, as chat messages. */
function toMessages(items: ResponseItem[]): ChatMessage[] {
  const messages: ChatMessage[] = [];
  /** Reasoning waiting for the assistant turn it belongs to. */
  let thinking: Pick<ChatMessage, 'thinking_blocks' | 'reasoning_content'> = {};
  /** The assistant turn function calls join: the last message, while nothing else has come after it. */
  const assistantTurn = (): ChatMessage => {
    const last = messages.at(-1);
    if (last?.role === 'assistant') return last;
    const turn: ChatMessage = { role: 'assistant', content: null, ...thinking };
    thinking = {};
    messages.push(turn);
    return turn;
  };
  for (const [i, item] of items.entries()) {
    const at = `input[${i}]`;
    const type = item.type ?? 'message';
    if (type === 'message') {
      const role = String(item['role']);
      if (role === 'assistant') {
        const turn = assistantTurn();
        const text = textOf(item['content'], at);
        turn.content = turn.content ? `${turn.content}${text}` : text || null;
      } else if (role === 'user') messages.push({ role: 'user', content: userContent(item['content'], at) });
      else if (role === 'system' || role === 'developer') messages.push({ role: 'system', content: textOf(item['content'], at) });
      else throw new GatewayError('invalid_request', `${at}.role: a message's role is user, assistant, system or developer, not "${role}".`, { param: `${at}.role` });
    } else if (type === 'function_call') {
      const turn = assistantTurn();
      const call: ToolCall = { id: String(item['call_id']), type: 'function', function: { name: String(item['name']), arguments: String(item['arguments'] ?? '') } };
      turn.tool_calls = [...(turn.tool_calls ?? []), call];
    } else if (type === 'function_call_output') {
      messages.push({ role: 'tool', tool_call_id: String(item['call_id']), content: outputText(item['output']) });
    } else if (type === 'reasoning') {
      thinking = reasoningOf(item);
    } else if (type === 'item_reference') {
      throw new GatewayError('invalid_request', `${at}: the item_reference names "${String(item.id)}", which this gateway did not store for this key (or it has expired). Send the item itself.`, {
        param: at,
      });
    } else {
      throw new GatewayError('invalid_request', `${at}: a "${type}" item can only be sent to an OpenAI or Azure deployment, which serve the Responses API themselves.`, { param: at });
    }
  }
  return messages;
}

/** A reasoning item as the thinking of the next assistant turn: Claude's signed block when it carries the signature, else plain reasoning text. */
function reasoningOf(item: ResponseItem): Pick<ChatMessage, 'thinking_blocks' | 'reasoning_content'> {
  const summary = Array.isArray(item['summary']) ? (item['summary'] as Array<{ text?: unknown }>) : [];
  const text = summary.map((part) => String(part.text ?? '')).join('\n');
  const signature = item['encrypted_content'];
  if (typeof signature === 'string' && signature) return { thinking_blocks: [{ type: 'thinking', thinking: text, signature }] };
  return text ? { reasoning_content: text } : {};
}

function partsOf(content: unknown, at: string): Array<Record<string, unknown>> {
  if (typeof content === 'string') return [{ type: 'input_text', text: content }];
  if (!Array.isArray(content)) throw new GatewayError('invalid_request', `${at}.content: a message's content is a string or a list of content parts.`, { param: `${at}.content` });
  return content as Array<Record<string, unknown>>;
}

/** The text of a system, developer or assistant message. */
function textOf(content: unknown, at: string): string {
  return partsOf(content, at)
    .map((part, j) => {
      if (part['type'] === 'input_text' || part['type'] === 'output_text' || part['type'] === 'text') return String(part['text'] ?? '');
      if (part['type'] === 'refusal') return String(part['refusal'] ?? '');
      throw new GatewayError('invalid_request', `${at}.content[${j}]: only text can be sent in this message, not "${String(part['type'])}".`, { param: `${at}.content[${j}]` });
    })
    .join('');
}

function userContent(content: unknown, at: string): string | ContentPart[] {
  if (typeof content === 'string') return content;
  const parts = partsOf(content, at).map((part, j) => contentPart(part, `${at}.content[${j}]`));
  return parts.every((part) => part.type === 'text') ? parts.map((part) => (part as { text: string }).text).join('') : parts;
}

function contentPart(part: Record<string, unknown>, at: string): ContentPart {
  switch (part['type']) {
    case 'input_text':
    case 'output_text':
      return { type: 'text', text: String(part['text'] ?? '') };
    case 'input_image': {
      const url = part['image_url'];
      if (typeof url !== 'string') throw onlyNative(at, 'an image given by file_id');
      const detail = part['detail'];
      return { type: 'image_url', image_url: { url, ...(detail === 'low' || detail === 'high' || detail === 'auto' ? { detail } : {}) } };
    }
    case 'input_file': {
      const data = part['file_data'];
      if (typeof data !== 'string') throw onlyNative(at, 'a file given by file_id or file_url');
      const filename = part['filename'];
      return { type: 'file', file: { file_data: data, ...(typeof filename === 'string' ? { filename } : {}) } };
    }
    default:
      throw new GatewayError('invalid_request', `${at}: a "${String(part['type'])}" content part can only be sent to an OpenAI or Azure deployment.`, { param: at });
  }
}

function onlyNative(at: string, what: string): GatewayError {
  return new GatewayError(
    'invalid_request',
    `${at}: ${what} can only be sent to an OpenAI or Azure deployment (they read OpenAI's file store); send the data itself (file_data, or a data: or https: image_url).`,
    {
      param: at,
    },
  );
}

/** A function_call_output's output: a string, or content parts whose text is kept. */
function outputText(output: unknown): string {
  if (typeof output === 'string') return output;
  if (!Array.isArray(output)) return output === undefined || output === null ? '' : JSON.stringify(output);
  return output.map((part: { text?: unknown }) => (typeof part?.text === 'string' ? part.text : '')).join('');
}

/**
 * Function tools become chat tools, and so do the function tools a `namespace` groups (Codex sends
 * them): chat has no namespaces, so their calls come back named plainly and get their namespace
 * again from `toolNamespaces`. Built-in tools (web_search, file_search, code_interpreter, ...) run
 * inside OpenAI's Responses API: another model cannot run them, so they are refused by name.
 */
function functionTool(tool: NonNullable<ResponsesRequest['tools']>[number], at: string, drop: boolean): FunctionTool[] {
  if (tool.type === 'namespace' && Array.isArray(tool['tools'])) {
    return (tool['tools'] as Array<{ type: string; [key: string]: unknown }>).flatMap((inner, j) => functionTool(inner, `${at}.tools[${j}]`, drop));
  }
  if (tool.type !== 'function') {
    if (drop) return [];
    throw untranslatable(at, `The built-in tool "${tool.type}" (${at})`);
  }
  const fn: FunctionTool['function'] = { name: String(tool['name']), parameters: (tool['parameters'] as Record<string, unknown> | undefined) ?? { type: 'object', properties: {} } };
  if (typeof tool['description'] === 'string') fn.description = tool['description'];
  if (typeof tool['strict'] === 'boolean') fn.strict = tool['strict'];
  return [{ type: 'function', function: fn }];
}

/** The namespace of each tool a `namespace` tool groups, by the tool's name: what its calls are written back with. */
export function toolNamespaces(request: ResponsesRequest): Map<string, string> {
  const namespaces = new Map<string, string>();
  for (const tool of request.tools ?? []) {
    if (tool.type !== 'namespace' || !Array.isArray(tool['tools'])) continue;
    for (const inner of tool['tools'] as Array<{ name?: unknown }>) if (typeof inner.name === 'string') namespaces.set(inner.name, String(tool['name']));
  }
  return namespaces;
}

function toolChoice(choice: NonNullable<ResponsesRequest['tool_choice']>): ToolChoice {
  if (typeof choice === 'string') return choice as ToolChoice;
  if (choice.type === 'function' && typeof choice.name === 'string') return { type: 'function', function: { name: choice.name } };
  throw new GatewayError('invalid_request', `tool_choice: "${choice.type}" names a built-in tool, which only OpenAI and Azure deployments run.`, { param: 'tool_choice' });
}

function responseFormat(format: NonNullable<ResponsesRequest['text']>['format']): ResponseFormat | undefined {
  if (!format || format.type === 'text') return undefined;
  if (format.type === 'json_object') return { type: 'json_object' };
  const { name, schema, strict, description } = format;
  return { type: 'json_schema', json_schema: { name: name ?? 'response', ...(schema && { schema }), ...(strict !== undefined && { strict }), ...(description && { description }) } };
}
