// The gateway's upstream HTTP client alone (shared/http/upstream.ts): CPU per request and requests per
// second for whole JSON answers, one at a time and 20 at once, against the bench's fake upstream in its
// own process (no latency), so that only the client's work is counted. Run it in two checkouts in turn
// to compare two clients: `npx tsx bench/upstream-client.ts` (ROUNDS, 3 by default).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { callUpstream, readJson, type UpstreamRequest } from '../shared/http/upstream.ts';
import { GatewayError } from '../shared/core/errors.ts';

const BODY = JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  return port;
}

async function waitForServer(url: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(url, { method: 'POST', body: BODY });
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  throw new Error(`the fake upstream did not start at ${url}`);
}

async function oneCall(url: string): Promise<void> {
  const upstream: UpstreamRequest = {
    url,
    headers: { 'content-type': 'application/json', authorization: 'Bearer bench' },
    body: BODY,
    signal: new AbortController().signal,
    stream: false,
    timeoutMs: 10_000,
    maxResponseBytes: 1 << 20,
    provider: 'openai',
  };
  const response = await callUpstream(upstream, (status) => new GatewayError('upstream_error', `status ${status}`));
  await readJson(response, upstream);
}

async function measure(url: string, requests: number, concurrency: number): Promise<{ rps: number; cpuUsPerRequest: number }> {
  let left = requests;
  const worker = async () => {
    while (left-- > 0) await oneCall(url);
  };
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsedMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  return { rps: Math.round((requests / elapsedMs) * 1000), cpuUsPerRequest: Math.round((cpu.user + cpu.system) / requests) };
}

const port = await freePort();
const fake = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./fake-upstream.ts', import.meta.url))], {
  env: { ...process.env, PORT: String(port), LATENCY_MS: '0' },
  stdio: 'ignore',
});
try {
  const url = `http://127.0.0.1:${port}/fast/v1/chat/completions`;
  await waitForServer(url);
  await measure(url, 1000, 10);
  for (let round = 1; round <= Number(process.env['ROUNDS'] ?? 3); round++) {
    const one = await measure(url, 2000, 1);
    const twenty = await measure(url, 6000, 20);
    console.log(`round ${round}: c=1 ${one.rps} req/s, ${one.cpuUsPerRequest} µs CPU/request; c=20 ${twenty.rps} req/s, ${twenty.cpuUsPerRequest} µs CPU/request`);
  }
} finally {
  fake.kill();
}
