// `mcp_servers:` as LiteLLM writes it: each auth_type's header, credentials from os.environ/, tool
// filters and costs, and stdio servers refused where the gateway cannot spawn them (a Lambda).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { deployedConfig } from '../../infra/deployed-config.ts';
import { offersTool, toolCost } from '../../shared/mcp/servers.ts';
import { testConfig } from '../helpers/gateway.ts';

const LITELLM_CONFIG = `
mcp_servers:
  deepwiki:
    url: "https://mcp.deepwiki.com/mcp"
    transport: "http"
    description: "Docs of public repositories"
  github:
    url: "https://api.githubcopilot.com/mcp"
    auth_type: "bearer_token"
    auth_value: "os.environ/GITHUB_TOKEN"
    allowed_tools: ["list_issues", "get_issue"]
    mcp_info:
      mcp_server_cost_info:
        default_cost_per_query: 0.01
        tool_name_to_cost_per_query: { get_issue: 0.05 }
  keyed:
    url: "https://keyed.example.com/sse"
    transport: "sse"
    auth_type: "api_key"
    auth_value: "os.environ/KEYED_KEY"
    disallowed_tools: ["delete_everything"]
  basic_one:
    url: "https://basic.example.com/mcp"
    auth_type: "basic"
    auth_value: "user:pass"
  raw_one:
    url: "https://raw.example.com/mcp"
    auth_type: "authorization"
    auth_value: "Token abc"
  local_files:
    transport: "stdio"
    command: "npx"
    args: ["-y", "@modelcontextprotocol/server-filesystem", "/tmp"]
`;
const ENV = { GITHUB_TOKEN: 'ghp-secret-1', KEYED_KEY: 'key-secret-2' };

describe('mcp_servers', () => {
  const config = testConfig(LITELLM_CONFIG, ENV);
  const server = (name: string) => config.mcpServers.find((s) => s.name === name)!;

  it('loads LiteLLM config unchanged, with no ignored keys', () => {
    expect(config.mcpServers.map((s) => s.name)).toEqual(['deepwiki', 'github', 'keyed', 'basic_one', 'raw_one', 'local_files']);
    expect(config.ignoredKeys).toEqual([]);
    expect(server('deepwiki')).toMatchObject({ transport: 'http', url: 'https://mcp.deepwiki.com/mcp', description: 'Docs of public repositories', headers: {} });
    expect(server('keyed').transport).toBe('sse');
    expect(server('local_files')).toMatchObject({ transport: 'stdio', process: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-filesystem', '/tmp'] } });
  });

  it('sends each auth_type as LiteLLM does, credentials from os.environ/', () => {
    expect(server('github').headers).toEqual({ authorization: 'Bearer ghp-secret-1' });
    expect(server('keyed').headers).toEqual({ 'x-api-key': 'key-secret-2' });
    expect(server('basic_one').headers).toEqual({ authorization: `Basic ${Buffer.from('user:pass').toString('base64')}` });
    expect(server('raw_one').headers).toEqual({ authorization: 'Token abc' });
  });

  it('offers only the allowed tools, never the disallowed ones, at their configured cost', () => {
    expect(offersTool(server('github'), 'get_issue')).toBe(true);
    expect(offersTool(server('github'), 'create_issue')).toBe(false);
    expect(offersTool(server('keyed'), 'delete_everything')).toBe(false);
    expect(offersTool(server('keyed'), 'search')).toBe(true);
    expect(toolCost(server('github'), 'get_issue')).toBe(0.05);
    expect(toolCost(server('github'), 'list_issues')).toBe(0.01);
    expect(toolCost(server('deepwiki'), 'ask')).toBe(0);
  });

  it('fails at start naming what is missing', () => {
    expect(() => testConfig(LITELLM_CONFIG, { KEYED_KEY: 'x' })).toThrow(/mcp_servers\.github\.auth_value: environment variable GITHUB_TOKEN is not set/);
    expect(() => testConfig('mcp_servers:\n  broken:\n    transport: http\n')).toThrow(/mcp_servers\.broken\.url: an http server needs its url/);
    expect(() => testConfig('mcp_servers:\n  "bad name!":\n    url: https://x.example.com/mcp\n')).toThrow(/MCP server names are 1-64 letters/);
    expect(() => testConfig('mcp_servers:\n  a:\n    url: https://x.example.com/mcp\n    auth_type: oauth3\n')).toThrow(/auth_type: must be one of none, bearer_token/);
  });
});

describe('stdio servers in AWS', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-mcp-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('fail the synth with a message saying why and what to do instead', () => {
    const path = join(dir, 'config.yaml');
    writeFileSync(path, `general_settings: { master_key: os.environ/TOLLGATE_MASTER_KEY }\n${LITELLM_CONFIG}`);
    expect(() => deployedConfig(path)).toThrow(/mcp_servers local_files use the stdio transport.*a Lambda has none to spawn\. Run the server behind Streamable HTTP/);
    writeFileSync(path, `general_settings: { master_key: os.environ/TOLLGATE_MASTER_KEY }\nmcp_servers:\n  deepwiki: { url: "https://mcp.deepwiki.com/mcp" }\n`);
    expect(() => deployedConfig(path)).not.toThrow();
  });
});
