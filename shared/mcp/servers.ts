// The configured upstream MCP servers (`mcp_servers:`), resolved from LiteLLM's config shape: how to
// reach each one, the credential the gateway sends it, which of its tools are offered, and what a call
// to each tool costs (`mcp_info.mcp_server_cost_info`).
import type { RawMcpServers } from './config-schema.ts';

/** SEP-986's tool-name characters: a server's name is part of every tool name it lends `/mcp`. */
const SERVER_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

export interface McpServer {
  /** The config key: `/mcp/{name}`, and the prefix of its tools on `/mcp`. */
  readonly name: string;
  readonly description?: string;
  readonly transport: 'http' | 'sse' | 'stdio';
  /** http and sse servers. */
  readonly url?: string;
  /** stdio servers (local only): the process to run. */
  readonly process?: { command: string; args: string[]; env: Record<string, string> };
  /** What the gateway sends upstream on every request: the configured credential and `static_headers`. Never logged. */
  readonly headers: Readonly<Record<string, string>>;
  readonly allowedTools?: readonly string[];
  readonly disallowedTools: readonly string[];
  /** `access_groups`: keys' and teams' `mcp_access_groups` grant the server through them. */
  readonly accessGroups: readonly string[];
  /** `allow_all_keys`: every caller may use it, granted or not. */
  readonly allowAllKeys: boolean;
  readonly cost: { readonly defaultPerQuery: number; readonly perTool: Readonly<Record<string, number>> };
}

/** The servers of a parsed `mcp_servers:` section; problems (a server without a url or command) are pushed onto `problems`. */
export function toMcpServers(raw: RawMcpServers | undefined, problems: string[]): McpServer[] {
  return Object.entries(raw ?? {}).flatMap(([name, entry]): McpServer[] => {
    const at = `mcp_servers.${name}`;
    if (!SERVER_NAME.test(name)) {
      problems.push(`${at}: MCP server names are 1-64 letters, digits, "_", "." or "-" (they prefix the server's tool names)`);
      return [];
    }
    const transport = entry.transport ?? (entry.command ? 'stdio' : 'http');
    if (transport === 'stdio' && !entry.command) {
      problems.push(`${at}.command: a stdio server needs the command that starts it`);
      return [];
    }
    if (transport !== 'stdio' && !entry.url) {
      problems.push(`${at}.url: an ${transport} server needs its url`);
      return [];
    }
    const authType = entry.auth_type ?? 'none';
    if (authType !== 'none' && !entry.auth_value) {
      problems.push(`${at}.auth_value: auth_type ${authType} needs the credential (e.g. os.environ/MY_MCP_TOKEN)`);
      return [];
    }
    const costInfo = entry.mcp_info?.mcp_server_cost_info;
    return [
      {
        name,
        description: entry.description ?? entry.mcp_info?.description,
        transport,
        url: transport === 'stdio' ? undefined : entry.url,
        process: transport === 'stdio' ? { command: entry.command!, args: entry.args ?? [], env: entry.env ?? {} } : undefined,
        headers: { ...entry.static_headers, ...authHeader(authType, entry.auth_value) },
        allowedTools: entry.allowed_tools,
        disallowedTools: entry.disallowed_tools ?? [],
        accessGroups: entry.access_groups ?? [],
        allowAllKeys: entry.allow_all_keys ?? false,
        cost: { defaultPerQuery: costInfo?.default_cost_per_query ?? 0, perTool: costInfo?.tool_name_to_cost_per_query ?? {} },
      },
    ];
  });
}

/** The header each `auth_type` sends, as LiteLLM sends it. */
function authHeader(authType: string, value: string | undefined): Record<string, string> {
  if (!value) return {};
  switch (authType) {
    case 'bearer_token':
      return { authorization: `Bearer ${value}` };
    case 'api_key':
      return { 'x-api-key': value };
    case 'basic':
      return { authorization: `Basic ${Buffer.from(value).toString('base64')}` };
    case 'authorization':
      return { authorization: value };
    default:
      return {};
  }
}

/** Whether the server's config offers `tool` (`allowed_tools`, then `disallowed_tools`). */
export function offersTool(server: McpServer, tool: string): boolean {
  if (server.allowedTools && !server.allowedTools.includes(tool)) return false;
  return !server.disallowedTools.includes(tool);
}

/** What one call of `tool` costs (USD): its own price, else the server's default. */
export function toolCost(server: McpServer, tool: string): number {
  return server.cost.perTool[tool] ?? server.cost.defaultPerQuery;
}

/** Servers the gateway cannot run here: stdio ones in AWS, where there are no processes to spawn. */
export function refuseStdio(servers: readonly McpServer[], where: string): void {
  const stdio = servers.filter((server) => server.transport === 'stdio').map((server) => server.name);
  if (stdio.length) {
    throw new Error(
      `${where}: mcp_servers ${stdio.join(', ')} use the stdio transport, which needs a process the gateway spawns; a Lambda has none to spawn. Run the server behind Streamable HTTP (transport: http, url: ...) or use it from the local server (npm start).`,
    );
  }
}
