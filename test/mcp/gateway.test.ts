// The MCP gateway end to end: the official MCP SDK client against Tollgate (two in-process instances on
// one dynalite table), in front of fake MCP servers built with the same SDK on 127.0.0.1.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedDynamo } from '../../local/embedded-dynamodb.ts';
import { eventually } from '../helpers/eventually.ts';
import { startFakeMcpServer, type FakeMcpServer } from '../helpers/fake-mcp-server.ts';
import { MASTER, startDynamo, startKeysGateway, type KeysGateway } from '../helpers/identity.ts';

const BETA_TOKEN = 'beta-configured-token-7f3a';
const CALLER_SECRET = 'caller-own-upstream-token-91bd';
const DOWN_TOKEN = 'down-configured-token-c2e8';
const LEGACY_TOKEN = 'Token legacy-configured-5d1f';
const ENV = { BETA_TOKEN, DOWN_TOKEN, LEGACY_TOKEN };

let dynamo: EmbeddedDynamo;
let alpha: FakeMcpServer;
let beta: FakeMcpServer;
let gw: KeysGateway;
/** A second instance on the same table, as another Lambda would be. */
let other: KeysGateway;

const config = () => `
model_list:
  - model_name: mock
    litellm_params: { model: mock/echo }
general_settings: { master_key: ${MASTER} }
litellm_settings: { callbacks: ["prometheus"] }
mcp_servers:
  alpha:
    url: "${alpha.url}"
    transport: "http"
    description: "The first fake server"
    disallowed_tools: ["hidden"]
    mcp_info:
      mcp_server_cost_info:
        default_cost_per_query: 0.01
        tool_name_to_cost_per_query: { add: 0.25 }
  beta:
    url: "${beta.url}"
    auth_type: "bearer_token"
    auth_value: "os.environ/BETA_TOKEN"
    allowed_tools: ["echo", "add", "slow"]
    access_groups: ["team_tools"]
  legacy:
    url: "${alpha.sseUrl}"
    transport: "sse"
    auth_type: "authorization"
    auth_value: "os.environ/LEGACY_TOKEN"
  down:
    url: "http://127.0.0.1:1/mcp"
    auth_type: "api_key"
    auth_value: "os.environ/DOWN_TOKEN"
`;

beforeAll(async () => {
  [dynamo, alpha, beta] = await Promise.all([startDynamo(), startFakeMcpServer('alpha'), startFakeMcpServer('beta')]);
  gw = await startKeysGateway(dynamo.endpoint, { config: config(), env: ENV });
  other = await startKeysGateway(dynamo.endpoint, { config: config(), env: ENV });
});
afterAll(async () => {
  await Promise.all([gw?.close(), other?.close()]);
  await Promise.all([alpha?.close(), beta?.close(), dynamo?.close()]);
});

const clients: Client[] = [];
afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
});

/** An MCP client on `path` of `at`, with `key`; `sessionId` continues a session (no initialize). */
async function connect(
  path: string,
  key = MASTER,
  options: { at?: KeysGateway; headers?: Record<string, string>; sessionId?: string } = {},
): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const at = options.at ?? gw;
  const transport = new StreamableHTTPClientTransport(new URL(`${at.url}${path}`), {
    requestInit: { headers: { authorization: `Bearer ${key}`, ...options.headers } },
    sessionId: options.sessionId,
  });
  const client = new Client({ name: 'test-client', version: '1.0.0' });
  clients.push(client);
  await client.connect(transport);
  return { client, transport };
}

const textOf = (result: unknown) => (result as { content: Array<{ text: string }> }).content[0]!.text;

async function newKey(fields: Record<string, unknown> = {}): Promise<string> {
  const { status, body } = await gw.call('POST', '/key/generate', fields);
  expect(status).toBe(200);
  return body.key as string;
}

