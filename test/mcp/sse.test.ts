// MCP's older SSE transport on the local server: the official SDK's SSEClientTransport against
// GET /mcp/sse and /mcp/{server}/sse, in front of fake MCP servers built with the same SDK. Every message
// is served as on Streamable HTTP (access, sessions, accounting, progress); a gateway that holds no
// streams (a Lambda) refuses the transport, naming Streamable HTTP.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedDynamo } from '../../local/embedded-dynamodb.ts';
import { startFakeMcpServer, type FakeMcpServer } from '../helpers/fake-mcp-server.ts';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';
import { MASTER, startDynamo, startKeysGateway, type KeysGateway } from '../helpers/identity.ts';

let dynamo: EmbeddedDynamo;
let alpha: FakeMcpServer;
let beta: FakeMcpServer;
let gw: KeysGateway;
/** The same config without the SSE transport, as the Lambda handler builds it. */
let lambdaLike: TestGateway;

const config = () => `
general_settings: { master_key: ${MASTER} }
mcp_servers:
  alpha:
    url: "${alpha.url}"
    disallowed_tools: ["hidden"]
    mcp_info: { mcp_server_cost_info: { default_cost_per_query: 0.02 } }
  beta:
    url: "${beta.sseUrl}"
    transport: "sse"
`;

beforeAll(async () => {
  [dynamo, alpha, beta] = await Promise.all([startDynamo(), startFakeMcpServer('alpha'), startFakeMcpServer('beta')]);
  gw = await startKeysGateway(dynamo.endpoint, { config: config(), app: { mcpSse: { keepAliveMs: 50 } } });
  lambdaLike = await startGateway(config());
});
const clients: Client[] = [];
afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await Promise.all([gw?.close(), lambdaLike?.close()]);
  await Promise.all([alpha?.close(), beta?.close(), dynamo?.close()]);
});

/** The SDK's SSE client on `path`, the key on the stream and on every POST. */
async function connectSse(path: string, key = MASTER): Promise<{ client: Client; transport: SSEClientTransport }> {
  const headers = { authorization: `Bearer ${key}` };
  const transport = new SSEClientTransport(new URL(`${gw.url}${path}`), {
    requestInit: { headers },
    eventSourceInit: { fetch: (input, init) => fetch(input, { ...init, headers: { ...init?.headers, ...headers } }) },
  });
  const client = new Client({ name: 'sse-test-client', version: '1.0.0' });
  clients.push(client);
  await client.connect(transport);
  return { client, transport };
}

const textOf = (result: unknown) => (result as { content: Array<{ text: string }> }).content[0]!.text;

describe('GET /mcp/sse', () => {
  it('offers every server the key may use, runs calls, and passes progress on as it comes', async () => {
    const { client } = await connectSse('/mcp/sse');
    const names = (await client.listTools()).tools.map((tool) => tool.name);
    expect(names).toContain('alpha-echo');
    expect(names).toContain('beta-slow');
    expect(names).not.toContain('alpha-hidden');
    expect(textOf(await client.callTool({ name: 'alpha-echo', arguments: { text: 'over the old transport' } }))).toBe('alpha echoes over the old transport');
    const seen: number[] = [];
    expect(textOf(await client.callTool({ name: 'beta-slow', arguments: {} }, undefined, { onprogress: (progress) => void seen.push(progress.progress) }))).toBe('done');
    expect(seen).toEqual([1, 2, 3]);
    expect((await client.listPrompts()).prompts.map((prompt) => prompt.name).sort()).toEqual(['alpha-greet', 'beta-greet']);
  });

  it('records each tools/call in the ledger at its price, as on Streamable HTTP', async () => {
    const key = (await gw.call('POST', '/key/generate', { object_permission: { mcp_servers: ['alpha'] } })).body.key as string;
    const { client } = await connectSse('/mcp/sse', key);
    expect((await client.listTools()).tools.map((tool) => tool.name).sort()).toEqual(['alpha-add', 'alpha-echo', 'alpha-fails', 'alpha-slow']);
    expect(textOf(await client.callTool({ name: 'alpha-add', arguments: { a: 1, b: 2 } }))).toBe('3');
    const logs = (await gw.call('GET', `/spend/logs?api_key=${key}`)).body as Array<Record<string, unknown>>;
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({ call_type: 'call_mcp_tool', model_group: 'alpha-add', spend: 0.02 });
  });

  it('keeps an idle stream alive with comments', async () => {
    const response = await fetch(`${gw.url}/mcp/sse`, { headers: { authorization: `Bearer ${MASTER}` } });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    while (!text.includes(': keep-alive')) text += decoder.decode((await reader.read()).value);
    expect(text).toMatch(/^event: endpoint\ndata: \/mcp\/sse\/messages\?sessionId=[0-9a-f-]+\n\n/);
    await reader.cancel();
  });
});

