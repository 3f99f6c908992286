// What a `tools/call` through the gateway counts for: like a model call, it is admitted by the spend
// tracker (the key's rpm and parallel limits, and its budgets: a key over budget is refused tool calls
// as it is refused models), reserved at the tool's price (`mcp_info.mcp_server_cost_info`), recorded in
// the ledger before its result goes out (server, tool, duration, status, cost), settled after the
// response, and exported through the call record like any model call (metrics, traces, logs).
import type { RequestContext } from '../core/types.ts';
import { startCallRecord } from '../pricing/call-record.ts';
import { usd } from '../pricing/usd.ts';
import { NO_SIZE } from '../pipeline/request-size.ts';
import type { SpendTracker } from '../spend/tracker.ts';
import { toolCost, type McpServer } from './servers.ts';

/** LiteLLM's call type for MCP tool calls in its spend logs. */
export const MCP_CALL_TYPE = 'call_mcp_tool';
/** How LiteLLM joins a server's name and its tool's on `/mcp`. */
export const TOOL_PREFIX_SEPARATOR = '-';

/** A tools/call admitted by the spend tracker: `run` makes it and records how it went. */
export interface AdmittedToolCall {
  readonly server: McpServer;
  readonly tool: string;
  /** Runs `call` (the upstream's tools/call); a result with `isError` is the tool's own failure. */
  run<Result extends { isError?: boolean }>(call: () => Promise<Result>): Promise<Result>;
}

export class McpToolCalls {
  /** `spend`: absent when the gateway runs without a table (nothing is counted then). */
  constructor(private readonly spend?: SpendTracker) {}

  /**
   * Admits one tools/call before its answer starts (as the pipeline admits a model call): refused with
   * the tracker's 400 budget_exceeded or 429, else booked, its settlement after the response.
   */
  async admit(ctx: RequestContext, server: McpServer, tool: string, args: unknown): Promise<AdmittedToolCall> {
    const record = startCallRecord(ctx, { model: `${server.name}${TOOL_PREFIX_SEPARATOR}${tool}`, callType: MCP_CALL_TYPE, request: { name: tool, arguments: args }, headers: {} });
    const price = usd(toolCost(server, tool));
    await this.spend?.admit(ctx, { callType: MCP_CALL_TYPE, model: record.requestedModel, size: NO_SIZE, routing: { disableFallbacks: true }, price, record });
    return {
      server,
      tool,
      async run<Result extends { isError?: boolean }>(call: () => Promise<Result>): Promise<Result> {
        const start = Date.now();
        const finish = (status: 'success' | 'failure') => {
          record.mcpToolCall = { mcp_server_name: server.name, name: tool, duration_ms: Date.now() - start, status };
        };
        let result: Result;
        try {
          result = await call();
        } catch (error) {
          // The upstream never answered with a result: nothing to charge.
          finish('failure');
          throw error;
        }
        finish(result.isError ? 'failure' : 'success');
        record.cost = { provider: price, charged: price };
        // The ledger record is written before the result goes out.
        await ctx.answerReady();
        return result;
      },
    };
  }
}

/** The server and its own name for a tool or prompt name the client used: on `/mcp`, `{server}-{name}`. */
export function resolveName(view: { aggregate: boolean; servers: readonly McpServer[] }, name: string): { upstream: McpServer; name: string } | undefined {
  if (!view.aggregate) return view.servers[0] && { upstream: view.servers[0], name };
  // Server names may hold the separator: the longest server name that prefixes it wins.
  const owner = [...view.servers].sort((a, b) => b.name.length - a.name.length).find((s) => name.startsWith(`${s.name}${TOOL_PREFIX_SEPARATOR}`));
  return owner && { upstream: owner, name: name.slice(owner.name.length + TOOL_PREFIX_SEPARATOR.length) };
}
