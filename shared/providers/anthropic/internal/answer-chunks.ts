// A streamed Claude answer (Anthropic's events, Bedrock's ConverseStream) as OpenAI chunks, built
// block by block as the events arrive. The first chunk carries the role; tool calls are numbered
// 0..k in the order they start (not by the upstream's block index), id and name first, argument
// fragments after; thinking streams as reasoning_content and each finished thinking block (with its
// signature) as thinking_blocks; the JSON tool's input streams as content, and text before it is held
// back (json-tool-preamble.ts). The stream's translator reads its events and calls these in order.
import { createdNow } from '../../../openai/completion-id.ts';
import type { ChatCompletionChunk, ChunkDelta, FinishReason, Usage } from '../../../openai/types.ts';
import { JSON_TOOL_NAME } from './json-tool.ts';
import { JsonToolPreamble } from './json-tool-preamble.ts';
import { finishReason } from './stop-reason.ts';

type Block = { kind: 'tool'; index: number } | { kind: 'json' } | { kind: 'thinking'; thinking: string; signature: string } | { kind: 'other' };

export class AnswerChunks {
  /** Set by the translator when the upstream names them (Anthropic's message_start). */
  id: string;
  model: string;
  private readonly created = createdNow();
  /** By the upstream's block index; a block not listed holds text. */
  private readonly blocks = new Map<number, Block>();
  private toolCount = 0;
  private answeredByJsonTool = false;
  private started = false;
  private readonly preamble: JsonToolPreamble;

  /** `jsonTool`: the request's response_format was sent as the JSON tool. */
  constructor(
    identity: { id: string; model: string },
    private readonly jsonTool: boolean,
  ) {
    this.id = identity.id;
    this.model = identity.model;
    this.preamble = new JsonToolPreamble(jsonTool);
  }

  /** The role chunk, once, before anything else. */
  start(): ChatCompletionChunk[] {
    if (this.started) return [];
    this.started = true;
    return [this.chunk({ role: 'assistant', content: '' })];
  }

  text(block: number, text: string): ChatCompletionChunk[] {
    if (this.blocks.has(block)) return [];
    return this.content(this.preamble.text(text));
  }

  toolStart(block: number, id: string, name: string): ChatCompletionChunk[] {
    if (this.jsonTool && name === JSON_TOOL_NAME) {
      this.blocks.set(block, { kind: 'json' });
      this.answeredByJsonTool = true;
      this.preamble.jsonToolStarted();
      return [];
    }
    const index = this.toolCount++;
    this.blocks.set(block, { kind: 'tool', index });
    return [this.chunk({ tool_calls: [{ index, id, type: 'function', function: { name, arguments: '' } }] })];
  }

  /** A fragment of a tool call's input (JSON text). */
  toolInput(block: number, json: string): ChatCompletionChunk[] {
    const state = this.blocks.get(block);
    if (!json || !state) return [];
    if (state.kind === 'tool') return [this.chunk({ tool_calls: [{ index: state.index, function: { arguments: json } }] })];
    return state.kind === 'json' ? this.content(json) : [];
  }

  thinking(block: number, text: string): ChatCompletionChunk[] {
    const state = this.thinkingBlock(block);
    if (!state || !text) return [];
    state.thinking += text;
    return [this.chunk({ reasoning_content: text })];
  }

  signature(block: number, signature: string): void {
    const state = this.thinkingBlock(block);
    if (state) state.signature += signature;
  }

  /** Thinking the upstream sends encrypted: passed on whole, for the client to send back. */
  redactedThinking(block: number, data: string): ChatCompletionChunk[] {
    if (!this.blocks.has(block)) this.blocks.set(block, { kind: 'other' });
    return [this.chunk({ thinking_blocks: [{ type: 'redacted_thinking', data }] })];
  }

  /** A block with no OpenAI counterpart (server tool calls and results): what it streams is not passed on. */
  otherBlock(block: number): void {
    this.blocks.set(block, { kind: 'other' });
  }

  /** A finished thinking block goes out whole, with its signature. */
  blockStop(block: number): ChatCompletionChunk[] {
    const state = this.blocks.get(block);
    if (state?.kind !== 'thinking' || !(state.thinking || state.signature)) return [];
    return [this.chunk({ thinking_blocks: [{ type: 'thinking', thinking: state.thinking, signature: state.signature }] })];
  }

  /** Text held back for a JSON tool that never came, then the finish_reason. */
  finish(stopReason: string | null | undefined): ChatCompletionChunk[] {
    let finish = finishReason(stopReason);
    if (this.answeredByJsonTool && finish === 'tool_calls' && this.toolCount === 0) finish = 'stop';
    return [...this.content(this.preamble.release()), this.chunk({}, finish)];
  }

  /** The usage-only chunk, always last (the chat route drops it unless the client asked). */
  usage(usage: Usage): ChatCompletionChunk {
    return { id: this.id, object: 'chat.completion.chunk', created: this.created, model: this.model, choices: [], usage };
  }

  private thinkingBlock(block: number): Extract<Block, { kind: 'thinking' }> | undefined {
    const state = this.blocks.get(block) ?? { kind: 'thinking', thinking: '', signature: '' };
    this.blocks.set(block, state);
    return state.kind === 'thinking' ? state : undefined;
  }

  private content(text: string): ChatCompletionChunk[] {
    return text ? [this.chunk({ content: text })] : [];
  }

  private chunk(delta: ChunkDelta, finish: FinishReason | null = null): ChatCompletionChunk {
    return { id: this.id, object: 'chat.completion.chunk', created: this.created, model: this.model, choices: [{ index: 0, delta, finish_reason: finish }] };
  }
}