describe('/mcp/{server}', () => {
  it('lists the server tools the config offers and calls them', async () => {
    const { client } = await connect('/mcp/alpha');
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(['add', 'echo', 'fails', 'slow']);
    expect(textOf(await client.callTool({ name: 'echo', arguments: { text: 'hi' } }))).toBe('alpha echoes hi');
    expect(alpha.calls.at(-1)).toMatchObject({ tool: 'echo', args: { text: 'hi' } });
  });

  it("answers at LiteLLM's other path for a server, /{server}/mcp, too", async () => {
    const { client } = await connect('/beta/mcp');
    expect(textOf(await client.callTool({ name: 'echo', arguments: { text: 'other path' } }))).toBe('beta echoes other path');
  });

  it('refuses a tool the config filters out, without calling it', async () => {
    const { client } = await connect('/mcp/alpha');
    const before = alpha.calls.length;
    await expect(client.callTool({ name: 'hidden', arguments: {} })).rejects.toThrow(/Tool "hidden" is not one this key may call/);
    const { client: onBeta } = await connect('/mcp/beta');
    expect((await onBeta.listTools()).tools.map((tool) => tool.name).sort()).toEqual(['add', 'echo', 'slow']);
    await expect(onBeta.callTool({ name: 'fails', arguments: {} })).rejects.toThrow(/not one this key may call/);
    expect(alpha.calls.length).toBe(before);
  });

  it('passes resources and prompts through', async () => {
    const { client } = await connect('/mcp/alpha');
    const { resources } = await client.listResources();
    expect(resources.map((r) => r.uri)).toEqual(['file:///alpha/readme.md']);
    const read = await client.readResource({ uri: 'file:///alpha/readme.md' });
    expect(read.contents[0]).toMatchObject({ text: '# alpha readme' });
    expect((await client.listResourceTemplates()).resourceTemplates.map((t) => t.uriTemplate)).toEqual(['note://alpha/{id}']);
    expect((await client.readResource({ uri: 'note://alpha/42' })).contents[0]).toMatchObject({ text: 'note 42 on alpha' });
    const { prompts } = await client.listPrompts();
    expect(prompts.map((p) => p.name)).toEqual(['greet']);
    const prompt = await client.getPrompt({ name: 'greet', arguments: { who: 'Ada' } });
    expect(prompt.messages[0]!.content).toMatchObject({ text: 'Hello Ada from alpha' });
  });

  it('passes progress on to a client that asks for it', async () => {
    const { client } = await connect('/mcp/beta');
    const seen: Array<{ progress: number; total?: number; message?: string }> = [];
    const result = await client.callTool({ name: 'slow', arguments: {} }, undefined, { onprogress: (progress) => void seen.push(progress) });
    expect(textOf(result)).toBe('done');
    expect(seen).toEqual([1, 2, 3].map((step) => ({ progress: step, total: 3, message: `step ${step}` })));
  });

  it('reaches a server on the older SSE transport, with its credential', async () => {
    const seen = alpha.requests.length;
    const { client } = await connect('/mcp/legacy');
    expect(textOf(await client.callTool({ name: 'echo', arguments: { text: 'over sse' } }))).toBe('alpha echoes over sse');
    const sent = alpha.requests.slice(seen);
    expect(sent.length).toBeGreaterThan(1);
    expect(new Set(sent.map((headers) => headers.authorization))).toEqual(new Set([LEGACY_TOKEN]));
  });

  it("writes the transport's refusals, and a request without a session, as the gateway's errors", async () => {
    const post = (headers: Record<string, string>, body: unknown) =>
      fetch(`${gw.url}/mcp/alpha`, { method: 'POST', headers: { authorization: `Bearer ${MASTER}`, 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    const initialize = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'curl', version: '1' } } };
    const jsonOnly = await post({ accept: 'application/json' }, initialize);
    expect(jsonOnly.status).toBe(400);
    expect(await jsonOnly.json()).toMatchObject({
      error: { type: 'invalid_request_error', code: '400', message: expect.stringContaining('Client must accept both application/json and text/event-stream') },
    });
    const noSession = await post({ accept: 'application/json, text/event-stream' }, { jsonrpc: '2.0', id: 2, method: 'tools/list' });
    expect(noSession.status).toBe(400);
    expect(await noSession.json()).toMatchObject({ error: { param: 'mcp-session-id', message: expect.stringContaining('send initialize first') } });
  });

  it('answers GET (a stream for server-initiated messages) with 405, which clients take as "none"', async () => {
    const { transport } = await connect('/mcp/alpha');
    for (const path of ['/mcp/alpha', '/mcp']) {
      const response = await fetch(`${gw.url}${path}`, { headers: { authorization: `Bearer ${MASTER}`, accept: 'text/event-stream', 'mcp-session-id': transport.sessionId! } });
      expect(response.status).toBe(405);
      expect(await response.json()).toMatchObject({ error: { code: '405' } });
    }
  });

  it('answers 404 for a server that is not configured', async () => {
    const error = await connect('/mcp/nowhere').then(
      () => ({ code: 0, message: 'connected' }),
      (e: unknown) => e as { code: number; message: string },
    );
    expect(error.code).toBe(404);
    expect(error.message).toContain('No MCP server \\"nowhere\\"');
  });
});

