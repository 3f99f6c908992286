// A stdio MCP server on the local server: spawned once by the gateway with the config's command, args and
// env (not the gateway's own environment), and shared by the requests that follow.
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';

const MASTER = 'sk-stdio-master';
const script = fileURLToPath(new URL('../helpers/fake-mcp-stdio-server.ts', import.meta.url));
let gw: TestGateway;
const clients: Client[] = [];

beforeAll(async () => {
  process.env['GATEWAY_ONLY_SECRET'] = 'must-not-reach-the-child';
  gw = await startGateway(`
general_settings: { master_key: ${MASTER} }
mcp_servers:
  local:
    command: ${JSON.stringify(process.execPath)}
    args: ["--import", "tsx", ${JSON.stringify(script)}]
    env: { STDIO_GREETING: "hello from the config" }
`);
});
afterAll(async () => {
  delete process.env['GATEWAY_ONLY_SECRET'];
  await Promise.all(clients.map((client) => client.close()));
  await gw?.close();
});

async function whoami(): Promise<{ pid: number; greeting: string | null; leaked: string | null }> {
  const client = new Client({ name: 'stdio-test', version: '1.0.0' });
  clients.push(client);
  await client.connect(new StreamableHTTPClientTransport(new URL(`${gw.url}/mcp/local`), { requestInit: { headers: { authorization: `Bearer ${MASTER}` } } }));
  expect((await client.listTools()).tools.map((tool) => tool.name)).toEqual(['whoami']);
  const result = (await client.callTool({ name: 'whoami', arguments: {} })) as { content: Array<{ text: string }> };
  return JSON.parse(result.content[0]!.text);
}

it('spawns the server with its configured env, not the gateway environment, and keeps it for later requests', async () => {
  const first = await whoami();
  expect(first).toMatchObject({ greeting: 'hello from the config', leaked: null });
  expect((await whoami()).pid).toBe(first.pid);
});
