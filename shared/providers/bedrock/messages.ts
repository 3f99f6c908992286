// OpenAI chat messages → Converse's `system` blocks and alternating user/assistant messages. System
// and developer messages become system text; tool results become toolResult blocks in a user turn;
// files become document blocks (shared/providers/bedrock/documents.ts);
// consecutive turns of one role merge, since Converse wants them alternating. A `cache_control`
// marker becomes a cachePoint after the marked content, as LiteLLM does.
import type { ContentBlock, ImageFormat, Message, SystemContentBlock, ToolResultContentBlock } from '@aws-sdk/client-bedrock-runtime';
import type { DocumentType } from '@smithy/types';
import { GatewayError } from '../../core/errors.ts';
import { fileBlock, type FilePart } from './documents.ts';
import { parseDataUrl } from '../../openai/data-url.ts';
import { parseToolArguments } from '../../openai/tool-arguments.ts';
import type { ChatMessage, ContentPart, ToolCall } from '../../openai/types.ts';

export interface ConversePrompt {
  system: SystemContentBlock[];
  messages: Message[];
}

/** Blocks both message content and system prompts take. */
type TextOrCachePoint = { text: string } | { cachePoint: { type: 'default' } };

const CACHE_POINT: TextOrCachePoint = { cachePoint: { type: 'default' } };

const IMAGE_FORMATS: Record<string, ImageFormat> = {
  'image/png': 'png',
  'image/jpeg': 'jpeg',
  'image/jpg': 'jpeg',
  'image/gif': 'gif',
  'image/webp': 'webp',
};

export function toConversePrompt(messages: ChatMessage[]): ConversePrompt {
  const system: SystemContentBlock[] = [];
  const turns: Message[] = [];
  const push = (role: 'user' | 'assistant', content: ContentBlock[]) => {
    if (!content.length) return;
    const last = turns[turns.length - 1];
    if (last?.role === role) last.content!.push(...content);
    else turns.push({ role, content });
  };

  messages.forEach((message, i) => {
    const at = `messages[${i}]`;
    const cached = <T extends ContentBlock | SystemContentBlock>(blocks: T[]): T[] => (message.cache_control && blocks.length ? [...blocks, CACHE_POINT as T] : blocks);
    switch (message.role) {
      case 'system':
      case 'developer':
        system.push(...cached(systemBlocks(message, at)));
        break;
      case 'user':
        push('user', cached(contentBlocks(message.content, at)));
        break;
      case 'assistant':
        push('assistant', cached(assistantBlocks(message, at)));
        break;
      case 'tool':
        push('user', cached([toolResult(message, at)]));
        break;
      default:
        throw new GatewayError('invalid_request', `${at}.role "${message.role}" is not supported by bedrock: send tool results as role "tool" with a tool_call_id.`, { param: `${at}.role` });
    }
  });
  return { system, messages: turns };
}

function systemBlocks(message: ChatMessage, at: string): SystemContentBlock[] {
  if (typeof message.content === 'string') return message.content.trim() ? [{ text: message.content }] : [];
  return (message.content ?? []).flatMap((part, j): SystemContentBlock[] => {
    if (part.type !== 'text') {
      throw new GatewayError('invalid_request', `${at}.content[${j}]: a ${message.role} message can only hold text parts for bedrock.`, { param: `${at}.content[${j}]` });
    }
    return textBlocks(part);
  });
}

/** Converse refuses blank text blocks, so empty text is left out. */
function textBlocks(part: ContentPart): TextOrCachePoint[] {
  const text = String((part as { text?: unknown }).text ?? '');
  if (!text.trim()) return [];
  return part['cache_control'] ? [{ text }, CACHE_POINT] : [{ text }];
}

function contentBlocks(content: ChatMessage['content'], at: string): ContentBlock[] {
  if (typeof content === 'string') return content.trim() ? [{ text: content }] : [];
  return (content ?? []).flatMap((part, j) => partBlocks(part, `${at}.content[${j}]`));
}

