// POST /mcp and /mcp/{server} (also /{server}/mcp, and /mcp/sse for /mcp as LiteLLM serves it): the MCP
// gateway over Streamable HTTP (shared/mcp/); the older SSE transport is ./mcp-sse.ts over serve(). The core has
// authenticated the caller; here the servers they may use are picked (shared/keys/mcp-access.ts), the
// session is opened from its sealed `Mcp-Session-Id` (or made, on `initialize`: the upstreams are
// initialized then and their session ids sealed into it), and the SDK's web-standard transport answers
// the JSON-RPC message, its stream (SSE) handed to the adapter chunk by chunk. Nothing is kept in
// memory between requests: any instance serves a session's next request. GET (a standalone stream
// for server-initiated messages) is not offered: 405, which clients take as "none". The MCP SDK (the
// transport, the gateway's server, the upstream clients) is imported by the first MCP request: a
// gateway that serves none never loads it (docs/BENCHMARKS.md, "Cold start, issue 24 round 3").
import { GatewayError, type ErrorKind } from '../core/errors.ts';
import { parseJsonObject } from '../core/json-body.ts';
import type { Log } from '../core/log.ts';
import type { Identity, Reply, RequestContext, Route } from '../core/types.ts';
import { virtualKeyOf } from '../keys/identity.ts';
import type { McpAccess } from '../keys/mcp-access.ts';
import type { McpView } from '../mcp/gateway-server.ts';
import type { McpServer } from '../mcp/servers.ts';
import { SESSION_TTL_MS, type McpSession, type SessionIds, type UpstreamSession } from '../mcp/session-id.ts';
import { resolveName, type McpToolCalls } from '../mcp/tool-calls.ts';
import { callerHeaders, connectUpstream, type StdioUpstreams, type Upstream } from '../mcp/upstream.ts';

export interface McpDeps {
  access: McpAccess;
  sessions: SessionIds;
  toolCalls: McpToolCalls;
  stdio: StdioUpstreams;
  log: Log;
  now?: () => number;
}

/** The request headers the SDK's transport reads. */
const TRANSPORT_HEADERS = ['accept', 'content-type', 'mcp-protocol-version', 'mcp-session-id'];
const AGGREGATE = '/mcp';
/** The statuses the SDK's transport refuses with, as the gateway's error kinds (406 and 415 are the client's request errors: 400). */
const TRANSPORT_ERRORS: Record<number, ErrorKind> = { 404: 'not_found', 405: 'method_not_allowed', 413: 'payload_too_large' };

export function mcpEndpoints(deps: McpDeps): Route[] {
  const route = (...paths: string[]): Route => ({
    method: 'POST',
    paths,
    auth: 'caller',
    group: 'llm_api',
    handle: (request, ctx, params) => serve(deps, parseJsonObject(request.body), request.headers, request.path, ctx, params['server']),
  });
  // LiteLLM serves one server at both, and every server at /mcp/sse too (Streamable HTTP there as well).
  return [route('/mcp', '/mcp/sse'), route('/mcp/{server}', '/{server}/mcp')];
}

export async function serve(deps: McpDeps, message: Record<string, unknown>, headers: Record<string, string>, path: string, ctx: RequestContext, serverName: string | undefined): Promise<Reply> {
  const now = deps.now ?? Date.now;
  const scope = serverName ?? AGGREGATE;
  const permitted = permittedServers(deps.access, ctx.identity, serverName);
  const caller = callerOf(ctx.identity);
  const connections = new Map<string, Promise<Upstream>>();
  const connect = (server: McpServer, previous: UpstreamSession | undefined) => {
    let connection = connections.get(server.name);
    if (!connection) {
      connection = connectUpstream(server, previous, callerHeaders(server, headers), deps.stdio);
      connection.catch(() => {});
      connections.set(server.name, connection);
    }
    return connection;
  };
  ctx.onFinish(() => closeAll(connections));

  let session: McpSession;
  if (message['method'] === 'initialize') {
    session = { caller, scope, upstreams: await initializeUpstreams(permitted, connect, serverName === undefined, deps.log, ctx), expires: now() + SESSION_TTL_MS };
  } else {
    const id = headers['mcp-session-id'];
    if (!id) throw new GatewayError('invalid_request', 'Missing the Mcp-Session-Id header: send initialize first, then the session id it answered with on every request.', { param: 'mcp-session-id' });
    const opened = deps.sessions.open(id, caller, scope, now());
    // 404 tells an MCP client to start a new session.
    if (!opened) throw new GatewayError('not_found', `Session not found: it expired, belongs to another key, or was opened on another endpoint than ${path}. Send initialize again.`);
    session = opened;
  }

  // Access is checked again on every request: a grant taken away ends the session's use of the server.
  const servers = permitted.filter((server) => session.upstreams[server.name] !== undefined);
  const aggregate = serverName === undefined;
  const view: McpView = {
    aggregate,
    servers,
    upstream: (server) => connect(server, session.upstreams[server.name]),
    mayCall: (server, tool) => deps.access.mayCall(ctx.identity, server, tool),
    toolCall: await admitToolCall(deps, message, { aggregate, servers }, ctx),
    skipped: (server, error) => deps.log.warn('MCP server left out of the answer: it failed', { requestId: ctx.requestId, mcpServer: server.name, error: describe(error) }),
  };
  const [{ gatewayServer }, { WebStandardStreamableHTTPServerTransport }] = await Promise.all([
    import('../mcp/gateway-server.ts'),
    import('@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js'),
  ]);
  const mcp = gatewayServer(view);
  const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: message['method'] === 'initialize' ? () => deps.sessions.seal(session) : undefined });
  await mcp.connect(transport);
  ctx.onFinish(() => mcp.close());
  ctx.signal.addEventListener('abort', () => void mcp.close(), { once: true });

  const transportHeaders = Object.fromEntries(TRANSPORT_HEADERS.filter((name) => headers[name] !== undefined).map((name) => [name, headers[name]!]));
  const response = await transport.handleRequest(new Request(`http://tollgate${path}`, { method: 'POST', headers: transportHeaders }), { parsedBody: message });
  if (response.status >= 400) throw await transportError(response);
  const replyHeaders = Object.fromEntries(response.headers);
  if (!response.body) return { status: response.status, headers: replyHeaders, body: '' };
  if (!replyHeaders['content-type']?.startsWith('text/event-stream')) return { status: response.status, headers: replyHeaders, body: await response.text() };
  return { status: response.status, headers: replyHeaders, body: response.body as unknown as AsyncIterable<Uint8Array> };
}

