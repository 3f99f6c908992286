// OpenAI tools, tool_choice and parallel_tool_calls → Anthropic's tools and tool_choice, plus the
// forced JSON tool that stands in for response_format on models without structured outputs.
import type { CacheControl, FunctionTool, ToolChoice } from '../../openai/types.ts';
import type { AnthropicTool, AnthropicToolChoice } from './types.ts';

/** LiteLLM's name for the response_format tool; its input comes back as the message content. */
export const JSON_TOOL_NAME = 'json_tool_call';

export function toAnthropicTools(tools: FunctionTool[], allowStrict: boolean): Array<AnthropicTool | Record<string, unknown>> {
  return tools.map((tool) => {
    // Anthropic-native tool definitions (server tools, already-translated tools) pass through.
    if (tool.type !== 'function' || !tool.function) return tool as unknown as Record<string, unknown>;
    const fn = tool.function;
    const out: AnthropicTool = { name: fn.name, input_schema: fn.parameters ?? { type: 'object', properties: {} } };
    if (fn.description !== undefined) out.description = fn.description;
    if (allowStrict && fn.strict === true) out.strict = true;
    const cacheControl = tool.cache_control ?? (fn as { cache_control?: CacheControl }).cache_control;
    if (cacheControl) out.cache_control = cacheControl;
    return out;
  });
}

/** The tool the model is made to call with the response as its input; an open object for json_object. */
export function jsonTool(schema: Record<string, unknown> | undefined): AnthropicTool {
  return {
    name: JSON_TOOL_NAME,
    description: 'Respond with a JSON object that matches this schema.',
    input_schema: schema ?? { type: 'object', properties: {}, additionalProperties: true },
  };
}

/**
 * `required` is Anthropic's `any`; a named function is `{type: "tool"}`. OpenAI's
 * `parallel_tool_calls` is the inverse of `disable_parallel_tool_use`, which has no place on `none`.
 */
export function toAnthropicToolChoice(choice: ToolChoice | null | undefined, parallelToolCalls: boolean | null | undefined): AnthropicToolChoice | undefined {
  let out: AnthropicToolChoice | undefined;
  if (choice === 'auto') out = { type: 'auto' };
  else if (choice === 'required') out = { type: 'any' };
  else if (choice === 'none') out = { type: 'none' };
  else if (choice && typeof choice === 'object') out = { type: 'tool', name: choice.function.name };
  if (typeof parallelToolCalls === 'boolean' && out?.type !== 'none') {
    out = { ...(out ?? { type: 'auto' }), disable_parallel_tool_use: !parallelToolCalls } as AnthropicToolChoice;
  }
  return out;
}