function partBlocks(part: ContentPart, at: string): ContentBlock[] {
  switch (part.type) {
    case 'text':
      return textBlocks(part);
    case 'image_url': {
      const image = part['image_url'] as { url?: unknown } | string | undefined;
      const url = typeof image === 'string' ? image : image?.url;
      if (typeof url !== 'string' || !url) throw new GatewayError('invalid_request', `${at}.image_url.url is required.`, { param: `${at}.image_url.url` });
      return [imageBlock(url, at)];
    }
    case 'file':
      return [fileBlock(part['file'] as FilePart | undefined, at, imageBlock)];
    default:
      throw new GatewayError('invalid_request', `${at}: bedrock takes text, image_url and file parts; "${part.type}" is not supported.`, { param: `${at}.type` });
  }
}

/** Converse takes image bytes (or S3), never a URL to fetch: http(s) images are refused rather than downloaded by the gateway. */
function imageBlock(url: string, at: string): ContentBlock {
  if (!url.startsWith('data:')) {
    throw new GatewayError('invalid_request', `${at}: bedrock takes images inline only; send the image as a base64 data: URL (data:image/png;base64,...) instead of a link.`, {
      param: `${at}.image_url.url`,
    });
  }
  const data = parseDataUrl(url, at);
  const format = IMAGE_FORMATS[data.mediaType.toLowerCase()];
  if (!format) throw new GatewayError('invalid_request', `${at}: bedrock takes png, jpeg, gif and webp images, not ${data.mediaType}.`, { param: `${at}.image_url.url` });
  if (!data.base64) throw new GatewayError('invalid_request', `${at}: an image data: URL must be base64-encoded.`, { param: `${at}.image_url.url` });
  return { image: { format, source: { bytes: Buffer.from(data.data, 'base64') } } };
}

/** Reasoning first (Claude checks its signatures when tools are in play), then text, then tool calls. */
function assistantBlocks(message: ChatMessage, at: string): ContentBlock[] {
  const blocks: ContentBlock[] = (message.thinking_blocks ?? []).map(
    (block): ContentBlock =>
      block.type === 'redacted_thinking'
        ? { reasoningContent: { redactedContent: Buffer.from(block.data, 'base64') } }
        : { reasoningContent: { reasoningText: { text: block.thinking, signature: block.signature } } },
  );
  if (typeof message.content === 'string') {
    if (message.content.trim()) blocks.push({ text: message.content });
  } else {
    for (const part of message.content ?? []) if (part.type === 'text') blocks.push(...textBlocks(part));
  }
  for (const [j, call] of (message.tool_calls ?? []).entries()) blocks.push(toolUse(call, `${at}.tool_calls[${j}]`));
  return blocks;
}

function toolUse(call: ToolCall, at: string): ContentBlock {
  const input = parseToolArguments(call.function.arguments, `${at}.function.arguments`) as DocumentType;
  return { toolUse: { toolUseId: call.id, name: call.function.name, input } };
}

function toolResult(message: ChatMessage, at: string): ContentBlock {
  if (!message.tool_call_id) throw new GatewayError('invalid_request', `${at}.tool_call_id is required for a tool message.`, { param: `${at}.tool_call_id` });
  const blocks = typeof message.content === 'string' || message.content == null ? [{ text: message.content ?? '' }] : contentBlocks(message.content, at);
  const content = blocks.flatMap((block): ToolResultContentBlock[] => {
    if (block.image) return [{ image: block.image }];
    if (block.document) return [{ document: block.document }];
    return block.text?.trim() ? [{ text: block.text }] : [];
  });
  // Converse wants at least one block and refuses blank text: an empty result still has to say so.
  return { toolResult: { toolUseId: message.tool_call_id, content: content.length ? content : [{ text: '(no output)' }] } };
}
