// An OpenAI chat request → the input of Converse / ConverseStream. Parameters map one by one as
// LiteLLM maps them; Converse's own top-level fields (guardrailConfig...) pass through; any other key
// goes to additionalModelRequestFields for the model itself (top_k, ...), as in LiteLLM.
import type { ConverseStreamCommandInput, InferenceConfiguration, Tool, ToolChoice, ToolConfiguration } from '@aws-sdk/client-bedrock-runtime';
import type { DocumentType } from '@smithy/types';
import type { ChatCompletionRequest, FunctionTool, ToolChoice as OpenAIToolChoice } from '../../openai/types.ts';
import { JSON_TOOL_NAME, jsonTool } from '../anthropic/internal/json-tool.ts';
import { maxTokensFor, thinkingFor } from '../anthropic/internal/thinking.ts';
import type { AnthropicOutputConfig } from '../anthropic/internal/types.ts';
import { toConversePrompt } from './messages.ts';

/** Request keys this module translates or deliberately leaves out; `user` and `parallel_tool_calls` have no Converse counterpart. */
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
]);

/** Converse's own request fields a client may set directly. */
const CONVERSE_FIELDS = ['guardrailConfig', 'performanceConfig', 'requestMetadata', 'promptVariables', 'additionalModelResponseFieldPaths'] as const;

export interface ConverseCall {
  /** Fits ConverseCommand as well as ConverseStreamCommand. */
  input: ConverseStreamCommandInput;
  /** response_format is served by the forced JSON tool: its input is the answer's content. */
  jsonTool: boolean;
}

/** Claude on Bedrock takes Anthropic's own fields (thinking, output_config) in additionalModelRequestFields. */
export function isAnthropicModel(model: string): boolean {
  return /anthropic\.|claude/i.test(model);
}

/** Converse's toolChoice `any`/`tool` works with Claude, Mistral Large and Nova only (Bedrock's API reference). */
function takesForcedToolChoice(model: string): boolean {
  return isAnthropicModel(model) || /mistral\.mistral-large|amazon\.nova/i.test(model);
}

export function toConverseInput(request: ChatCompletionRequest): ConverseCall {
  const { system, messages } = toConversePrompt(request.messages);
  const converseFields: Record<string, unknown> = {};
  const modelFields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(request)) {
    if (MAPPED_KEYS.has(key) || value === null || value === undefined) continue;
    if ((CONVERSE_FIELDS as readonly string[]).includes(key)) converseFields[key] = value;
    else modelFields[key] = value;
  }
  const input: ConverseStreamCommandInput = { ...converseFields, modelId: request.model, messages };
  if (system.length) input.system = system;

  const inference: InferenceConfiguration = {};
  const maxTokens = request.max_completion_tokens ?? request.max_tokens ?? undefined;
  if (maxTokens != null) inference.maxTokens = maxTokens;
  if (request.temperature != null) inference.temperature = request.temperature;
  if (request.top_p != null) inference.topP = request.top_p;
  const stop = (typeof request.stop === 'string' ? [request.stop] : (request.stop ?? [])).filter((s) => s); // Converse refuses empty strings
  if (stop.length) inference.stopSequences = stop;

  // reasoning_effort (or `thinking`) for Claude: Anthropic's thinking config, budgets as LiteLLM maps them.
  let thinkingOn = false;
  if (isAnthropicModel(request.model)) {
    const outputConfig: AnthropicOutputConfig = {};
    const thinking = thinkingFor(request, outputConfig);
    if (thinking.config) {
      modelFields['thinking'] = thinking.config;
      inference.maxTokens = maxTokensFor(request, thinking);
      thinkingOn = thinking.config.type !== 'disabled';
    }
    if (outputConfig.effort) modelFields['output_config'] = { effort: outputConfig.effort };
  } else if (request['thinking'] != null) {
    modelFields['thinking'] = request['thinking'];
  }
  if (Object.keys(inference).length) input.inferenceConfig = inference;
  if (Object.keys(modelFields).length) input.additionalModelRequestFields = modelFields as DocumentType;

  const format = request.response_format;
  const useJsonTool = !!format && format.type !== 'text';
  const tools = toConverseTools(request.tools ?? []);
  let toolChoice = request.tool_choice;
  if (useJsonTool) {
    const tool = jsonTool(format.type === 'json_schema' ? format.json_schema?.schema : undefined);
    tools.push({ toolSpec: { name: tool.name, description: tool.description, inputSchema: { json: tool.input_schema as DocumentType } } });
    // Forced tool use and thinking do not mix, and not every model can be forced: then the model is only offered the tool.
    if (!thinkingOn && takesForcedToolChoice(request.model)) toolChoice = { type: 'function', function: { name: JSON_TOOL_NAME } };
  }
  const toolConfig = toToolConfig(tools, toolChoice, messages);
  if (toolConfig) input.toolConfig = toolConfig;
  return { input, jsonTool: useJsonTool };
}

function toConverseTools(tools: FunctionTool[]): Tool[] {
  return tools.flatMap((tool): Tool[] => {
    const fn = tool.function;
    const spec: Tool = {
      toolSpec: {
        name: fn.name,
        description: fn.description,
        inputSchema: { json: (fn.parameters ?? { type: 'object', properties: {} }) as DocumentType },
      },
    };
    return tool.cache_control ? [spec, { cachePoint: { type: 'default' } }] : [spec];
  });
}

/**
 * `required` is Converse's `any`, a named function its `tool`. Converse has no `none`: the tools
 * are left out, unless the conversation already holds tool calls, which Converse only takes with
 * a toolConfig; then they are offered without forcing.
 */
function toToolConfig(tools: Tool[], choice: OpenAIToolChoice | null | undefined, messages: NonNullable<ConverseStreamCommandInput['messages']>): ToolConfiguration | undefined {
  if (!tools.length) return undefined;
  if (choice === 'none') {
    const hasToolBlocks = messages.some((m) => m.content?.some((block) => block.toolUse || block.toolResult));
    return hasToolBlocks ? { tools } : undefined;
  }
  let toolChoice: ToolChoice | undefined;
  if (choice === 'auto') toolChoice = { auto: {} };
  else if (choice === 'required') toolChoice = { any: {} };
  else if (choice && typeof choice === 'object') toolChoice = { tool: { name: choice.function.name } };
  return toolChoice ? { tools, toolChoice } : { tools };
}
