// A fake upstream MCP server on 127.0.0.1, built with the official SDK (McpServer over its Node
// Streamable HTTP transport, with sessions, as most remote MCP servers run): tools `echo`, `add`,
// `slow` (sends progress) and `hidden`, a resource, a resource template (`note://{name}/{id}`) and a prompt. It records what reached it: each
// request's headers and session, each initialize, each tool call. The older SSE transport is served
// too (GET /sse, POST /messages), as servers that predate Streamable HTTP still run.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import * as z from 'zod';

export interface FakeMcpServer {
  url: string;
  /** The same tools over the older SSE transport. */
  sseUrl: string;
  /** Headers of every request, in order. */
  requests: IncomingHttpHeaders[];
  initializes: number;
  calls: Array<{ tool: string; args: Record<string, unknown>; session?: string }>;
  close(): Promise<void>;
}

export async function startFakeMcpServer(name: string): Promise<FakeMcpServer> {
  const requests: IncomingHttpHeaders[] = [];
  const calls: FakeMcpServer['calls'] = [];
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  const sseSessions = new Map<string, SSEServerTransport>();
  let initializes = 0;

  const mcpServer = () => {
    const server = new McpServer({ name, version: '1.0.0' });
    const text = (value: string) => ({ content: [{ type: 'text' as const, text: value }] });
    server.registerTool('echo', { description: `Echoes on ${name}`, inputSchema: { text: z.string() } }, async (args, extra) => {
      calls.push({ tool: 'echo', args, session: extra.sessionId });
      return text(`${name} echoes ${args.text}`);
    });
    server.registerTool('add', { description: 'Adds two numbers', inputSchema: { a: z.number(), b: z.number() } }, async (args, extra) => {
      calls.push({ tool: 'add', args, session: extra.sessionId });
      return text(String(args.a + args.b));
    });
    server.registerTool('slow', { description: 'Reports progress three times', inputSchema: {} }, async (args, extra) => {
      calls.push({ tool: 'slow', args, session: extra.sessionId });
      const token = extra._meta?.progressToken;
      for (let step = 1; step <= 3; step++) {
        if (token !== undefined) await extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress: step, total: 3, message: `step ${step}` } });
      }
      return text('done');
    });
    server.registerTool('hidden', { description: 'Filtered out by the gateway config', inputSchema: {} }, async (args) => {
      calls.push({ tool: 'hidden', args });
      return text('should never run');
    });
    server.registerTool('fails', { description: 'A tool that reports its own failure', inputSchema: {} }, async (args) => {
      calls.push({ tool: 'fails', args });
      return { ...text('it broke'), isError: true };
    });
    server.registerResource('readme', `file:///${name}/readme.md`, { mimeType: 'text/markdown' }, async (uri) => ({ contents: [{ uri: uri.href, text: `# ${name} readme` }] }));
    server.registerResource('note', new ResourceTemplate(`note://${name}/{id}`, { list: undefined }), { mimeType: 'text/plain' }, async (uri, { id }) => ({
      contents: [{ uri: uri.href, text: `note ${id} on ${name}` }],
    }));
    server.registerPrompt('greet', { description: 'A greeting', argsSchema: { who: z.string() } }, ({ who }) => ({
      messages: [{ role: 'user', content: { type: 'text', text: `Hello ${who} from ${name}` } }],
    }));
    return server;
  };

  const http = createServer(async (req, res) => {
    requests.push(req.headers);
    const path = new URL(req.url!, 'http://localhost').pathname;
    if (req.method === 'GET' && path === '/sse') {
      initializes++;
      const transport = new SSEServerTransport('/messages', res);
      sseSessions.set(transport.sessionId, transport);
      res.once('close', () => sseSessions.delete(transport.sessionId));
      await mcpServer().connect(transport);
      return;
    }
    if (path === '/messages') {
      const transport = sseSessions.get(new URL(req.url!, 'http://localhost').searchParams.get('sessionId') ?? '');
      if (!transport) return void res.writeHead(404).end('no such session');
      await transport.handlePostMessage(req, res);
      return;
    }
    const parts: Buffer[] = [];
    for await (const part of req) parts.push(part as Buffer);
    const body = parts.length ? JSON.parse(Buffer.concat(parts).toString('utf8')) : undefined;
    const id = req.headers['mcp-session-id'] as string | undefined;
    let transport = id ? sessions.get(id) : undefined;
    if (!transport) {
      if (req.method !== 'POST' || !isInitializeRequest(body)) {
        res.writeHead(id ? 404 : 400, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message: 'no such session' }, id: null }));
        return;
      }
      initializes++;
      const created = new StreamableHTTPServerTransport({ sessionIdGenerator: () => randomUUID(), onsessioninitialized: (sid) => void sessions.set(sid, created) });
      transport = created;
      await mcpServer().connect(created);
    }
    await transport.handleRequest(req, res, body);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    sseUrl: `http://127.0.0.1:${port}/sse`,
    requests,
    get initializes() {
      return initializes;
    },
    calls,
    close: async () => {
      await Promise.all([...sessions.values(), ...sseSessions.values()].map((t) => t.close()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