describe('/mcp', () => {
  it('offers every server, tools prefixed with the server name, each call routed to its server', async () => {
    const { client } = await connect('/mcp');
    const names = (await client.listTools()).tools.map((tool) => tool.name).sort();
    expect(names).toEqual([
      'alpha-add',
      'alpha-echo',
      'alpha-fails',
      'alpha-slow',
      'beta-add',
      'beta-echo',
      'beta-slow',
      ...['add', 'echo', 'fails', 'hidden', 'slow'].map((tool) => `legacy-${tool}`),
    ]);
    const betaCalls = beta.calls.length;
    expect(textOf(await client.callTool({ name: 'beta-echo', arguments: { text: 'routed' } }))).toBe('beta echoes routed');
    expect(beta.calls.length).toBe(betaCalls + 1);
    expect(textOf(await client.callTool({ name: 'alpha-add', arguments: { a: 2, b: 3 } }))).toBe('5');
    const { prompts } = await client.listPrompts();
    expect(prompts.map((p) => p.name).sort()).toEqual(['alpha-greet', 'beta-greet', 'legacy-greet']);
    expect((await client.getPrompt({ name: 'beta-greet', arguments: { who: 'Bo' } })).messages[0]!.content).toMatchObject({ text: 'Hello Bo from beta' });
  });

  it("lists every server's resources and templates, and reads a resource from the server that has it", async () => {
    const { client } = await connect('/mcp');
    const { resources } = await client.listResources();
    // legacy is alpha over SSE: its resources are alpha's.
    expect(resources.map((r) => r.uri).sort()).toEqual(['file:///alpha/readme.md', 'file:///alpha/readme.md', 'file:///beta/readme.md']);
    const { resourceTemplates } = await client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate).sort()).toEqual(['note://alpha/{id}', 'note://alpha/{id}', 'note://beta/{id}']);
    expect((await client.readResource({ uri: 'file:///beta/readme.md' })).contents[0]).toMatchObject({ text: '# beta readme' });
    expect((await client.readResource({ uri: 'note://beta/7' })).contents[0]).toMatchObject({ text: 'note 7 on beta' });
    await expect(client.readResource({ uri: 'file:///nowhere.md' })).rejects.toThrow(/not found/i);
  });

  it("passes a tool's progress on, as /mcp/{server} does, from Streamable HTTP and SSE servers alike", async () => {
    const { client } = await connect('/mcp');
    for (const tool of ['beta-slow', 'legacy-slow']) {
      const seen: Array<{ progress: number; total?: number; message?: string }> = [];
      const result = await client.callTool({ name: tool, arguments: {} }, undefined, { onprogress: (progress) => void seen.push(progress) });
      expect(textOf(result)).toBe('done');
      expect(seen, tool).toEqual([1, 2, 3].map((step) => ({ progress: step, total: 3, message: `step ${step}` })));
    }
  });
});

