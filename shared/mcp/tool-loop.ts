// What the MCP tool loop of chat and Responses requests is made of (shared/mcp/chat-tools.ts runs it
// whole, shared/mcp/streamed-tool-loop.ts streamed): the calls a model makes, the MCP tools offered to
// it as functions, a request's rounds, and what differs between the two APIs.
import type { GatewayResponse } from '../core/types.ts';
import type { SseEvent } from '../http/sse-events.ts';

/** The most model calls one request makes: a model that keeps calling tools gets its last answer sent as it is. */
export const MAX_ROUNDS = 10;

/** A function call the model made: its id, the function's name and its JSON arguments. */
export interface FunctionCall {
  id: string;
  name: string;
  arguments: string;
}

/** An MCP tool offered to the model as a function (`{server}-{tool}`). */
export interface McpFunction {
  name: string;
  description: string;
  parameters: unknown;
  /** The tool entry's `server_label` (else the server's name), and the tool's own name there: how a Responses `mcp_call` item names it. */
  label: string;
  tool: string;
  run(args: string): Promise<ToolResult>;
}

/** A tool call's result as text, and whether the tool failed (the model reads either). */
export interface ToolResult {
  text: string;
  failed: boolean;
}

/** One request's MCP tools and its model rounds, each a request to the gateway's own route. */
export interface ToolLoop {
  /** The first round's body: the client's, its MCP tools offered as functions. */
  readonly first: Record<string, unknown>;
  /** Aborted when the client leaves: no round or call starts after. */
  readonly signal: AbortSignal;
  round(body: Record<string, unknown>): Promise<GatewayResponse>;
  /** The calls of an answer the gateway runs: every one, when each is an MCP tool's; else none (the answer is the client's to read). */
  toRun(calls: FunctionCall[]): Array<{ call: FunctionCall; fn: McpFunction }>;
}

/** How one API offers functions, reads the calls an answer makes, and sends their results back. */
export interface ToolLoopFormat {
  functionTool(name: string, description: string, parameters: unknown): unknown;
  /** The function calls an answer makes (none: it is final). */
  calls(answer: Record<string, unknown>): FunctionCall[];
  /** The next request's body: the conversation so far, the answer's turn, and the calls' results. */
  next(body: Record<string, unknown>, answer: Record<string, unknown>, results: Array<{ id: string; output: string }>): Record<string, unknown>;
  /** A streamed request's events, read and passed on round after round. */
  stream(): ToolLoopStream;
}

/** How one API's stream is read and passed on, round after round (state for one request). */
export interface ToolLoopStream {
  /** Reads an event of a round; returns the round's whole answer (as `ToolLoopFormat.calls` reads it) at the event that ends it. */
  read(event: SseEvent): Record<string, unknown> | undefined;
  /** What the client gets for an event of round `round` (undefined: nothing). */
  frame(event: SseEvent, round: number): string | undefined;
  /** The round that ended with `answer` is followed by another: its calls are run now. */
  continued(answer: Record<string, unknown>): void;
  /** What the client gets as the gateway runs a call, and once it has run. */
  toolCall(call: FunctionCall, fn: McpFunction): { started: string[]; finished(result: ToolResult): string[] };
  /** A later round's refusal (its error body): the status is already sent, so it goes in-band. */
  refused(body: string): string;
}

/** A tool's result as the model reads it in the next round. */
export function modelInput(result: ToolResult): string {
  return result.failed ? `Error: ${result.text}` : result.text;
}
