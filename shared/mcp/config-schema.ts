// LiteLLM's `mcp_servers:` config section as Tollgate reads it: one entry per upstream MCP server, named
// by its key (the name in `/mcp/{server}` and the prefix of its tools on `/mcp`). Credentials come
// through `os.environ/` like every other value; a bad entry fails the config at start (and `npm run synth`).
import * as z from 'zod';

export const MCP_TRANSPORTS = ['http', 'sse', 'stdio'] as const;
export const MCP_AUTH_TYPES = ['none', 'bearer_token', 'api_key', 'basic', 'authorization'] as const;

const usd = z.number().min(0);

const serverEntry = z.looseObject({
  url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL (from an os.environ/ variable: one that is set)' }).optional(),
  transport: z.enum(MCP_TRANSPORTS, { error: `must be one of ${MCP_TRANSPORTS.join(', ')}` }).optional(),
  auth_type: z.enum(MCP_AUTH_TYPES, { error: `must be one of ${MCP_AUTH_TYPES.join(', ')}` }).optional(),
  /** The credential `auth_type` sends (basic: `username:password`). */
  auth_value: z.string().min(1).optional(),
  description: z.string().optional(),
  allowed_tools: z.array(z.string().min(1)).optional(),
  disallowed_tools: z.array(z.string().min(1)).optional(),
  /** `mcp_access_groups` of keys and teams name these. */
  access_groups: z.array(z.string().min(1)).optional(),
  /** Every key may use the server, granted or not. */
  allow_all_keys: z.boolean().optional(),
  /** Headers sent upstream on every request. */
  static_headers: z.record(z.string(), z.string()).optional(),
  mcp_info: z
    .looseObject({
      server_name: z.string().optional(),
      description: z.string().optional(),
      mcp_server_cost_info: z
        .looseObject({
          default_cost_per_query: usd.optional(),
          tool_name_to_cost_per_query: z.record(z.string(), usd).optional(),
        })
        .optional(),
    })
    .optional(),
  command: z.string().min(1).optional(),
  args: z.array(z.string()).optional(),
  env: z.record(z.string(), z.string()).optional(),
});

export const mcpServersSchema = z.record(z.string(), serverEntry);

export type RawMcpServers = z.infer<typeof mcpServersSchema>;
