// Item 3: CPU per request of the core handler, per provider shape, streamed and not. The work runs in a
// fresh child process (bench/cpu-worker.ts) so nothing else in it competes or allocates; the fake
// upstreams run in their own processes.
import { spawn, type ChildProcess, type Serializable } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CpuCase, CpuJob, CpuResult } from './cpu-worker.ts';

/** Every provider shape Tollgate has a bench model for (see benchConfig). */
export const CPU_CASES: CpuCase[] = [false, true].flatMap((stream) => [
  { name: 'core only (mock provider, no upstream)', model: 'bench-mock', stream },
  { name: 'Responses API, core only (mock provider, no upstream)', model: 'bench-mock', stream, api: 'responses' as const },
  { name: 'OpenAI passthrough', model: 'bench-fast', stream },
  { name: 'Anthropic translation', model: 'bench-anthropic-fast', stream },
  { name: 'Gemini translation', model: 'bench-gemini-fast', stream },
  { name: 'Bedrock Converse translation (AWS SDK)', model: 'bench-bedrock-fast', stream },
]);

const script = (name: string) => fileURLToPath(new URL(name, import.meta.url));

/** Starts `node --import tsx <script>` with an IPC channel, stderr to a log, and waits for its first message. */
async function spawnWithReply<T>(name: string, logFile: string, env: Record<string, string> = {}, send?: Serializable): Promise<{ child: ChildProcess; reply: T }> {
  const log = openSync(logFile, 'w');
  const child = spawn(process.execPath, ['--import', 'tsx', script(name)], { stdio: ['ignore', 'ignore', log, 'ipc'], env: { ...process.env, ...env } });
  closeSync(log);
  if (send !== undefined) child.send(send);
  const [reply] = (await Promise.race([
    once(child, 'message'),
    once(child, 'exit').then(([code]) => {
      throw new Error(`${name} exited with ${code}; see ${logFile}`);
    }),
  ])) as [T];
  return { child, reply };
}

export async function measureCpu(workDir: string, upstreamUrl: string, latencyMs: number, requests: number, warmup: number): Promise<CpuResult[]> {
  const bedrock = await spawnWithReply<{ url: string }>('./fake-bedrock-upstream.ts', join(workDir, 'fake-bedrock.log'), { LATENCY_MS: String(latencyMs) });
  try {
    const job: CpuJob = { upstreamUrl, bedrockUrl: bedrock.reply.url, cases: CPU_CASES, warmup, requests };
    const worker = await spawnWithReply<{ results?: CpuResult[]; error?: string }>('./cpu-worker.ts', join(workDir, 'cpu-worker.log'), {}, job);
    if (worker.child.exitCode === null) await once(worker.child, 'exit');
    if (!worker.reply.results) throw new Error(worker.reply.error);
    return worker.reply.results;
  } finally {
    bedrock.child.disconnect();
    if (bedrock.child.exitCode === null) await once(bedrock.child, 'exit');
  }
}