describe('GET /mcp/{server}/sse', () => {
  it("passes one server's tools, resources and prompts through under their own names", async () => {
    const { client } = await connectSse('/mcp/alpha/sse');
    expect((await client.listTools()).tools.map((tool) => tool.name).sort()).toEqual(['add', 'echo', 'fails', 'slow']);
    expect(textOf(await client.callTool({ name: 'echo', arguments: { text: 'one server' } }))).toBe('alpha echoes one server');
    expect((await client.readResource({ uri: 'file:///alpha/readme.md' })).contents[0]).toMatchObject({ text: '# alpha readme' });
    expect((await client.getPrompt({ name: 'greet', arguments: { who: 'Ada' } })).messages[0]!.content).toMatchObject({ text: 'Hello Ada from alpha' });
  });

  it('refuses a server the key may not use before the stream opens', async () => {
    const key = (await gw.call('POST', '/key/generate', { object_permission: { mcp_servers: ['alpha'] } })).body.key as string;
    await expect(connectSse('/mcp/beta/sse', key)).rejects.toMatchObject({ code: 403 });
    await expect(connectSse('/mcp/nowhere/sse')).rejects.toMatchObject({ code: 404 });
  });
});

describe('the messages of a stream', () => {
  it("are its opener's only, and go nowhere once it is closed", async () => {
    const { client, transport } = await connectSse('/mcp/sse');
    await client.listTools();
    const endpoint = (transport as unknown as { _endpoint: URL })._endpoint;
    const post = (key: string) =>
      fetch(endpoint, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 99, method: 'tools/list' }) });
    const other = (await gw.call('POST', '/key/generate', {})).body.key as string;
    const refused = await post(other);
    expect(refused.status).toBe(404);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toContain('No open SSE stream has this sessionId here');
    expect((await post(MASTER)).status).toBe(202);

    await client.close();
    await expect.poll(async () => (await post(MASTER)).status).toBe(404);
  });
});

describe('a gateway that holds no streams (the Lambda handler)', () => {
  it('refuses the SSE transport, naming Streamable HTTP, and serves Streamable HTTP at /mcp/sse as LiteLLM does', async () => {
    for (const path of ['/mcp/sse', '/mcp/alpha/sse']) {
      const response = await fetch(`${lambdaLike.url}${path}`, { headers: { authorization: `Bearer ${MASTER}` } });
      expect(response.status).toBe(404);
      expect(((await response.json()) as { error: { message: string } }).error.message).toContain('Connect with Streamable HTTP instead: POST /mcp');
    }
    const transport = new StreamableHTTPClientTransport(new URL(`${lambdaLike.url}/mcp/sse`), { requestInit: { headers: { authorization: `Bearer ${MASTER}` } } });
    const client = new Client({ name: 'streamable-on-sse-path', version: '1.0.0' });
    clients.push(client);
    await client.connect(transport);
    expect(textOf(await client.callTool({ name: 'beta-echo', arguments: { text: 'still here' } }))).toBe('beta echoes still here');
  });
});
