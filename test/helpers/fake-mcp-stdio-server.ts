// A fake MCP server on stdio, built with the official SDK, for the gateway to spawn (`transport: stdio`
// on the local server). `whoami` answers its process id, the environment variable the config gave it,
// and whether it can see a variable of the gateway's own environment (it should not).
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';

const server = new McpServer({ name: 'stdio-fake', version: '1.0.0' });
server.registerTool('whoami', { description: 'Who runs this server' }, async () => ({
  content: [{ type: 'text', text: JSON.stringify({ pid: process.pid, greeting: process.env['STDIO_GREETING'] ?? null, leaked: process.env['GATEWAY_ONLY_SECRET'] ?? null }) }],
}));
await server.connect(new StdioServerTransport());
