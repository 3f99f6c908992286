// An OpenAI chat request → the body of generateContent / streamGenerateContent, shared by the
// Gemini API and Vertex AI (same body, different URL and auth). Parameters are mapped one by one
// as LiteLLM maps them; keys that are not OpenAI's (safetySettings, labels...) pass through.
import type { ChatCompletionRequest, ResponseFormat, ToolChoice } from '../../openai/types.ts';
import { toGeminiPrompt } from './contents.ts';
import { isGemini3OrLater } from './models.ts';
import { toGeminiSchema } from './schema.ts';
import type { GeminiGenerationConfig, GeminiThinkingConfig, GeminiTool, GeminiToolConfig, GenerateContentRequest } from './types.ts';

/** LiteLLM's reasoning_effort → thinking budget for Gemini 2.5 (minimal is the smallest budget the models take). */
export const THINKING_BUDGETS = { minimal: 128, low: 1024, medium: 2048, high: 4096 } as const;

/** Request keys this module translates or deliberately leaves out; everything else that is not null passes through. */
const MAPPED_KEYS = new Set([
  'model',
  'messages',
  'stream',
  'stream_options',
  'max_tokens',
  'max_completion_tokens',
  'temperature',
  'top_p',
  'top_k',
  'stop',
  'n',
  'seed',
  'presence_penalty',
  'frequency_penalty',
  'logprobs',
  'top_logprobs',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'response_format',
  'reasoning_effort',
  'thinking',
  'user',
  'web_search_options',
  'safety_settings',
  'cached_content',
]);

export function toGenerateContentRequest(request: ChatCompletionRequest): GenerateContentRequest {
  const extras: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(request)) if (!MAPPED_KEYS.has(key) && value !== null && value !== undefined) extras[key] = value;

  const { systemInstruction, contents } = toGeminiPrompt(request.messages, request.model);
  const body: GenerateContentRequest = { ...extras, contents };
  if (systemInstruction) body.systemInstruction = systemInstruction;

  const tools: GeminiTool[] = [];
  const declarations = (request.tools ?? []).map((tool, i) => {
    const fn = tool.function;
    const parameters = fn.parameters && hasProperties(fn.parameters) ? toGeminiSchema(fn.parameters, `tools[${i}].function.parameters`) : undefined;
    return { name: fn.name, ...(fn.description !== undefined ? { description: fn.description } : {}), ...(parameters ? { parameters } : {}) };
  });
  if (declarations.length) tools.push({ functionDeclarations: declarations });
  if (request['web_search_options'] && typeof request['web_search_options'] === 'object') tools.push({ googleSearch: {} });
  if (tools.length) body.tools = tools;
  const toolConfig = toToolConfig(request.tool_choice);
  if (toolConfig && declarations.length) body.toolConfig = toolConfig;

  if (Array.isArray(request['safety_settings'])) body.safetySettings = request['safety_settings'];
  if (typeof request['cached_content'] === 'string') body.cachedContent = request['cached_content'];

  const config = generationConfig(request);
  if (Object.keys(config).length) body.generationConfig = { ...config, ...(extras['generationConfig'] as GeminiGenerationConfig | undefined) };
  return body;
}

function generationConfig(request: ChatCompletionRequest): GeminiGenerationConfig {
  const config: GeminiGenerationConfig = {};
  if (request.temperature != null) config.temperature = request.temperature;
  if (request.top_p != null) config.topP = request.top_p;
  if (typeof request['top_k'] === 'number') config.topK = request['top_k'];
  const maxTokens = request.max_completion_tokens ?? request.max_tokens;
  if (maxTokens != null) config.maxOutputTokens = maxTokens;
  const stop = typeof request.stop === 'string' ? [request.stop] : request.stop;
  if (stop?.length) config.stopSequences = stop;
  if (typeof request['n'] === 'number') config.candidateCount = request['n'];
  if (typeof request['seed'] === 'number') config.seed = request['seed'];
  if (typeof request['presence_penalty'] === 'number') config.presencePenalty = request['presence_penalty'];
  if (typeof request['frequency_penalty'] === 'number') config.frequencyPenalty = request['frequency_penalty'];
  if (typeof request['logprobs'] === 'boolean') config.responseLogprobs = request['logprobs'];
  if (typeof request['top_logprobs'] === 'number') config.logprobs = request['top_logprobs'];
  Object.assign(config, responseFormat(request.response_format));
  const thinking = thinkingConfig(request);
  if (thinking) config.thinkingConfig = thinking;
  return config;
}

/** json_object → JSON mode; json_schema → JSON mode constrained by the schema (as Gemini's Schema). */
function responseFormat(format: ResponseFormat | null | undefined): GeminiGenerationConfig {
  if (!format || format.type === 'text') return {};
  const schema = format.type === 'json_schema' ? format.json_schema?.schema : undefined;
  return { responseMimeType: 'application/json', ...(schema ? { responseSchema: toGeminiSchema(schema, 'response_format.json_schema.schema') } : {}) };
}

/** `required` is Gemini's ANY; a named function is ANY restricted to that name. */
function toToolConfig(choice: ToolChoice | null | undefined): GeminiToolConfig | undefined {
  if (choice === 'auto') return { functionCallingConfig: { mode: 'AUTO' } };
  if (choice === 'none') return { functionCallingConfig: { mode: 'NONE' } };
  if (choice === 'required') return { functionCallingConfig: { mode: 'ANY' } };
  if (choice && typeof choice === 'object') return { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [choice.function.name] } };
  return undefined;
}

/**
 * `thinking` ({type, budget_tokens}, Anthropic's shape, which LiteLLM accepts for Gemini) wins;
 * otherwise reasoning_effort: a thinking level on Gemini 3 (which has low and high only, and cannot
 * stop thinking), a budget on Gemini 2.5. Thoughts are included so reasoning_content can carry them.
 */
function thinkingConfig(request: ChatCompletionRequest): GeminiThinkingConfig | undefined {
  const thinking = request['thinking'] as { type?: string; budget_tokens?: number } | undefined;
  if (thinking && typeof thinking === 'object') {
    if (thinking.type === 'disabled') return { thinkingBudget: 0 };
    const budget = typeof thinking.budget_tokens === 'number' ? { thinkingBudget: thinking.budget_tokens } : {};
    return { ...budget, includeThoughts: thinking.type === 'enabled' && thinking.budget_tokens !== 0 };
  }
  const effort = request.reasoning_effort;
  if (!effort) return undefined;
  if (isGemini3OrLater(request.model)) {
    return { thinkingLevel: effort === 'high' || effort === 'medium' ? 'high' : 'low', includeThoughts: effort !== 'none' };
  }
  if (effort === 'none') return { thinkingBudget: 0, includeThoughts: false };
  return { thinkingBudget: THINKING_BUDGETS[effort], includeThoughts: true };
}

/** Gemini refuses an OBJECT schema without properties: a function that takes nothing declares no parameters. */
function hasProperties(schema: Record<string, unknown>): boolean {
  const properties = schema['properties'];
  return schema['type'] !== 'object' || (!!properties && typeof properties === 'object' && Object.keys(properties).length > 0);
}
