// An OpenAI chat request → the body of POST /v1/messages. Parameters are mapped one by one; keys
// that are not OpenAI's (top_k, container, output_config...) pass through unchanged, as in LiteLLM.
import type { ChatCompletionRequest, ResponseFormat } from '../../openai/types.ts';
import { JSON_TOOL_NAME, jsonTool } from './internal/json-tool.ts';
import { supportsStructuredOutput } from './internal/models.ts';
import { DEFAULT_MAX_TOKENS, maxTokensFor, thinkingFor } from './internal/thinking.ts';
import type { AnthropicOutputConfig, AnthropicRequestBody, AnthropicTool } from './internal/types.ts';
import { toAnthropicPrompt } from './messages.ts';
import { closedSchema } from './schema.ts';
import { toAnthropicToolChoice, toAnthropicTools } from './tools.ts';

/** Request keys this module translates; everything else that is not null passes through. */
const MAPPED_KEYS = new Set([
  'model',
  'messages',
  'stream',
  'stream_options',
  'max_tokens',
  'max_completion_tokens',
  'temperature',
  'top_p',
  'stop',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'response_format',
  'reasoning_effort',
  'thinking',
  'user',
  'web_search_options',
]);

export interface AnthropicCall {
  body: AnthropicRequestBody;
  /** response_format is served by the forced JSON tool: its input is the answer's content. */
  jsonTool: boolean;
}

export function toAnthropicRequest(request: ChatCompletionRequest): AnthropicCall {
  const extras: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(request)) if (!MAPPED_KEYS.has(key) && value !== null && value !== undefined) extras[key] = value;

  const { system, messages } = toAnthropicPrompt(request.messages);
  const body: AnthropicRequestBody = { ...extras, model: request.model, messages, max_tokens: DEFAULT_MAX_TOKENS };
  if (system.length) body.system = system;
  if (request.stream === true) body.stream = true;
  if (request.temperature != null) body.temperature = request.temperature;
  if (request.top_p != null) body.top_p = request.top_p;
  const stop = typeof request.stop === 'string' ? [request.stop] : request.stop;
  if (stop?.length) body.stop_sequences = stop;
  const userId = request.user;
  if (typeof userId === 'string' && userId && !looksLikePersonalData(userId)) body.metadata = { user_id: userId };

  const outputConfig: AnthropicOutputConfig = { ...(extras['output_config'] as AnthropicOutputConfig | undefined) };
  const thinking = thinkingFor(request, outputConfig);
  if (thinking.config) body.thinking = thinking.config;
  body.max_tokens = maxTokensFor(request, thinking);

  const tools: Array<AnthropicTool | Record<string, unknown>> = toAnthropicTools(request.tools ?? [], supportsStructuredOutput(request.model));
  const webSearch = webSearchTool(request['web_search_options']);
  if (webSearch) tools.push(webSearch);
  let toolChoice = request.tool_choice;
  let usesJsonTool = false;
  const format = structuredOutput(request.response_format, request.model);
  if (format.native) outputConfig.format = format.native;
  if (format.tool) {
    tools.push(format.tool);
    usesJsonTool = true;
    // Forced tool use and thinking do not mix: with thinking on, the model is only offered the tool.
    if (!thinking.config || thinking.config.type === 'disabled') toolChoice = { type: 'function', function: { name: JSON_TOOL_NAME } };
  }
  if (tools.length) {
    body.tools = tools;
    const choice = toAnthropicToolChoice(toolChoice, request.parallel_tool_calls);
    if (choice) body.tool_choice = choice;
  }
  if (Object.keys(outputConfig).length) body.output_config = outputConfig;
  return { body, jsonTool: usesJsonTool };
}

/**
 * json_schema → native structured outputs (output_config.format) on models that have them, objects
 * closed as they require; elsewhere, for schemas with open objects, and for json_object (which has
 * no schema), LiteLLM's forced `json_tool_call` tool.
 */
function structuredOutput(format: ResponseFormat | null | undefined, model: string): { native?: AnthropicOutputConfig['format']; tool?: AnthropicTool } {
  if (!format || format.type === 'text') return {};
  const schema = format.type === 'json_schema' ? format.json_schema?.schema : undefined;
  const closed = schema && supportsStructuredOutput(model) ? closedSchema(schema) : undefined;
  if (closed) return { native: { type: 'json_schema', schema: closed } };
  return { tool: jsonTool(schema) };
}

/** OpenAI's web_search_options → Anthropic's server-side web search tool. */
function webSearchTool(options: unknown): Record<string, unknown> | undefined {
  if (!options || typeof options !== 'object') return undefined;
  const tool: Record<string, unknown> = { type: 'web_search_20250305', name: 'web_search' };
  const location = (options as { user_location?: { approximate?: Record<string, unknown> } }).user_location?.approximate;
  if (location) {
    const fields = Object.fromEntries(['city', 'region', 'country', 'timezone'].filter((k) => typeof location[k] === 'string').map((k) => [k, location[k]]));
    tool['user_location'] = { type: 'approximate', ...fields };
  }
  return tool;
}

/** Anthropic refuses e-mail addresses and phone numbers as metadata.user_id; LiteLLM leaves them out. */
function looksLikePersonalData(userId: string): boolean {
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(userId) || /^\+?[\d\s()-]{7,}$/.test(userId);
}
