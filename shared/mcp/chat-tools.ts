// MCP tools in chat and Responses requests, as LiteLLM takes them: `tools: [{type: "mcp", server_url:
// "litellm_proxy/mcp/<server>", require_approval: "never"}]`. The gateway lists the server's tools to
// the model as function tools (`{server}-{tool}`), runs the calls the model makes and feeds the results
// back, for any provider, up to MAX_ROUNDS model calls (streamed too: shared/mcp/streamed-tool-loop.ts).
// It does so as the caller's own client would:
// each model round is a request to the gateway's own route (the one the client called) and each tool
// call goes through its own /mcp/{server} (with the official MCP SDK client), in process and with the
// caller's headers, so each is authorized, limited, priced, recorded and exported like any other.
// What differs between chat and Responses (how a function is offered, called and answered) is a
// ToolLoopFormat. The MCP SDK is imported by the first request that names an MCP tool, not at cold start.
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { GatewayError } from '../core/errors.ts';
import type { Loopback } from '../core/loopback.ts';
import { parseJsonObject } from '../core/json-body.ts';
import type { GatewayRequest, Reply, RequestContext, Route } from '../core/types.ts';
import { CHAT_STREAM, RESPONSES_STREAM, streamedToolLoop } from './streamed-tool-loop.ts';
import { MAX_ROUNDS, modelInput, type McpFunction, type ToolLoop, type ToolLoopFormat, type ToolResult } from './tool-loop.ts';
import { TOOL_PREFIX_SEPARATOR } from './tool-calls.ts';

/** How LiteLLM names its own MCP servers in `server_url`. */
const PROXY_URL_PREFIX = 'litellm_proxy/mcp/';

interface McpTool {
  type: 'mcp';
  server_label?: unknown;
  server_url?: unknown;
  require_approval?: unknown;
  allowed_tools?: unknown;
}

type ChatAnswer = { choices?: Array<{ message?: { tool_calls?: Array<{ id: string; function: { name: string; arguments: string } }> } }> };

/** /v1/chat/completions: `function` tools, `tool_calls` on the message, `tool` messages back. */
export const CHAT_TOOL_LOOP: ToolLoopFormat = {
  functionTool: (name, description, parameters) => ({ type: 'function', function: { name, description, parameters } }),
  calls: (answer) => ((answer as ChatAnswer).choices?.[0]?.message?.tool_calls ?? []).map((call) => ({ id: call.id, name: call.function.name, arguments: call.function.arguments })),
  next: (body, answer, results) => ({
    ...body,
    messages: [...(body['messages'] as unknown[]), (answer as ChatAnswer).choices![0]!.message, ...results.map((result) => ({ role: 'tool', tool_call_id: result.id, content: result.output }))],
  }),
  stream: CHAT_STREAM,
};

type ResponsesAnswer = { output?: Array<{ type: string; call_id?: string; name?: string; arguments?: string }> };

/** /v1/responses: flat `function` tools, `function_call` output items, `function_call_output` items back. */
export const RESPONSES_TOOL_LOOP: ToolLoopFormat = {
  functionTool: (name, description, parameters) => ({ type: 'function', name, description, parameters }),
  calls: (answer) =>
    ((answer as ResponsesAnswer).output ?? []).filter((item) => item.type === 'function_call').map((item) => ({ id: item.call_id!, name: item.name!, arguments: item.arguments ?? '' })),
  next: (body, answer, results) => ({
    ...body,
    input: [
      ...(typeof body['input'] === 'string' ? [{ role: 'user', content: body['input'] }] : ((body['input'] as unknown[] | undefined) ?? [])),
      ...((answer as ResponsesAnswer).output ?? []),
      ...results.map((result) => ({ type: 'function_call_output', call_id: result.id, output: result.output })),
    ],
  }),
  stream: RESPONSES_STREAM,
};

/** `route` (chat completions or Responses), with requests that name MCP tools served by the loop, the others as before. */
export function withMcpTools(route: Route, loopback: Loopback, format: ToolLoopFormat): Route {
  return {
    ...route,
    handle: (request, ctx, params) => {
      // Most requests name no MCP tool: a scan of the text spares them a second parse of the body.
      if (!request.body.includes('"mcp"')) return route.handle(request, ctx, params);
      const body = parseJsonObject(request.body);
      const tools = Array.isArray(body['tools']) ? (body['tools'] as unknown[]) : [];
      const mcp = tools.filter((tool): tool is McpTool => (tool as { type?: unknown } | null)?.type === 'mcp');
      if (!mcp.length) return route.handle(request, ctx, params);
      return runToolLoop(request, body, tools, mcp, ctx, loopback, format);
    },
  };
}

