// The forced JSON tool that stands in for response_format on Claude models without structured outputs
// (LiteLLM's `json_tool_call`): the model is made to call it with the answer as its input, and the
// input comes back as the message content.
import type { AnthropicTool } from './types.ts';

export const JSON_TOOL_NAME = 'json_tool_call';

/** The tool for `schema`; an open object for json_object, which has none. */
export function jsonTool(schema: Record<string, unknown> | undefined): AnthropicTool {
  return {
    name: JSON_TOOL_NAME,
    description: 'Respond with a JSON object that matches this schema.',
    input_schema: schema ?? { type: 'object', properties: {}, additionalProperties: true },
  };
}
