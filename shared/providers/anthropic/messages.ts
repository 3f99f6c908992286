// OpenAI chat messages → Anthropic's top-level `system` plus alternating user/assistant messages.
// System and developer messages become system text blocks; tool results become tool_result blocks
// in a user turn; consecutive turns of one role merge, since Anthropic wants them alternating.
import { GatewayError } from '../../core/errors.ts';
import { dataUrlText, parseDataUrl } from '../../openai/data-url.ts';
import { parseToolArguments } from '../../openai/tool-arguments.ts';
import type { CacheControl, ChatMessage, ContentPart, ToolCall } from '../../openai/types.ts';
import { toAnthropicThinking } from './internal/thinking.ts';
import type { AnthropicContentBlock, AnthropicImageBlock, AnthropicMessage, AnthropicTextBlock } from './internal/types.ts';

export interface AnthropicPrompt {
  system: AnthropicTextBlock[];
  messages: AnthropicMessage[];
}

export function toAnthropicPrompt(messages: ChatMessage[]): AnthropicPrompt {
  const system: AnthropicTextBlock[] = [];
  const turns: AnthropicMessage[] = [];
  const push = (role: AnthropicMessage['role'], content: AnthropicContentBlock[]) => {
    if (!content.length) return;
    const last = turns[turns.length - 1];
    if (last?.role === role) last.content.push(...content);
    else turns.push({ role, content });
  };

  messages.forEach((message, i) => {
    const at = `messages[${i}]`;
    switch (message.role) {
      case 'system':
      case 'developer':
        system.push(...withCacheControl(systemBlocks(message, at), message.cache_control));
        break;
      case 'user':
        push('user', withCacheControl(contentBlocks(message.content, at), message.cache_control));
        break;
      case 'assistant':
        push('assistant', withCacheControl(assistantBlocks(message, at), message.cache_control));
        break;
      case 'tool':
        push('user', [toolResult(message, at)]);
        break;
      default:
        throw new GatewayError('invalid_request', `${at}.role "${message.role}" is not supported by anthropic: send tool results as role "tool" with a tool_call_id.`, { param: `${at}.role` });
    }
  });
  return { system, messages: turns };
}

/** A message-level cache_control marks the message's last block, as LiteLLM does. */
function withCacheControl<T extends AnthropicContentBlock>(blocks: T[], cacheControl: CacheControl | undefined): T[] {
  const last = blocks[blocks.length - 1];
  if (!cacheControl || !last || ('cache_control' in last && last.cache_control)) return blocks;
  return [...blocks.slice(0, -1), { ...last, cache_control: cacheControl }];
}

function systemBlocks(message: ChatMessage, at: string): AnthropicTextBlock[] {
  if (typeof message.content === 'string') return message.content ? [{ type: 'text', text: message.content }] : [];
  return (message.content ?? []).flatMap((part, j): AnthropicTextBlock[] => {
    if (part.type !== 'text') {
      throw new GatewayError('invalid_request', `${at}.content[${j}]: a ${message.role} message can only hold text parts for anthropic.`, { param: `${at}.content[${j}]` });
    }
    const text = String(part['text'] ?? '');
    return text ? [textBlock(text, part['cache_control'] as CacheControl | undefined)] : [];
  });
}

function textBlock(text: string, cacheControl: CacheControl | undefined): AnthropicTextBlock {
  return cacheControl ? { type: 'text', text, cache_control: cacheControl } : { type: 'text', text };
}

/** User and tool content: text, images, files; Anthropic-native blocks pass through unchanged. */
function contentBlocks(content: ChatMessage['content'], at: string): AnthropicContentBlock[] {
  if (typeof content === 'string') return content ? [{ type: 'text', text: content }] : [];
  return (content ?? []).flatMap((part, j) => partBlock(part, `${at}.content[${j}]`));
}

