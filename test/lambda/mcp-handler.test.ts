// /mcp through the Lambda handler: the official MCP SDK client, its HTTP requests turned into API
// Gateway REST proxy events for the middy streamify handler and its answers read back from the Lambda
// response stream (prelude, NUL bytes, body), in front of a fake MCP server built with the same SDK.
// Two handler instances play two Lambda instances: a session opened on one continues on the other.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startFakeMcpServer, type FakeMcpServer } from '../helpers/fake-mcp-server.ts';
import { throughLambda } from '../helpers/lambda-fetch.ts';
import { installLambdaShim } from '../helpers/lambda-stream-shim.ts';

// middy calls awslambda.streamifyResponse when the handler module is imported: install first, import later.
installLambdaShim();

const MASTER_KEY = `sk-lambda-mcp-${randomUUID()}`;
let dir: string;
let alpha: FakeMcpServer;
let instances: unknown[];
const clients: Client[] = [];

beforeAll(async () => {
  alpha = await startFakeMcpServer('alpha');
  dir = mkdtempSync(join(tmpdir(), 'tollgate-lambda-mcp-'));
  const configPath = join(dir, 'gateway.config.json');
  writeFileSync(configPath, JSON.stringify({ general_settings: { master_key: MASTER_KEY }, mcp_servers: { alpha: { url: alpha.url, disallowed_tools: ['hidden'] } } }));
  // The module builds its own handler at import, from GATEWAY_CONFIG.
  process.env['GATEWAY_CONFIG'] = configPath;
  // Powertools then prints through the global console, which the test keeps quiet.
  process.env['POWERTOOLS_DEV'] = 'true';
  for (const level of ['debug', 'info', 'warn', 'error', 'log'] as const) vi.spyOn(console, level).mockImplementation(() => {});
  const mod = await import('../../functions/gateway/handler.ts');
  instances = [mod.createHandler({ configPath, env: () => undefined }), mod.createHandler({ configPath, env: () => undefined })];
});
afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  vi.restoreAllMocks();
  await alpha?.close();
  rmSync(dir, { recursive: true, force: true });
  delete process.env['GATEWAY_CONFIG'];
  delete process.env['POWERTOOLS_DEV'];
});

async function connect(instance: unknown, sessionId?: string): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const transport = new StreamableHTTPClientTransport(new URL('https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/mcp/alpha'), {
    requestInit: { headers: { authorization: `Bearer ${MASTER_KEY}` } },
    fetch: throughLambda(instance),
    sessionId,
  });
  const client = new Client({ name: 'lambda-test-client', version: '1.0.0' });
  clients.push(client);
  await client.connect(transport);
  return { client, transport };
}

describe('Lambda handler: /mcp', () => {
  it('serves the MCP SDK client through the stream shim, and another instance continues its session', async () => {
    const { client, transport } = await connect(instances[0]);
    expect((await client.listTools()).tools.map((tool) => tool.name).sort()).toEqual(['add', 'echo', 'fails', 'slow']);
    const seen: number[] = [];
    const slow = await client.callTool({ name: 'slow', arguments: {} }, undefined, { onprogress: (progress) => void seen.push(progress.progress) });
    expect(slow).toMatchObject({ content: [{ type: 'text', text: 'done' }] });
    expect(seen).toEqual([1, 2, 3]);

    const initializes = alpha.initializes;
    const { client: resumed } = await connect(instances[1], transport.sessionId);
    expect(await resumed.callTool({ name: 'echo', arguments: { text: 'from the other instance' } })).toMatchObject({ content: [{ text: 'alpha echoes from the other instance' }] });
    expect(alpha.initializes).toBe(initializes);
  });

  it("refuses MCP's older SSE transport, which needs a connection a Lambda cannot hold, naming Streamable HTTP", async () => {
    const response = await throughLambda(instances[0])('https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/mcp/sse', { headers: { authorization: `Bearer ${MASTER_KEY}` } });
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain('Connect with Streamable HTTP instead');
  });
});
