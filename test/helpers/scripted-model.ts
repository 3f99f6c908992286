// A deterministic stand-in for a language model, shared by the fake upstreams that speak each
// provider's wire format (fake-anthropic.ts, fake-openai.ts, fake-bedrock-converse.ts). The prompt
// scripts the answer, so what reaches a client proves the whole path carried it: client → gateway →
// provider format → fake → back. Directives, read from the newest user turn:
//   [[say TEXT]]              answer TEXT
//   [[call NAME {json}]]      call the offered tool NAME with these arguments (after a short preamble)
//   [[json {json}]]           answer this JSON: as the forced tool's arguments when the request forces
//                             a tool (structured output through a tool), as the text when it asks for
//                             JSON output; a request that asks for neither gets prose, as a model
//                             that was never told about the format would answer
// A newest turn that carries tool results is answered `tool said: <results>`, so a client that got
// that answer has run the tool and sent its result back. A request that turns thinking on gets a
// thinking block first, signed as Anthropic signs them: the fakes check that a tool loop sends the
// signed block back unchanged, as the real APIs do.
import { randomBytes } from 'node:crypto';

export interface Conversation {
  /** The text of the newest user turn (text parts joined by newlines). */
  userText: string;
  /** The tool results in the newest user turn, as text, in order. */
  toolResults: string[];
  /** The names of the tools the request offers. */
  tools: string[];
  /** The tool the request forces the model to call, if it forces one. */
  forcedTool?: string;
  /** The request asks for JSON text (OpenAI's response_format, Anthropic's output_config.format, ...). */
  wantsJson: boolean;
  /** The request turns Claude's thinking on. */
  thinking?: boolean;
}

export interface ToolCall {
  name: string;
  input: Record<string, unknown>;
}

export interface Thinking {
  text: string;
  signature: string;
}

/** What the model says: text, a tool call, or text then a tool call; thinking first when asked to think. */
export interface Reply {
  thinking?: Thinking;
  text?: string;
  toolCall?: ToolCall;
}

export function scriptedReply(conversation: Conversation): Reply {
  const said = answer(conversation);
  return conversation.thinking ? { thinking: { text: 'The prompt says what to answer.', signature: issueSignature() }, ...said } : said;
}

function answer(conversation: Conversation): Reply {
  if (conversation.toolResults.length) return { text: `tool said: ${conversation.toolResults.join(' | ')}` };
  const text = conversation.userText;
  const call = /\[\[call (\S+) (\{.*?\})\]\]/s.exec(text);
  if (call && conversation.tools.includes(call[1]!)) {
    return { text: `Let me use ${call[1]}.`, toolCall: { name: call[1]!, input: JSON.parse(call[2]!) } };
  }
  const json = /\[\[json (\{.*?\})\]\]/s.exec(text);
  if (json) {
    if (conversation.forcedTool) return { toolCall: { name: conversation.forcedTool, input: JSON.parse(json[1]!) } };
    return { text: conversation.wantsJson ? json[1]! : 'Here is what you asked for, in plain words.' };
  }
  const say = /\[\[say (.*?)\]\]/s.exec(text);
  // Anything unscripted (a client's own side request, say) gets a plain answer the tests never expect.
  return { text: say ? say[1]! : 'unscripted' };
}

const signatures = new Set<string>();

function issueSignature(): string {
  const signature = randomBytes(48).toString('base64');
  signatures.add(signature);
  return signature;
}

/** Whether a thinking block's signature is one the model gave out (a block changed on the way back is not). */
export function isIssuedSignature(signature: unknown): boolean {
  return typeof signature === 'string' && signatures.has(signature);
}

/**
 * Anthropic's rule for a tool loop with thinking on: the assistant turn the tool results answer must start
 * with its thinking block, sent back as it came. Returns the API's complaint, or undefined.
 */
export function thinkingRuleBroken(first: { type: string; signature?: unknown } | undefined, at: string): string | undefined {
  if (first?.type === 'redacted_thinking') return undefined;
  if (first?.type !== 'thinking') {
    return `${at}.type: Expected \`thinking\` or \`redacted_thinking\`, but found \`${first?.type ?? 'nothing'}\`. When \`thinking\` is enabled, a final \`assistant\` message must start with a thinking block (preceeding the lastmost set of \`tool_use\` and \`tool_result\` blocks). We recommend you include thinking blocks from previous turns. To avoid this requirement, disable \`thinking\`.`;
  }
  return isIssuedSignature(first.signature) ? undefined : `${at}: Invalid \`signature\` in \`thinking\` block`;
}

/** Anthropic's rule for a thinking budget: the answer's max_tokens must leave room after it. */
export function budgetRuleBroken(thinking: any, maxTokens: number): string | undefined {
  if (thinking?.type !== 'enabled') return undefined;
  return maxTokens > thinking.budget_tokens ? undefined : '`max_tokens` must be greater than `thinking.budget_tokens`.';
}

/** The tool a request forces: a named one, or "any tool" when only one is offered. */
export function forcedToolName(named: string | undefined, anyTool: boolean, tools: string[]): string | undefined {
  if (named) return named;
  return anyTool && tools.length === 1 ? tools[0] : undefined;
}

/** Splits a text into a few pieces, as a streaming model sends it. */
export function pieces(text: string, count = 3): string[] {
  const size = Math.max(1, Math.ceil(text.length / count));
  const out: string[] = [];
  for (let at = 0; at < text.length; at += size) out.push(text.slice(at, at + size));
  return out;
}

/** Token counts of about four characters a token, as a model would report them. */
export function tokenCount(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

export function replyTokens(reply: Reply): number {
  return tokenCount((reply.thinking?.text ?? '') + (reply.text ?? '') + (reply.toolCall ? JSON.stringify(reply.toolCall.input) : ''));
}

let serial = 0;
/** A fresh id with a provider's prefix (`msg_`, `toolu_`, `call_`, `chatcmpl-`, `tooluse_`). */
export function fakeId(prefix: string): string {
  serial += 1;
  return `${prefix}${serial.toString(36).padStart(8, '0')}Fake${Date.now().toString(36)}`;
}

/** Text of a tool result or message content given as a string or a list of parts. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return content === undefined || content === null ? '' : JSON.stringify(content);
  return content.map((part: any) => (typeof part?.text === 'string' ? part.text : part?.json !== undefined ? JSON.stringify(part.json) : '')).join('');
}
