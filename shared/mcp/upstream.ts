// The gateway as an MCP client of one upstream server, with the official SDK: a Streamable HTTP
// connection that continues the upstream's own session (no initialize again) when the gateway's session
// holds one, an SSE connection made for the request, or (local server only) a stdio process the gateway
// keeps running. Each request's connections carry the configured credential and the caller's own
// (`x-mcp-{server}-{header}`); they are closed after the response. The SDK is imported when the first
// connection is made: a gateway that serves no MCP request never loads it (docs/BENCHMARKS.md, "Cold
// start, issue 24 round 3").
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { McpServer } from './servers.ts';
import type { UpstreamSession } from './session-id.ts';

const CLIENT_INFO = { name: 'tollgate', version: '1.0.0' };

export interface Upstream {
  readonly server: McpServer;
  readonly client: Client;
  /** What the gateway's session keeps of this connection, for the next request to continue it. */
  session(): UpstreamSession;
  close(): Promise<void>;
}

/**
 * The headers a caller sends a server itself, as LiteLLM names them: `x-mcp-{server}-authorization`
 * (or any `x-mcp-{server}-{header}`) becomes `{header}` upstream, over the configured credential.
 */
export function callerHeaders(server: McpServer, headers: Record<string, string>): Record<string, string> {
  const prefix = `x-mcp-${server.name.toLowerCase()}-`;
  return Object.fromEntries(
    Object.entries(headers)
      .filter(([name]) => name.startsWith(prefix) && name.length > prefix.length)
      .map(([name, value]) => [name.slice(prefix.length), value]),
  );
}

/** stdio servers run once per gateway process, shared by its requests (the local server only). */
export class StdioUpstreams {
  private readonly clients = new Map<string, Promise<Client>>();

  client(server: McpServer): Promise<Client> {
    let client = this.clients.get(server.name);
    if (!client) {
      client = this.start(server);
      // A process that failed to start is tried again by the next request.
      client.catch(() => this.clients.delete(server.name));
      this.clients.set(server.name, client);
    }
    return client;
  }

  private async start(server: McpServer): Promise<Client> {
    const [{ Client }, { StdioClientTransport }] = await Promise.all([import('@modelcontextprotocol/sdk/client/index.js'), import('@modelcontextprotocol/sdk/client/stdio.js')]);
    const { command, args, env } = server.process!;
    const client = new Client(CLIENT_INFO);
    client.onclose = () => this.clients.delete(server.name);
    await client.connect(new StdioClientTransport({ command, args, env: { ...inheritedEnv(), ...env }, stderr: 'ignore' }));
    return client;
  }

  async closeAll(): Promise<void> {
    const clients = [...this.clients.values()];
    this.clients.clear();
    await Promise.all(clients.map(async (client) => (await client.catch(() => undefined))?.close()));
  }
}

/** What a spawned server sees of the environment: the path to find its command, not the gateway's secrets. */
function inheritedEnv(): Record<string, string> {
  const keep = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'SystemRoot'];
  return Object.fromEntries(keep.filter((name) => process.env[name] !== undefined).map((name) => [name, process.env[name]!]));
}

export async function connectUpstream(server: McpServer, previous: UpstreamSession | undefined, caller: Record<string, string>, stdio: StdioUpstreams): Promise<Upstream> {
  if (server.transport === 'stdio') {
    const client = await stdio.client(server);
    return { server, client, session: () => ({}), close: async () => {} };
  }
  const requestInit = { headers: { ...server.headers, ...caller } };
  const url = new URL(server.url!);
  const { Client } = await import('@modelcontextprotocol/sdk/client/index.js');
  const client = new Client(CLIENT_INFO);
  if (server.transport === 'sse') {
    const { SSEClientTransport } = await import('@modelcontextprotocol/sdk/client/sse.js');
    const transport = new SSEClientTransport(url, { requestInit, eventSourceInit: { fetch: (input, init) => fetch(input, { ...init, headers: { ...init?.headers, ...requestInit.headers } }) } });
    await client.connect(transport);
    inArrivalOrder(transport, client);
    return { server, client, session: () => ({}), close: () => client.close() };
  }
  const { StreamableHTTPClientTransport } = await import('@modelcontextprotocol/sdk/client/streamableHttp.js');
  const transport = new StreamableHTTPClientTransport(url, { requestInit, sessionId: previous?.sessionId });
  if (previous?.sessionId && previous.protocolVersion) transport.setProtocolVersion(previous.protocolVersion);
  await client.connect(transport);
  inArrivalOrder(transport, client);
  return {
    server,
    client,
    session: () => ({ sessionId: transport.sessionId, protocolVersion: transport.protocolVersion }),
    close: () => client.close(),
  };
}

/**
 * Hands the client each message once those before it are handled. The SDK (1.x) handles a response
 * at once but a notification a microtask later, so a tool's last progress notifications, arriving in
 * one read with its result (as over SSE), found their request gone and were dropped
 * (modelcontextprotocol/typescript-sdk#2580): the gateway passed no progress on from such a server.
 */
function inArrivalOrder(transport: Transport, client: Client): Client {
  const deliver = transport.onmessage!;
  let handled = Promise.resolve();
  transport.onmessage = (message, extra) => {
    // A message that fails to be handled must not hold up the ones after it.
    handled = handled.then(() => deliver(message, extra)).catch((error: unknown) => client.onerror?.(error as Error));
  };
  return client;
}