function partBlock(part: ContentPart, at: string): AnthropicContentBlock[] {
  const cacheControl = part['cache_control'] as CacheControl | undefined;
  const cached = <T extends AnthropicContentBlock>(block: T): T[] => [cacheControl ? { ...block, cache_control: cacheControl } : block];
  switch (part.type) {
    case 'text': {
      const text = String(part['text'] ?? '');
      return text ? [textBlock(text, cacheControl)] : [];
    }
    case 'image_url': {
      const image = part['image_url'] as { url?: unknown } | string | undefined;
      const url = typeof image === 'string' ? image : image?.url;
      if (typeof url !== 'string' || !url) throw new GatewayError('invalid_request', `${at}.image_url.url is required.`, { param: `${at}.image_url.url` });
      return cached(imageBlock(url, at));
    }
    case 'file':
      return cached(fileBlock(part['file'] as FilePart | undefined, at));
    case 'input_audio':
      throw new GatewayError('invalid_request', `${at}: anthropic does not take audio input.`, { param: at });
    default:
      return [part as AnthropicContentBlock];
  }
}

function imageBlock(url: string, at: string): AnthropicImageBlock {
  if (url.startsWith('data:')) {
    const data = parseDataUrl(url, at);
    if (!data.base64) throw new GatewayError('invalid_request', `${at}: an image data: URL must be base64-encoded.`, { param: at });
    return { type: 'image', source: { type: 'base64', media_type: data.mediaType, data: data.data } };
  }
  if (/^https?:\/\//i.test(url)) return { type: 'image', source: { type: 'url', url } };
  throw new GatewayError('invalid_request', `${at}: an image URL must be http(s) or a base64 data: URL.`, { param: at });
}

interface FilePart {
  file_data?: string;
  file_id?: string;
  filename?: string;
}

/** OpenAI file parts: PDFs and plain text become document blocks, images image blocks. */
function fileBlock(file: FilePart | undefined, at: string): AnthropicContentBlock {
  if (file?.file_id) return { type: 'document', source: { type: 'file', file_id: file.file_id } };
  if (!file?.file_data) throw new GatewayError('invalid_request', `${at}.file needs file_data (a data: URL) or file_id.`, { param: `${at}.file` });
  const data = parseDataUrl(file.file_data, at);
  const title = file.filename ? { title: file.filename } : {};
  if (data.mediaType.startsWith('image/')) return imageBlock(file.file_data, at);
  if (data.mediaType === 'text/plain') {
    return { type: 'document', source: { type: 'text', media_type: 'text/plain', data: dataUrlText(data, at) }, ...title };
  }
  if (!data.base64) throw new GatewayError('invalid_request', `${at}: a file data: URL must be base64-encoded.`, { param: at });
  return { type: 'document', source: { type: 'base64', media_type: data.mediaType, data: data.data }, ...title };
}

/** Thinking blocks first (Anthropic checks their signatures when tools are in play), then text, then tool calls. */
function assistantBlocks(message: ChatMessage, at: string): AnthropicContentBlock[] {
  const blocks: AnthropicContentBlock[] = (message.thinking_blocks ?? []).map(toAnthropicThinking);
  if (typeof message.content === 'string') {
    if (message.content.trim()) blocks.push({ type: 'text', text: message.content });
  } else {
    for (const [j, part] of (message.content ?? []).entries()) {
      if (part.type === 'text' && !String(part['text'] ?? '').trim()) continue;
      if (part.type === 'refusal') continue;
      blocks.push(...partBlock(part, `${at}.content[${j}]`));
    }
  }
  for (const [j, call] of (message.tool_calls ?? []).entries()) blocks.push(toolUse(call, `${at}.tool_calls[${j}]`));
  return blocks;
}

function toolUse(call: ToolCall, at: string): AnthropicContentBlock {
  return { type: 'tool_use', id: call.id, name: call.function.name, input: parseToolArguments(call.function.arguments, `${at}.function.arguments`) };
}

function toolResult(message: ChatMessage, at: string): AnthropicContentBlock {
  if (!message.tool_call_id) throw new GatewayError('invalid_request', `${at}.tool_call_id is required for a tool message.`, { param: `${at}.tool_call_id` });
  const content = typeof message.content === 'string' || message.content == null ? (message.content ?? '') : contentBlocks(message.content, at);
  const block: AnthropicContentBlock = { type: 'tool_result', tool_use_id: message.tool_call_id, content };
  return message.cache_control ? { ...block, cache_control: message.cache_control } : block;
}
