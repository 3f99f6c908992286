// The gateway as an MCP server to its client, with the official SDK: one `Server` per HTTP request,
// over the upstreams of the caller's session. On `/mcp/{server}` it passes that server's tools (as
// filtered), resources and prompts through; on `/mcp` it offers every server the caller may use, each
// tool and prompt named `{server}-{name}` as LiteLLM names them, and routes each call to its server.
// Imported by the first MCP request (shared/endpoints/mcp.ts), with the SDK: not at cold start.
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  ErrorCode,
  GetPromptRequestSchema,
  ListPromptsRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  McpError,
  ReadResourceRequestSchema,
  type CallToolResult,
  type Prompt,
  type Resource,
  type ResourceTemplate,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import type { McpServer } from './servers.ts';
import { resolveName, TOOL_PREFIX_SEPARATOR, type AdmittedToolCall } from './tool-calls.ts';
import type { Upstream } from './upstream.ts';

export const GATEWAY_INFO = { name: 'tollgate', version: '1.0.0' };
/** A tool may run this long without a progress notification (each one restarts it). */
const TOOL_TIMEOUT_MS = 300_000;
const MAX_PAGES = 100;

/** What one request's MCP server sees of the gateway. */
export interface McpView {
  /** `/mcp`: every server the caller may use, names prefixed; else the one server of `/mcp/{server}`. */
  readonly aggregate: boolean;
  /** The servers of the session the caller may still use. */
  readonly servers: readonly McpServer[];
  /** The request's connection to a server, made when first needed. */
  upstream(server: McpServer): Promise<Upstream>;
  mayCall(server: McpServer, tool: string): boolean;
  /** The request's tools/call, admitted before its answer started (shared/mcp/tool-calls.ts); absent when the tool is not the caller's. */
  readonly toolCall?: AdmittedToolCall;
  /** An upstream left out of a list on `/mcp` because it failed: logged, never with its credentials. */
  skipped(server: McpServer, error: unknown): void;
}

export function gatewayServer(view: McpView): Server {
  const server = new Server(GATEWAY_INFO, { capabilities: { tools: {}, resources: {}, prompts: {} } });
  const named = (upstream: McpServer, name: string) => (view.aggregate ? `${upstream.name}${TOOL_PREFIX_SEPARATOR}${name}` : name);
  const resolve = (name: string) => resolveName(view, name);

  /** Each server's answer (all pages of it on `/mcp`), skipping on `/mcp` a server that fails. */
  async function fromEach<T>(list: (upstream: Upstream) => Promise<T[]>): Promise<Array<{ upstream: McpServer; items: T[] }>> {
    const settled = await Promise.allSettled(view.servers.map(async (s) => ({ upstream: s, items: await list(await view.upstream(s)) })));
    return settled.flatMap((result, i) => {
      if (result.status === 'fulfilled') return [result.value];
      if (!view.aggregate) throw result.reason;
      view.skipped(view.servers[i]!, result.reason);
      return [];
    });
  }

  server.setRequestHandler(ListToolsRequestSchema, async (request) => {
    if (!view.aggregate) {
      const only = view.servers[0]!;
      const page = await (await view.upstream(only)).client.listTools(request.params);
      return { ...page, tools: page.tools.filter((tool) => view.mayCall(only, tool.name)) };
    }
    const lists = await fromEach((upstream) => allPages<Tool>((cursor) => upstream.client.listTools({ cursor }).then((page) => ({ items: page.tools, nextCursor: page.nextCursor }))));
    return { tools: lists.flatMap(({ upstream, items }) => items.filter((tool) => view.mayCall(upstream, tool.name)).map((tool) => ({ ...tool, name: named(upstream, tool.name) }))) };
  });

  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const call = view.toolCall;
    if (!call) throw new McpError(ErrorCode.InvalidParams, `Tool "${request.params.name}" is not one this key may call. tools/list names the tools it may.`);
    const progressToken = request.params._meta?.progressToken;
    const { client } = await view.upstream(call.server);
    return call.run(
      () =>
        client.callTool({ name: call.tool, arguments: request.params.arguments }, undefined, {
          signal: extra.signal,
          timeout: TOOL_TIMEOUT_MS,
          resetTimeoutOnProgress: true,
          // Progress is passed on only to a client that asked for it (sent a progress token).
          onprogress: progressToken === undefined ? undefined : (progress) => void extra.sendNotification({ method: 'notifications/progress', params: { ...progress, progressToken } }).catch(() => {}),
        }) as Promise<CallToolResult>,
    );
  });

  server.setRequestHandler(ListPromptsRequestSchema, async (request) => {
    if (!view.aggregate) return (await view.upstream(view.servers[0]!)).client.listPrompts(request.params);
    const lists = await fromEach((upstream) => allPages<Prompt>((cursor) => upstream.client.listPrompts({ cursor }).then((page) => ({ items: page.prompts, nextCursor: page.nextCursor }))));
    return { prompts: lists.flatMap(({ upstream, items }) => items.map((prompt) => ({ ...prompt, name: named(upstream, prompt.name) }))) };
  });

  server.setRequestHandler(GetPromptRequestSchema, async (request) => {
    const target = resolve(request.params.name);
    if (!target) throw new McpError(ErrorCode.InvalidParams, `No prompt "${request.params.name}". prompts/list names the prompts there are.`);
    return (await view.upstream(target.upstream)).client.getPrompt({ ...request.params, name: target.name });
  });

  server.setRequestHandler(ListResourcesRequestSchema, async (request) => {
    if (!view.aggregate) return (await view.upstream(view.servers[0]!)).client.listResources(request.params);
    const lists = await fromEach((upstream) => allPages<Resource>((cursor) => upstream.client.listResources({ cursor }).then((page) => ({ items: page.resources, nextCursor: page.nextCursor }))));
    return { resources: lists.flatMap(({ items }) => items) };
  });

  server.setRequestHandler(ListResourceTemplatesRequestSchema, async (request) => {
    if (!view.aggregate) return (await view.upstream(view.servers[0]!)).client.listResourceTemplates(request.params);
    const lists = await fromEach((upstream) =>
      allPages<ResourceTemplate>((cursor) => upstream.client.listResourceTemplates({ cursor }).then((page) => ({ items: page.resourceTemplates, nextCursor: page.nextCursor }))),
    );
    return { resourceTemplates: lists.flatMap(({ items }) => items) };
  });

  server.setRequestHandler(ReadResourceRequestSchema, async (request) => {
    // A URI names no server: on `/mcp` each is asked in turn until one has it.
    let last: unknown;
    for (const upstream of view.servers) {
      try {
        return await (await view.upstream(upstream)).client.readResource(request.params);
      } catch (error) {
        last = error;
      }
    }
    throw last ?? new McpError(ErrorCode.InvalidParams, `No resource ${request.params.uri}.`);
  });

  return server;
}

/** Every page of a paginated list (at most MAX_PAGES: a server that keeps answering a cursor is cut off). */
async function allPages<T>(page: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor?: string }>): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < MAX_PAGES; pages++) {
    const next = await page(cursor);
    items.push(...next.items);
    cursor = next.nextCursor;
    if (!cursor) break;
  }
  return items;
}