describe('sessions', () => {
  it('continue on another instance, which resumes the upstream session instead of initializing again', async () => {
    const { client, transport } = await connect('/mcp/alpha');
    await client.callTool({ name: 'echo', arguments: { text: 'first' } });
    const upstreamSession = alpha.calls.at(-1)!.session;
    const initializes = alpha.initializes;

    const { client: resumed } = await connect('/mcp/alpha', MASTER, { at: other, sessionId: transport.sessionId });
    expect(textOf(await resumed.callTool({ name: 'echo', arguments: { text: 'second' } }))).toBe('alpha echoes second');
    expect(alpha.calls.at(-1)).toMatchObject({ args: { text: 'second' }, session: upstreamSession });
    expect(alpha.initializes).toBe(initializes);
    // The id is sealed: the upstream's own session id is not in it for the client to read.
    expect(transport.sessionId).not.toContain(upstreamSession);
  });

  it("are no one else's: another key, another endpoint or an altered id gets 404", async () => {
    const { transport } = await connect('/mcp/alpha');
    const id = transport.sessionId!;
    const key = await newKey({ object_permission: { mcp_servers: ['alpha'] } });
    const attempt = async (path: string, sessionId: string, as = MASTER) => {
      const { client } = await connect(path, as, { sessionId });
      return client.listTools().catch((e: unknown) => e as { code: number });
    };
    expect(await attempt('/mcp/alpha', id, key)).toMatchObject({ code: 404 });
    expect(await attempt('/mcp/beta', id)).toMatchObject({ code: 404 });
    expect(await attempt('/mcp/alpha', `${id.slice(0, -4)}AAAA`)).toMatchObject({ code: 404 });
    expect((await attempt('/mcp/alpha', id)) as { tools: unknown[] }).toHaveProperty('tools');
  });
});

describe('access', () => {
  const toolNames = async (path: string, key: string) => (await (await connect(path, key)).client.listTools()).tools.map((tool) => tool.name).sort();

  it('a key granted one server sees only it and is refused the others', async () => {
    const key = await newKey({ object_permission: { mcp_servers: ['alpha'] } });
    expect(await toolNames('/mcp', key)).toEqual(['alpha-add', 'alpha-echo', 'alpha-fails', 'alpha-slow']);
    const error = await connect('/mcp/beta', key).then(
      () => ({ code: 0, message: 'connected' }),
      (e: unknown) => e as { code: number; message: string },
    );
    expect(error.code).toBe(403);
    expect(error.message).toContain('This key may not use MCP server');
  });

  it('a key granted nothing has no servers', async () => {
    const key = await newKey();
    expect(await toolNames('/mcp', key)).toEqual([]);
    await expect(connect('/mcp/alpha', key)).rejects.toMatchObject({ code: 403 });
  });

  it("a key inherits its team's grant (through an access group), and per-tool permissions narrow it", async () => {
    const team = await gw.call('POST', '/team/new', { team_alias: 'mcp-team', object_permission: { mcp_access_groups: ['team_tools'] } });
    expect(team.status).toBe(200);
    const key = await newKey({ team_id: team.body.team_id });
    expect(await toolNames('/mcp', key)).toEqual(['beta-add', 'beta-echo', 'beta-slow']);
    const narrowed = await newKey({ object_permission: { mcp_servers: ['alpha'], mcp_tool_permissions: { alpha: ['echo'] } } });
    expect(await toolNames('/mcp/alpha', narrowed)).toEqual(['echo']);
    const { client } = await connect('/mcp/alpha', narrowed);
    await expect(client.callTool({ name: 'add', arguments: { a: 1, b: 1 } })).rejects.toThrow(/not one this key may call/);
  });
});

