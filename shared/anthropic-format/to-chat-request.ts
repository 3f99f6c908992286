// An Anthropic Messages request → the OpenAI chat request the provider layer takes, for models that
// are not Anthropic's own: system (top-level, or an entry in `messages`) → a system message,
// tool_result blocks → tool messages, tool_use → tool_calls, thinking blocks → thinking_blocks,
// images and PDFs → image_url / file parts, thinking and output_config → reasoning_effort and
// response_format.
import { GatewayError } from '../core/errors.ts';
import type { ChatCompletionRequest, ChatMessage, ContentPart, FunctionTool, ThinkingBlock, ToolCall, ToolChoice } from '../openai/types.ts';
import { toolCall } from '../providers/anthropic/internal/assistant-answer.ts';
import { reasoningEffort } from '../providers/anthropic/internal/thinking.ts';
import type { AnthropicContentBlock, AnthropicToolChoice } from '../providers/anthropic/internal/types.ts';
import { GATEWAY_FIELDS } from '../providers/params.ts';
import type { MessagesRequest } from './request-schema.ts';

/**
 * Fields taken over as they are: the sampling ones both APIs share, and LiteLLM's routing fields
 * (fallbacks, num_retries, mock_response...). `metadata` is Anthropic's own here ({user_id}, mapped
 * below). Other Anthropic-only fields (top_k, service_tier, context_management...) have no OpenAI
 * counterpart and are left out, since OpenAI-family APIs refuse fields they do not know.
 */
const KEPT = new Set<string>(['temperature', 'top_p', ...GATEWAY_FIELDS.filter((field) => field !== 'metadata')]);

export function toChatRequest(request: MessagesRequest): ChatCompletionRequest {
  const chat: ChatCompletionRequest = { model: request.model, messages: [], max_tokens: request.max_tokens };
  for (const [key, value] of Object.entries(request)) if (KEPT.has(key) && value !== undefined) chat[key] = value;
  if (request.system !== undefined) chat.messages.push(...systemMessages(request.system, 'system'));
  for (const [i, message] of request.messages.entries()) chat.messages.push(...TURNS[message.role](message.content, `messages[${i}].content`));
  if (request.stop_sequences?.length) chat.stop = request.stop_sequences;
  const tools = (request.tools ?? []).flatMap((tool, i) => functionTools(tool, `tools[${i}]`));
  if (tools.length) chat.tools = tools;
  if (request.tool_choice) Object.assign(chat, toolChoice(request.tool_choice));
  const effort = reasoningEffort(request.thinking, request.output_config?.effort);
  if (effort) chat.reasoning_effort = effort;
  const format = request.output_config?.format;
  if (format?.type === 'json_schema' && format.schema) chat.response_format = { type: 'json_schema', json_schema: { name: 'structured_output', schema: format.schema } };
  const user = request.metadata?.user_id;
  if (typeof user === 'string' && user) chat.user = user;
  if (request.stream) {
    chat.stream = true;
    // The usage chunk feeds message_delta's token counts.
    chat.stream_options = { include_usage: true };
  }
  return chat;
}

/** How each role's turn becomes chat messages. */
const TURNS: Record<MessagesRequest['messages'][number]['role'], (content: string | AnthropicContentBlock[], at: string) => ChatMessage[]> = {
  user: userMessages,
  assistant: assistantMessages,
  system: systemMessages,
};

/**
 * The top-level system prompt, or a system entry inside `messages`: a system message at that point.
 * Providers whose APIs take one system prompt merge them there, as the OpenAI format does for them.
 */
function systemMessages(content: string | AnthropicContentBlock[], at: string): ChatMessage[] {
  const text = blocksOf(content)
    .map((block, i) => {
      if (block.type !== 'text') throw new GatewayError('invalid_request', `${at}[${i}]: system content takes text blocks only, not "${block.type}".`, { param: `${at}[${i}]` });
      return String(block['text'] ?? '');
    })
    .join('\n');
  return text ? [{ role: 'system', content: text }] : [];
}

function blocksOf(content: string | AnthropicContentBlock[]): AnthropicContentBlock[] {
  return typeof content === 'string' ? [{ type: 'text', text: content }] : content;
}

/** A user turn: its tool results first, as tool messages (OpenAI wants them right after the calls), then the rest. */
function userMessages(content: string | AnthropicContentBlock[], at: string): ChatMessage[] {
  const tools: ChatMessage[] = [];
  const parts: ContentPart[] = [];
  blocksOf(content).forEach((block, i) => {
    if (block.type === 'tool_result') {
      const result = block as { tool_use_id: string; content?: unknown; is_error?: boolean };
      const text = toolResultText(result.content, `${at}[${i}].content`);
      tools.push({ role: 'tool', tool_call_id: result.tool_use_id, content: result.is_error ? `Error: ${text}` : text });
    } else {
      parts.push(contentPart(block, `${at}[${i}]`));
    }
  });
  if (!parts.length) return tools;
  const onlyText = parts.every((p) => p.type === 'text' && !('cache_control' in p));
  const user: ChatMessage = { role: 'user', content: onlyText ? parts.map((p) => (p as { text: string }).text).join('') : parts };
  return [...tools, user];
}

