// MCP tools in chat and Responses requests, as LiteLLM takes them: `tools: [{type: "mcp", server_url:
// "litellm_proxy/mcp/<server>", require_approval: "never"}]`. The gateway lists the server's tools to
// the model as function tools (`{server}-{tool}`), runs the calls the model makes and feeds the results
// back, for any provider, up to MAX_ROUNDS model calls. It does so as the caller's own client would:
// each model round is a request to the gateway's own route (the one the client called) and each tool
// call goes through its own /mcp/{server} (with the official MCP SDK client), in process and with the
// caller's headers, so each is authorized, limited, priced, recorded and exported like any other.
// What differs between chat and Responses (how a function is offered, called and answered) is a
// ToolLoopFormat. The MCP SDK is imported by the first request that names an MCP tool, not at cold start.
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { GatewayError } from '../core/errors.ts';
import { parseJsonObject } from '../core/json-body.ts';
import type { GatewayRequest, GatewayResponse, IncomingRequest, Reply, RequestContext, Route } from '../core/types.ts';
import { TOOL_PREFIX_SEPARATOR } from './tool-calls.ts';

/** The most model calls one request makes: a model that keeps calling tools gets its last answer sent as it is. */
export const MAX_ROUNDS = 10;
/** How LiteLLM names its own MCP servers in `server_url`. */
const PROXY_URL_PREFIX = 'litellm_proxy/mcp/';

/** The gateway answering a request of its own (the composition root points it at the gateway once built). */
export class Loopback {
  target?: { handle(request: IncomingRequest): Promise<GatewayResponse> };

  async call(request: IncomingRequest): Promise<{ status: number; headers: Record<string, string>; text: string }> {
    const response = await this.target!.handle(request);
    try {
      return { status: response.status, headers: response.headers, text: await textOf(response.body) };
    } finally {
      await response.done();
    }
  }
}

interface McpTool {
  type: 'mcp';
  server_url?: unknown;
  require_approval?: unknown;
  allowed_tools?: unknown;
}

/** A function call the model made: its id, the function's name and its JSON arguments. */
interface FunctionCall {
  id: string;
  name: string;
  arguments: string;
}

/** How one API offers functions, reads the calls an answer makes, and sends their results back. */
export interface ToolLoopFormat {
  functionTool(name: string, description: string, parameters: unknown): unknown;
  /** The function calls an answer makes (none: it is final). */
  calls(answer: Record<string, unknown>): FunctionCall[];
  /** The next request's body: the conversation so far, the answer's turn, and the calls' results. */
  next(body: Record<string, unknown>, answer: Record<string, unknown>, results: Array<{ id: string; output: string }>): Record<string, unknown>;
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
  if (body['stream'] === true) {
    throw new GatewayError(
      'unsupported_params',
      'MCP tools (tools[].type "mcp") are run by the gateway for non-streamed requests only: send stream: false, or list the tools as functions and run them yourself.',
      { param: 'stream' },
    );
  }
  const forwarded = Object.fromEntries(Object.entries(request.headers).filter(([name]) => name !== 'content-length'));
  const servers = await Promise.all(mcp.map((tool, i) => connectServer(tool, i, forwarded, ctx, loopback)));
  try {
    const functions = servers.flatMap((server) => server.functions);
    const offered = [...tools.filter((tool) => (tool as { type?: unknown }).type !== 'mcp'), ...functions.map((f) => format.functionTool(f.name, f.description, f.parameters))];
    let sent: Record<string, unknown> = { ...body, tools: offered };
    for (let round = 1; ; round++) {
      const answer = await loopback.call({ ...request, headers: forwarded, body: JSON.stringify(sent), signal: ctx.signal });
      const parsed = answer.status === 200 ? (JSON.parse(answer.text) as Record<string, unknown>) : undefined;
      const calls = parsed ? format.calls(parsed) : [];
      const runnable = calls.length > 0 && calls.every((call) => functions.some((f) => f.name === call.name));
      // An error, a final answer, a call of the client's own functions, or the last round: the client's to read.
      if (!parsed || !runnable || round === MAX_ROUNDS) return { status: answer.status, headers: answer.headers, body: answer.text };
      const results = [];
      for (const call of calls) results.push({ id: call.id, output: await functions.find((f) => f.name === call.name)!.run(call.arguments) });
      sent = format.next(sent, parsed, results);
    }
  } finally {
    await Promise.all(servers.map((server) => server.client.close()));
  }
}

interface ConnectedServer {
  client: Client;
  functions: Array<{ name: string; description: string; parameters: unknown; run(args: string): Promise<string> }>;
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
  const [{ Client }, { StreamableHTTPClientTransport }] = await Promise.all([import('@modelcontextprotocol/sdk/client/index.js'), import('@modelcontextprotocol/sdk/client/streamableHttp.js')]);
  const client = new Client({ name: 'tollgate-chat', version: '1.0.0' });
  try {
    await client.connect(new StreamableHTTPClientTransport(new URL(`http://tollgate/mcp/${encodeURIComponent(server)}`), { fetch: loopbackFetch(headers, ctx, loopback) }));
    const { tools } = await client.listTools();
    return {
      client,
      functions: tools
        .filter((t) => !allowed || allowed.includes(t.name))
        .map((t) => ({ name: `${server}${TOOL_PREFIX_SEPARATOR}${t.name}`, description: t.description ?? '', parameters: t.inputSchema, run: (args: string) => runTool(client, t.name, args) })),
    };
  } catch (error) {
    await client.close();
    throw new GatewayError('invalid_request', `${param}: MCP server "${server}" cannot be used: ${(error as Error).message}`, { param: `${param}.server_url` });
  }
}

/** A tool call's result as the tool message's content: its text, or what went wrong (the model reads either). */
async function runTool(client: Client, tool: string, args: string): Promise<string> {
  try {
    const result = (await client.callTool({ name: tool, arguments: args ? (JSON.parse(args) as Record<string, unknown>) : {} })) as {
      content?: Array<{ type: string; text?: string }>;
      isError?: boolean;
    };
    const text = (result.content ?? []).map((part) => (part.type === 'text' ? part.text : JSON.stringify(part))).join('\n');
    return result.isError ? `Error: ${text}` : text;
  } catch (error) {
    return `Error: ${(error as Error).message}`;
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

async function textOf(body: GatewayResponse['body']): Promise<string> {
  if (typeof body === 'string') return body;
  const decoder = new TextDecoder();
  let text = '';
  for await (const chunk of body) text += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
  return text + decoder.decode();
}