async function runToolLoop(request: GatewayRequest, body: Record<string, unknown>, tools: unknown[], mcp: McpTool[], ctx: RequestContext, loopback: Loopback, format: ToolLoopFormat): Promise<Reply> {
  const forwarded = Object.fromEntries(Object.entries(request.headers).filter(([name]) => name !== 'content-length'));
  const servers = await Promise.all(mcp.map((tool, i) => connectServer(tool, i, forwarded, ctx, loopback)));
  // Closed once the answer is out: a streamed answer still calls tools after this returns.
  ctx.onFinish(() => Promise.all(servers.map((server) => server.client.close())).then(() => undefined));
  const functions = servers.flatMap((server) => server.functions);
  const loop: ToolLoop = {
    signal: ctx.signal,
    first: { ...body, tools: [...tools.filter((tool) => (tool as { type?: unknown }).type !== 'mcp'), ...functions.map((f) => format.functionTool(f.name, f.description, f.parameters))] },
    round: (sent) => loopback.open({ ...request, headers: forwarded, body: JSON.stringify(sent), signal: ctx.signal }),
    toRun: (calls) => {
      const planned = calls.map((call) => ({ call, fn: functions.find((f) => f.name === call.name)! }));
      return planned.length > 0 && planned.every(({ fn }) => fn) ? planned : [];
    },
  };
  if (body['stream'] === true) return streamedToolLoop(loop, format);
  let sent = loop.first;
  for (let round = 1; ; round++) {
    const answer = await loopback.call({ ...request, headers: forwarded, body: JSON.stringify(sent), signal: ctx.signal });
    const parsed = answer.status === 200 ? (JSON.parse(answer.text) as Record<string, unknown>) : undefined;
    const toRun = parsed ? loop.toRun(format.calls(parsed)) : [];
    // An error, a final answer, a call of the client's own functions, or the last round: the client's to read.
    if (!parsed || !toRun.length || round === MAX_ROUNDS) return { status: answer.status, headers: answer.headers, body: answer.text };
    const results = [];
    for (const { call, fn } of toRun) results.push({ id: call.id, output: modelInput(await fn.run(call.arguments)) });
    sent = format.next(sent, parsed, results);
  }
}

interface ConnectedServer {
  client: Client;
  functions: McpFunction[];
}

/** An MCP tool entry's server, through the gateway's own /mcp/{server}, its tools as chat functions. */
async function connectServer(tool: McpTool, index: number, headers: Record<string, string>, ctx: RequestContext, loopback: Loopback): Promise<ConnectedServer> {
  const param = `tools[${index}]`;
  if (typeof tool.server_url !== 'string' || !tool.server_url.startsWith(PROXY_URL_PREFIX) || tool.server_url.length === PROXY_URL_PREFIX.length) {
    throw new GatewayError('invalid_request', `${param}.server_url must name one of this gateway's MCP servers as "${PROXY_URL_PREFIX}<server>".`, { param: `${param}.server_url` });
  }
  if (tool.require_approval !== undefined && tool.require_approval !== 'never') {
    throw new GatewayError('unsupported_params', `${param}.require_approval: the gateway runs MCP tools itself, so only "never" is supported.`, { param: `${param}.require_approval` });
  }
  const allowed = Array.isArray(tool.allowed_tools) ? tool.allowed_tools.filter((name): name is string => typeof name === 'string') : undefined;
  const server = tool.server_url.slice(PROXY_URL_PREFIX.length);
  const label = typeof tool.server_label === 'string' ? tool.server_label : server;
  const [{ Client }, { StreamableHTTPClientTransport }] = await Promise.all([import('@modelcontextprotocol/sdk/client/index.js'), import('@modelcontextprotocol/sdk/client/streamableHttp.js')]);
  const client = new Client({ name: 'tollgate-chat', version: '1.0.0' });
  try {
    await client.connect(new StreamableHTTPClientTransport(new URL(`http://tollgate/mcp/${encodeURIComponent(server)}`), { fetch: loopbackFetch(headers, ctx, loopback) }));
    const { tools } = await client.listTools();
    return {
      client,
      functions: tools
        .filter((t) => !allowed || allowed.includes(t.name))
        .map((t) => ({
          name: `${server}${TOOL_PREFIX_SEPARATOR}${t.name}`,
          description: t.description ?? '',
          parameters: t.inputSchema,
          label,
          tool: t.name,
          run: (args: string) => runTool(client, t.name, args),
        })),
    };
  } catch (error) {
    await client.close();
    throw new GatewayError('invalid_request', `${param}: MCP server "${server}" cannot be used: ${(error as Error).message}`, { param: `${param}.server_url` });
  }
}

/** A tool call's result: its text, or what went wrong. */
async function runTool(client: Client, tool: string, args: string): Promise<ToolResult> {
  try {
    const result = (await client.callTool({ name: tool, arguments: args ? (JSON.parse(args) as Record<string, unknown>) : {} })) as {
      content?: Array<{ type: string; text?: string }>;
      isError?: boolean;
    };
    const text = (result.content ?? []).map((part) => (part.type === 'text' ? part.text : JSON.stringify(part))).join('\n');
    return { text, failed: result.isError === true };
  } catch (error) {
    return { text: (error as Error).message, failed: true };
  }
}

/** fetch for the MCP SDK client, answered by the gateway itself with the caller's headers. */
function loopbackFetch(headers: Record<string, string>, ctx: RequestContext, loopback: Loopback) {
  return async (url: string | URL, init?: RequestInit): Promise<Response> => {
    const sent = Object.fromEntries(new Headers(init?.headers));
    const answer = await loopback.call({
      method: init?.method ?? 'GET',
      path: new URL(url).pathname,
      query: {},
      headers: { ...headers, ...sent },
      body: typeof init?.body === 'string' ? init.body : '',
      signal: ctx.signal,
    });
    return new Response(answer.status === 202 || answer.status === 204 ? null : answer.text, { status: answer.status, headers: answer.headers });
  };
}
