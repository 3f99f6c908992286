// OpenAI tools, tool_choice and parallel_tool_calls → Anthropic's tools and tool_choice.
import type { CacheControl, FunctionTool, ToolChoice } from '../../openai/types.ts';
import type { AnthropicTool, AnthropicToolChoice } from './internal/types.ts';

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
