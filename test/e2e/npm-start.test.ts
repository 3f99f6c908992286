// What a newcomer does: `npm start` with the default config, then the README's curl.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { serverEnv } from '../helpers/server-env.ts';

let child: ChildProcess | undefined;
afterEach(() => {
  // npm does not pass signals on to the server it started: end the whole process group.
  if (child?.pid) process.kill(-child.pid, 'SIGTERM');
  child = undefined;
});

/** Starts `npm start` on a free port and resolves with its URL and what it printed so far. */
function npmStart(env: Record<string, string>): Promise<{ url: string; output: () => string }> {
  let output = '';
  // Each start gets its own key store, away from the developer's .tollgate/.
  const dataDir = mkdtempSync(join(tmpdir(), 'tollgate-npm-start-'));
  child = spawn('npm', ['start', '--silent'], { env: serverEnv({ PORT: '0', TOLLGATE_DATA_DIR: dataDir, ...env }), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  return new Promise((resolve, reject) => {
    const onData = (data: Buffer) => {
      output += data.toString();
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
      if (url) resolve({ url, output: () => output });
    };
    child!.stdout!.on('data', onData);
    child!.stderr!.on('data', onData);
    child!.on('exit', (code) => reject(new Error(`npm start exited with ${code}: ${output}`)));
  });
}

/** The curl command of the README, run as it is written there (with this test's port). */
function readmeCurl(): { path: string; headers: Record<string, string>; body: string } {
  const readme = readFileSync('README.md', 'utf8');
  const command = /```sh\n(curl http:\/\/127\.0\.0\.1:4000[\s\S]*?)```/.exec(readme)![1]!;
  const path = /curl http:\/\/127\.0\.0\.1:4000(\S+)/.exec(command)![1]!;
  const headers = Object.fromEntries([...command.matchAll(/-H "([^:]+): ([^"]+)"/g)].map((m) => [m[1]!.toLowerCase(), m[2]!]));
  const body = /-d '([^']+)'/.exec(command)![1]!;
  return { path, headers, body };
}

describe('npm start', () => {
  it("serves the default config, and the README's curl gets an answer from the mock provider", async () => {
    const { url } = await npmStart({});
    const curl = readmeCurl();
    const response = await fetch(`${url}${curl.path}`, { method: 'POST', headers: curl.headers, body: curl.body });
    expect(response.status).toBe(200);
    const completion = (await response.json()) as any;
    expect(completion.choices[0].message.content).toContain("Tollgate's mock provider");
    // The routes also answer without the /v1 prefix, as LiteLLM's do.
    const models = await fetch(`${url}/models`, { headers: curl.headers });
    expect(((await models.json()) as any).data.map((m: { id: string }) => m.id)).toContain('mock');
    const bare = await fetch(`${url}/chat/completions`, { method: 'POST', headers: curl.headers, body: curl.body });
    expect(bare.status).toBe(200);
    // MCP's older SSE transport is served here: this process holds the stream.
    const sse = await fetch(`${url}/mcp/sse`, { headers: curl.headers });
    expect(sse.status).toBe(200);
    const reader = sse.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toMatch(/^event: endpoint\ndata: \/mcp\/sse\/messages\?sessionId=/);
    await reader.cancel();
  });

  it('says loudly that a config without a master key leaves the gateway open', async () => {
    const { url, output } = await npmStart({ GATEWAY_CONFIG: 'test/fixtures/config/no-master-key.yaml' });
    const response = await fetch(`${url}/v1/models`);
    expect(response.status).toBe(200);
    expect(output()).toContain('NO MASTER KEY');
  });
});
