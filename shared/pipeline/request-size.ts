// A request's size, measured from its body without a tokenizer, for its budget reservation
// (shared/pricing/usage-ceiling.ts) and its checks of reported usage. Sizes err high, never low: a
// reservation must not fall short of what an honest upstream reports for the same body.
import { Buffer } from 'node:buffer';
import type { MessagesRequest } from '../anthropic-format/request-schema.ts';
import { upstreamBody, type GenerateContentRequest } from '../google-format/generate-content.ts';
import type { ChatCompletionRequest, EmbeddingRequest } from '../openai/types.ts';
import type { ResponsesRequest } from '../responses-format/request-schema.ts';
import type { RequestSize } from '../pricing/usage-ceiling.ts';
import { THINKING_BUDGETS } from '../providers/anthropic/internal/thinking.ts';

/** Allowed per image: above what OpenAI, Anthropic and Gemini charge for one image at their highest detail. */
export const IMAGE_TOKENS = 5_000;
/** Allowed for the prompt providers add when tools are present (Anthropic's tool-use system prompt is about 350). */
const TOOL_PROMPT_TOKENS = 1_024;
/** Content parts and blocks that are images, whatever their bytes. */
const IMAGE_TYPES = new Set(['image_url', 'image', 'input_image']);
/** Parts and blocks the provider reads from elsewhere or whose bytes do not bound their tokens (PDF pages are read as images too). */
const UNMEASURED_TYPES = new Set(['file', 'input_file', 'document', 'video_url', 'video', 'input_video']);
/** Request fields that make the provider read input the body does not hold (search results, caches, remote tools). */
const UNMEASURED_FIELDS = ['web_search_options', 'cached_content', 'mcp_servers', 'container'];
/** With reasoning_effort, a provider may add a thinking budget to max_tokens (shared/providers/anthropic/internal/thinking.ts). */
const EFFORT_THINKING_TOKENS = Math.max(...Object.values(THINKING_BUDGETS));

export function chatSize(body: ChatCompletionRequest): RequestSize {
  const given = body.max_completion_tokens ?? body.max_tokens ?? undefined;
  const thinking = body.reasoning_effort && body.reasoning_effort !== 'none' ? EFFORT_THINKING_TOKENS : 0;
  return { ...promptSize(body), choices: typeof body['n'] === 'number' ? body['n'] : 1, maxOutputTokens: given === undefined ? undefined : given + thinking };
}

export function embeddingSize(body: EmbeddingRequest): RequestSize {
  const items: Array<string | number | number[]> = Array.isArray(body.input) ? body.input : [body.input];
  // Token ids count one each; text counts its bytes.
  const inputTokens = items.map((item) => (typeof item === 'string' ? Buffer.byteLength(item) : Array.isArray(item) ? item.length : 1));
  return { inputTokens, unmeasuredInput: false, choices: 1, maxOutputTokens: 0 };
}

export function messagesSize(body: MessagesRequest): RequestSize {
  return { ...promptSize(body), choices: 1, maxOutputTokens: body.max_tokens };
}

/** A Responses request with the earlier turns it continues (`previous_response_id`), which are sent too. */
export function responsesSize(body: ResponsesRequest, earlierTurns: unknown[]): RequestSize {
  const effort = body.reasoning?.effort;
  const thinking = effort && effort !== 'none' ? EFFORT_THINKING_TOKENS : 0;
  const given = body.max_output_tokens;
  return { ...promptSize({ ...body, earlierTurns }), choices: 1, maxOutputTokens: given === undefined ? undefined : given + thinking };
}

/** Google's generateContent body (the /gemini and /vertex_ai pass-through); files it points to (`fileData`) are read from elsewhere. */
export function generateContentSize(body: GenerateContentRequest): RequestSize {
  const prompt = promptSize(upstreamBody(body));
  const config = body.generationConfig;
  return { ...prompt, unmeasuredInput: prompt.unmeasuredInput || JSON.stringify(body.contents).includes('"fileData"'), choices: config?.candidateCount ?? 1, maxOutputTokens: config?.maxOutputTokens };
}

/** A request that costs nothing (count_tokens) reserves nothing. */
export const NO_SIZE: RequestSize = { inputTokens: [0], unmeasuredInput: false, choices: 1, maxOutputTokens: 0 };

/**
 * The prompt of a chat or Messages body: the UTF-8 bytes of the whole body as JSON (messages, system,
 * tools, schemas: everything a provider may turn into prompt tokens), images at their allowance
 * instead of their bytes, and any input the body only points to as unmeasured.
 */
function promptSize(body: Record<string, unknown>): Pick<RequestSize, 'inputTokens' | 'unmeasuredInput'> {
  let images = 0;
  let unmeasured = UNMEASURED_FIELDS.some((field) => body[field] !== undefined && body[field] !== null);
  const json = JSON.stringify(body, (_name, value: unknown) => {
    const type = typeof value === 'object' && value !== null ? (value as { type?: unknown }).type : undefined;
    if (typeof type !== 'string') return value;
    if (IMAGE_TYPES.has(type)) {
      images++;
      return undefined;
    }
    if (UNMEASURED_TYPES.has(type) && !isTextDocument(value as Record<string, unknown>)) {
      unmeasured = true;
      return undefined;
    }
    return value;
  });
  const tools: unknown[] = [...(Array.isArray(body['tools']) ? body['tools'] : []), ...(Array.isArray(body['functions']) ? body['functions'] : [])];
  // Server-side tools (web search, code execution, ...) bring their results into the prompt.
  if (tools.some((tool) => !isFunctionTool(tool))) unmeasured = true;
  const tokens = Buffer.byteLength(json) + images * IMAGE_TOKENS + (tools.length ? TOOL_PROMPT_TOKENS : 0);
  return { inputTokens: [tokens], unmeasuredInput: unmeasured };
}

/** An Anthropic document block with plain text in it: its bytes bound it like any text. */
function isTextDocument(block: Record<string, unknown>): boolean {
  return block['type'] === 'document' && (block['source'] as { type?: unknown } | undefined)?.type === 'text';
}

/** A tool the client runs: OpenAI's function tools (and legacy `functions`), Anthropic's custom tools. */
function isFunctionTool(tool: unknown): boolean {
  if (typeof tool !== 'object' || tool === null) return false;
  const { type, name } = tool as { type?: unknown; name?: unknown };
  if (type === 'function') return true;
  return (type === undefined || type === 'custom') && typeof name === 'string';
}