/** The transport's refusal (a JSON-RPC error body) as the gateway's errors are written, its message kept. */
async function transportError(response: Response): Promise<GatewayError> {
  const body = (await response.json().catch(() => undefined)) as { error?: { message?: unknown } } | undefined;
  const message = typeof body?.error?.message === 'string' ? body.error.message : `The MCP transport refused the request (HTTP ${response.status}).`;
  return new GatewayError(TRANSPORT_ERRORS[response.status] ?? 'invalid_request', message);
}

/**
 * A tools/call is admitted before its answer starts, as the pipeline admits a model call: a refusal
 * (budget, rate limit) is the HTTP error a model request gets. A tool that is not the caller's is
 * left to the MCP server's JSON-RPC error, and counts for nothing.
 */
async function admitToolCall(deps: McpDeps, message: Record<string, unknown>, view: Pick<McpView, 'aggregate' | 'servers'>, ctx: RequestContext) {
  if (message['method'] !== 'tools/call') return undefined;
  const params = (message['params'] ?? {}) as { name?: unknown; arguments?: unknown };
  const target = typeof params.name === 'string' ? resolveName(view, params.name) : undefined;
  if (!target || !deps.access.mayCall(ctx.identity, target.upstream, target.name)) return undefined;
  return deps.toolCalls.admit(ctx, target.upstream, target.name, params.arguments);
}

/** The servers behind the path the caller may use: on `/mcp/{server}` that one, refused when unknown or not theirs. */
export function permittedServers(access: McpAccess, identity: Identity | undefined, name: string | undefined): McpServer[] {
  const permitted = access.servers(identity);
  if (name === undefined) return permitted;
  if (!access.server(name)) {
    throw new GatewayError('not_found', `No MCP server "${name}". This gateway's MCP servers for this key: ${permitted.map((s) => s.name).join(', ') || '(none)'}.`);
  }
  const server = permitted.find((s) => s.name === name);
  if (!server) {
    throw new GatewayError('permission_denied', `This key may not use MCP server "${name}". An admin grants it through object_permission.mcp_servers (or mcp_access_groups) on the key or its team.`);
  }
  return [server];
}

/**
 * Initializes the upstreams of a new session (in parallel): what each answered is sealed into it. On
 * `/mcp/{server}` a server that fails fails the request; on `/mcp` it is left out of the session.
 */
async function initializeUpstreams(
  servers: McpServer[],
  connect: (server: McpServer, previous: undefined) => Promise<Upstream>,
  aggregate: boolean,
  log: Log,
  ctx: RequestContext,
): Promise<Record<string, UpstreamSession>> {
  const settled = await Promise.allSettled(servers.map((server) => connect(server, undefined)));
  const upstreams: Record<string, UpstreamSession> = {};
  settled.forEach((result, i) => {
    const server = servers[i]!;
    if (result.status === 'fulfilled') {
      upstreams[server.name] = result.value.session();
      return;
    }
    if (!aggregate) throw new GatewayError('upstream_unreachable', `MCP server "${server.name}" did not answer initialize: ${describe(result.reason)}`);
    log.warn('MCP server left out of a new session: initialize failed', { requestId: ctx.requestId, mcpServer: server.name, error: describe(result.reason) });
  });
  return upstreams;
}

async function closeAll(connections: Map<string, Promise<Upstream>>): Promise<void> {
  await Promise.all([...connections.values()].map(async (connection) => (await connection.catch(() => undefined))?.close()));
}

/** A caller as a session names it: a virtual key by its hash, never the key. */
export function callerOf(identity: Identity | undefined): string {
  return virtualKeyOf(identity)?.token ?? identity?.kind ?? 'open';
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
