// OpenAI chat messages → Gemini's `systemInstruction` plus `contents` of user and model turns.
// System and developer messages become the system instruction; assistant tool calls become
// functionCall parts and tool results functionResponse parts (Gemini matches them by function
// name, so each result's name is looked up from the call it answers); consecutive turns of one
// role merge, as Gemini expects function responses to arrive together.
import { GatewayError } from '../../core/errors.ts';
import { parseDataUrl } from '../../openai/data-url.ts';
import { parseToolArguments } from '../../openai/tool-arguments.ts';
import type { ChatMessage, ContentPart } from '../../openai/types.ts';
import { isGemini3OrLater } from './models.ts';
import { thoughtSignatureOf } from './tool-call-ids.ts';
import type { GeminiContent, GeminiPart } from './types.ts';

export interface GeminiPrompt {
  systemInstruction?: GeminiContent;
  contents: GeminiContent[];
}

/**
 * Gemini 3 refuses a function call in the history without its thought signature (calls made by
 * another model, or by a client that rebuilt the ids). Google documents this value as the way to
 * send such history anyway; LiteLLM does the same.
 */
const SKIP_SIGNATURE_CHECK = 'skip_thought_signature_validator';

export function toGeminiPrompt(messages: ChatMessage[], model: string): GeminiPrompt {
  const system: GeminiPart[] = [];
  const contents: GeminiContent[] = [];
  const toolNames = new Map<string, string>();
  const needsSignatures = isGemini3OrLater(model);
  const push = (role: 'user' | 'model', parts: GeminiPart[]) => {
    if (!parts.length) return;
    const last = contents[contents.length - 1];
    if (last?.role === role) last.parts.push(...parts);
    else contents.push({ role, parts });
  };

  messages.forEach((message, i) => {
    const at = `messages[${i}]`;
    switch (message.role) {
      case 'system':
      case 'developer':
        system.push(...systemParts(message, at));
        break;
      case 'user':
        push('user', contentParts(message.content, at));
        break;
      case 'assistant': {
        const parts = assistantParts(message, at, toolNames);
        const firstCall = parts.find((part) => part.functionCall);
        if (needsSignatures && firstCall && !firstCall.thoughtSignature) firstCall.thoughtSignature = SKIP_SIGNATURE_CHECK;
        push('model', parts);
        break;
      }
      case 'tool':
      case 'function':
        push('user', [functionResponse(message, at, toolNames)]);
        break;
      default:
        throw new GatewayError('invalid_request', `${at}.role "${message.role}" is not supported by gemini.`, { param: `${at}.role` });
    }
  });
  return { systemInstruction: system.length ? { parts: system } : undefined, contents };
}

function systemParts(message: ChatMessage, at: string): GeminiPart[] {
  if (typeof message.content === 'string') return message.content ? [{ text: message.content }] : [];
  return (message.content ?? []).flatMap((part, j): GeminiPart[] => {
    if (part.type !== 'text') {
      throw new GatewayError('invalid_request', `${at}.content[${j}]: a ${message.role} message can only hold text parts for gemini.`, { param: `${at}.content[${j}]` });
    }
    const text = String(part['text'] ?? '');
    return text ? [{ text }] : [];
  });
}

function contentParts(content: ChatMessage['content'], at: string): GeminiPart[] {
  if (typeof content === 'string') return content ? [{ text: content }] : [];
  return (content ?? []).flatMap((part, j) => contentPart(part, `${at}.content[${j}]`));
}