/** A tool_result's content as the text of a tool message: a string, or the text blocks of an array. */
function toolResultText(content: unknown, at: string): string {
  if (content === undefined || content === null) return '';
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) throw new GatewayError('invalid_request', `${at}: a tool_result's content must be a string or an array of content blocks.`, { param: at });
  return content
    .map((b: unknown) => {
      const item = b as { type?: unknown; text?: unknown } | null;
      return item && typeof item === 'object' && item.type === 'text' ? String(item.text) : '';
    })
    .join('');
}

function contentPart(block: AnthropicContentBlock, at: string): ContentPart {
  const cache = 'cache_control' in block && block.cache_control ? { cache_control: block.cache_control } : {};
  switch (block.type) {
    case 'text':
      return { type: 'text', text: String(block['text'] ?? ''), ...cache };
    case 'image':
    case 'document': {
      const { source: given, title } = block as { source?: unknown; title?: unknown };
      const source = given as { type: string; media_type?: string; data?: string; url?: string } | undefined;
      const url =
        source?.type === 'base64'
          ? `data:${source.media_type};base64,${source.data}`
          : source?.type === 'url'
            ? source.url
            : source?.type === 'text'
              ? `data:text/plain;base64,${Buffer.from(source.data ?? '').toString('base64')}`
              : undefined;
      if (!url) throw new GatewayError('invalid_request', `${at}.source: only base64, url and text sources can be sent to this model.`, { param: `${at}.source` });
      if (block.type === 'image') return { type: 'image_url', image_url: { url }, ...cache };
      return { type: 'file', file: { file_data: url, ...(typeof title === 'string' ? { filename: title } : {}) }, ...cache };
    }
    default:
      throw new GatewayError('invalid_request', `${at}: a "${block.type}" block can only be sent to an Anthropic model.`, { param: at });
  }
}

/** An assistant turn: text, thinking (kept so it can go back to a thinking model) and tool calls. */
function assistantMessages(content: string | AnthropicContentBlock[], at: string): ChatMessage[] {
  let text = '';
  const toolCalls: ToolCall[] = [];
  const thinking: ThinkingBlock[] = [];
  blocksOf(content).forEach((block, i) => {
    if (block.type === 'text') text += String(block['text'] ?? '');
    else if (block.type === 'tool_use') toolCalls.push(toolCall(String(block['id']), String(block['name']), block['input']));
    else if (block.type === 'thinking') thinking.push({ type: 'thinking', thinking: String(block['thinking'] ?? ''), signature: String(block['signature'] ?? '') });
    else if (block.type === 'redacted_thinking') thinking.push({ type: 'redacted_thinking', data: String(block['data'] ?? '') });
    else throw new GatewayError('invalid_request', `${at}[${i}]: a "${block.type}" block can only be sent to an Anthropic model.`, { param: `${at}[${i}]` });
  });
  const message: ChatMessage = { role: 'assistant', content: text || null };
  if (toolCalls.length) message.tool_calls = toolCalls;
  if (thinking.length) message.thinking_blocks = thinking;
  return [message];
}

/**
 * A client tool as a function. Anthropic's tool search (`tool_search_tool_*`) is left out: without it
 * the deferred tools (`defer_loading`) are simply offered up front, which is what it would find.
 * Other server tools (web_search_20250305, bash_20250124, ...) carry a versioned type; only Anthropic runs them.
 */
function functionTools(given: NonNullable<MessagesRequest['tools']>[number], at: string): FunctionTool[] {
  const tool = given as Record<string, unknown>;
  const type = tool['type'];
  if (typeof type === 'string' && type.startsWith('tool_search_tool')) return [];
  if (type !== undefined && type !== 'custom') {
    throw new GatewayError('invalid_request', `${at}: the server tool "${String(type)}" only runs on Anthropic models.`, { param: at });
  }
  const fn: FunctionTool['function'] = { name: String(tool['name']), parameters: (tool['input_schema'] as Record<string, unknown> | undefined) ?? { type: 'object', properties: {} } };
  if (typeof tool['description'] === 'string') fn.description = tool['description'];
  return [{ type: 'function', function: fn }];
}

function toolChoice(choice: AnthropicToolChoice): { tool_choice: ToolChoice; parallel_tool_calls?: boolean } {
  const chosen: ToolChoice = choice.type === 'any' ? 'required' : choice.type === 'tool' ? { type: 'function', function: { name: choice.name } } : choice.type;
  const parallel = 'disable_parallel_tool_use' in choice && choice.disable_parallel_tool_use ? { parallel_tool_calls: false } : {};
  return { tool_choice: chosen, ...parallel };
}
