// Which MCP servers and tools a caller may use, as LiteLLM grants them: `object_permission` on the key,
// its team and its organization, each with `mcp_servers` (server names), `mcp_access_groups` (the
// servers' `access_groups`) and `mcp_tool_permissions` ({server: [tools]}). A key with no MCP grant of
// its own inherits its team's; where both grant, both must allow the server, and the organization's
// grant narrows both. A key granted nothing anywhere may use only the servers with `allow_all_keys`.
// The master key (and an open gateway) may use every server. A server's own `allowed_tools` and
// `disallowed_tools` hold for everyone (shared/mcp/servers.ts).
import type { Identity } from '../core/types.ts';
import { offersTool, type McpServer } from '../mcp/servers.ts';
import { virtualKeyOf } from './identity.ts';

interface McpGrant {
  /** Undefined when the level grants no servers at all (it then does not restrict). */
  servers?: Set<string>;
  tools: Record<string, string[]>;
}

export class McpAccess {
  private readonly byName: Map<string, McpServer>;

  constructor(readonly configured: readonly McpServer[]) {
    this.byName = new Map(configured.map((server) => [server.name, server]));
  }

  server(name: string): McpServer | undefined {
    return this.byName.get(name);
  }

  /** The servers `identity` may use, in config order. */
  servers(identity: Identity | undefined): McpServer[] {
    const grants = this.grantsOf(identity);
    if (!grants) return [...this.configured];
    const [key, team, organization] = grants;
    let granted = key.servers ?? team.servers;
    if (key.servers && team.servers) granted = intersect(key.servers, team.servers);
    if (organization.servers) granted = granted ? intersect(granted, organization.servers) : organization.servers;
    return this.configured.filter((server) => server.allowAllKeys || granted?.has(server.name));
  }

  /** Whether `identity` may call `tool` of `server`: the server offers it, and no level's `mcp_tool_permissions` leaves it out. */
  mayCall(identity: Identity | undefined, server: McpServer, tool: string): boolean {
    if (!offersTool(server, tool)) return false;
    return (this.grantsOf(identity) ?? []).every((grant) => grant.tools[server.name]?.includes(tool) ?? true);
  }

  /** The key's, its team's and its organization's grants; undefined for a caller with every server. */
  private grantsOf(identity: Identity | undefined): [McpGrant, McpGrant, McpGrant] | undefined {
    const key = virtualKeyOf(identity);
    if (!key) return undefined;
    return [this.grantOf(key.key['object_permission']), this.grantOf(key.team?.['object_permission']), this.grantOf(key.organization?.['object_permission'])];
  }

  /** One level's `object_permission`: the servers it names, directly or through their access groups. */
  private grantOf(permission: unknown): McpGrant {
    const fields = permission && typeof permission === 'object' ? (permission as Record<string, unknown>) : {};
    const names = strings(fields['mcp_servers']);
    const groups = strings(fields['mcp_access_groups']);
    const inGroups = this.configured.filter((server) => server.accessGroups.some((group) => groups?.includes(group))).map((server) => server.name);
    const tools = fields['mcp_tool_permissions'] && typeof fields['mcp_tool_permissions'] === 'object' ? (fields['mcp_tool_permissions'] as Record<string, unknown>) : {};
    return {
      servers: names || groups ? new Set([...(names ?? []), ...inGroups]) : undefined,
      tools: Object.fromEntries(Object.entries(tools).map(([server, list]) => [server, strings(list) ?? []])),
    };
  }
}

function strings(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.length ? value.filter((item): item is string => typeof item === 'string') : undefined;
}

function intersect(a: Set<string>, b: Set<string>): Set<string> {
  return new Set([...a].filter((item) => b.has(item)));
}