function contentPart(part: ContentPart, at: string): GeminiPart[] {
  switch (part.type) {
    case 'text': {
      const text = String(part['text'] ?? '');
      return text ? [{ text }] : [];
    }
    case 'image_url': {
      const image = part['image_url'] as { url?: unknown } | string | undefined;
      const url = typeof image === 'string' ? image : image?.url;
      if (typeof url !== 'string' || !url) throw new GatewayError('invalid_request', `${at}.image_url.url is required.`, { param: `${at}.image_url.url` });
      return [mediaPart(url, at, 'image/jpeg')];
    }
    case 'input_audio': {
      const audio = part['input_audio'] as { data?: unknown; format?: unknown } | undefined;
      if (typeof audio?.data !== 'string' || typeof audio.format !== 'string') {
        throw new GatewayError('invalid_request', `${at}.input_audio needs data (base64) and format.`, { param: `${at}.input_audio` });
      }
      return [{ inlineData: { mimeType: `audio/${audio.format}`, data: audio.data } }];
    }
    case 'file': {
      const file = part['file'] as { file_data?: unknown; file_id?: unknown; format?: unknown } | undefined;
      if (typeof file?.file_data === 'string') return [mediaPart(file.file_data, `${at}.file.file_data`, 'application/pdf')];
      if (typeof file?.file_id === 'string') {
        const mimeType = typeof file.format === 'string' ? file.format : mimeTypeOf(file.file_id, 'application/pdf');
        return [{ fileData: { mimeType, fileUri: file.file_id } }];
      }
      throw new GatewayError('invalid_request', `${at}.file needs file_data (a data: URL) or file_id.`, { param: `${at}.file` });
    }
    default:
      throw new GatewayError('invalid_request', `${at}: content parts of type "${part.type}" are not supported by gemini.`, { param: `${at}.type` });
  }
}

/** Inline bytes for data: URLs; anything else (https://, gs://, Files API URIs) is a file reference Gemini fetches itself. */
function mediaPart(url: string, at: string, fallbackType: string): GeminiPart {
  if (url.startsWith('data:')) {
    const data = parseDataUrl(url, at);
    if (!data.base64) throw new GatewayError('invalid_request', `${at}: a data: URL must be base64-encoded.`, { param: at });
    return { inlineData: { mimeType: data.mediaType, data: data.data } };
  }
  if (!/^(https?|gs):\/\//i.test(url)) throw new GatewayError('invalid_request', `${at}: a URL must be http(s), gs:// or a base64 data: URL.`, { param: at });
  return { fileData: { mimeType: mimeTypeOf(url, fallbackType), fileUri: url } };
}

const MIME_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  heic: 'image/heic',
  heif: 'image/heif',
  pdf: 'application/pdf',
  txt: 'text/plain',
  mp3: 'audio/mp3',
  wav: 'audio/wav',
  flac: 'audio/flac',
  mp4: 'video/mp4',
  mov: 'video/mov',
  webm: 'video/webm',
};

function mimeTypeOf(url: string, fallback: string): string {
  const extension = /\.([a-z0-9]+)(?:[?#].*)?$/i.exec(url)?.[1]?.toLowerCase();
  return (extension && MIME_TYPES[extension]) || fallback;
}

function assistantParts(message: ChatMessage, at: string, toolNames: Map<string, string>): GeminiPart[] {
  const parts: GeminiPart[] = [];
  if (typeof message.content === 'string') {
    if (message.content) parts.push({ text: message.content });
  } else {
    for (const part of message.content ?? []) {
      if (part.type === 'text' && part['text']) parts.push({ text: String(part['text']) });
    }
  }
  (message.tool_calls ?? []).forEach((call, j) => {
    toolNames.set(call.id, call.function.name);
    const part: GeminiPart = { functionCall: { name: call.function.name, args: parseArguments(call.function.arguments, `${at}.tool_calls[${j}].function.arguments`) } };
    const signature = thoughtSignatureOf(call.id);
    if (signature) part.thoughtSignature = signature;
    parts.push(part);
  });
  return parts;
}

/** Gemini's functionCall.args is a Struct: a JSON object, nothing else. */
function parseArguments(args: string, at: string): Record<string, unknown> {
  const parsed = parseToolArguments(args, at);
  if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  throw new GatewayError('invalid_request', `${at} must be a JSON object.`, { param: at });
}

/** Gemini wants the function's name with its result, and the result as an object: text goes under `content`, as LiteLLM sends it. */
function functionResponse(message: ChatMessage, at: string, toolNames: Map<string, string>): GeminiPart {
  const name = (message.tool_call_id && toolNames.get(message.tool_call_id)) || message.name;
  if (!name) {
    throw new GatewayError('invalid_request', `${at}.tool_call_id does not match a tool call of an earlier assistant message, so gemini cannot tell which function answered.`, {
      param: `${at}.tool_call_id`,
    });
  }
  const content = typeof message.content === 'string' ? message.content : (message.content ?? []).map((part) => (part.type === 'text' ? String(part['text'] ?? '') : '')).join('');
  return { functionResponse: { name, response: { content } } };
}