describe('upstream credentials', () => {
  it("sends the configured credential, and the caller's own per request, logging neither", async () => {
    const key = await newKey({ object_permission: { mcp_servers: ['alpha', 'beta', 'down'] } });
    const seen = alpha.requests.length;
    const { client } = await connect('/mcp', key, { headers: { 'x-mcp-alpha-authorization': `Bearer ${CALLER_SECRET}` } });
    await client.callTool({ name: 'alpha-echo', arguments: { text: 'with my token' } });
    await client.callTool({ name: 'beta-echo', arguments: { text: 'with the configured token' } });
    const alphaAuth = alpha.requests.slice(seen).map((headers) => headers.authorization);
    expect(alphaAuth.length).toBeGreaterThan(0);
    expect(new Set(alphaAuth)).toEqual(new Set([`Bearer ${CALLER_SECRET}`]));
    expect(beta.requests.at(-1)!.authorization).toBe(`Bearer ${BETA_TOKEN}`);
    // The server that cannot be reached was left out, with a warning that names it and not its credential.
    expect(gw.log.lines.some((line) => line.message.includes('left out') && line.fields?.['mcpServer'] === 'down')).toBe(true);
    const logged = gw.log.text() + other.log.text();
    for (const secret of [CALLER_SECRET, BETA_TOKEN, DOWN_TOKEN, LEGACY_TOKEN, key]) expect(logged).not.toContain(secret);
    const ledger = JSON.stringify((await gw.call('GET', `/spend/logs?api_key=${key}`)).body);
    for (const secret of [CALLER_SECRET, BETA_TOKEN, key]) expect(ledger).not.toContain(secret);
  });
});

describe('accounting', () => {
  it('records each tools/call in the ledger at its configured price, and refuses calls over the budget', async () => {
    const key = await newKey({ max_budget: 0.3, object_permission: { mcp_servers: ['alpha'] } });
    const { client } = await connect('/mcp/alpha', key);
    expect(textOf(await client.callTool({ name: 'add', arguments: { a: 20, b: 22 } }))).toBe('42');
    const logs = (await gw.call('GET', `/spend/logs?api_key=${key}`)).body as Array<Record<string, any>>;
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({ call_type: 'call_mcp_tool', spend: 0.25, model_group: 'alpha-add', status: 'success' });
    expect(logs[0]!['metadata']['mcp_tool_call_metadata']).toMatchObject({ mcp_server_name: 'alpha', name: 'add', status: 'success' });
    expect(logs[0]!['metadata']['mcp_tool_call_metadata']['duration_ms']).toBeGreaterThanOrEqual(0);
    // Settled after the response: the key's spend is the tool's price.
    await eventually(async () => ((await gw.call('GET', `/key/info?key=${key}`)).body.info.spend === 0.25 ? true : undefined));

    // Exported like a model call: the key's spend in the metrics holds the tool's price.
    const token = (logs[0]!['api_key'] as string).slice(0, 12);
    await eventually(async () => {
      const metrics = await (await fetch(`${gw.url}/metrics`, { headers: { authorization: `Bearer ${MASTER}` } })).text();
      return metrics.split('\n').find((line) => line.startsWith('litellm_spend_metric_total{') && line.includes(token) && line.endsWith(' 0.25'));
    });

    const calls = alpha.calls.length;
    await expect(client.callTool({ name: 'add', arguments: { a: 1, b: 2 } })).rejects.toThrow(/ExceededBudget/);
    expect(alpha.calls.length).toBe(calls);
  });

  it("records a tool's own failure as a failed call", async () => {
    const key = await newKey({ object_permission: { mcp_servers: ['alpha'] } });
    const { client } = await connect('/mcp/alpha', key);
    expect(await client.callTool({ name: 'fails', arguments: {} })).toMatchObject({ isError: true });
    const logs = (await gw.call('GET', `/spend/logs?api_key=${key}`)).body as Array<Record<string, any>>;
    expect(logs[0]).toMatchObject({ spend: 0.01, status: 'failure' });
    expect(logs[0]!['metadata']['mcp_tool_call_metadata']).toMatchObject({ name: 'fails', status: 'failure' });
  });

  it("counts every tools/call against the key's rpm, and nothing else", async () => {
    const key = await newKey({ rpm_limit: 1, object_permission: { mcp_servers: ['alpha'] } });
    const { client } = await connect('/mcp/alpha', key);
    await client.listTools();
    await client.listTools();
    await client.callTool({ name: 'echo', arguments: { text: 'one' } });
    await expect(client.callTool({ name: 'echo', arguments: { text: 'two' } })).rejects.toThrow(/Rate limit exceeded/);
  });
});
