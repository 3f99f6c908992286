// Server processes of a benchmark run (fake upstream, Tollgate, Portkey, ...): each on its own loopback
// port, its output in a log file, stopped by pid when the run ends, whatever happens.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { request } from 'undici';

export interface Child {
  pid: number;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
// Whatever ends the run (an error, Ctrl-C), no child outlives it.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});
process.once('SIGINT', () => process.exit(130));

/** A port nobody listens on right now, for a child to take. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

export interface ChildOptions {
  name: string;
  args: string[];
  env?: Record<string, string>;
  logFile: string;
  /** Polled until it answers (any status): the child is then ready. */
  readyUrl: string;
  /** How long `stop()` waits after SIGTERM before SIGKILL (default 2 s; a profiled process writes its profile then). */
  stopGraceMs?: number;
}

/** Starts `node <args>` (the same Node as this process) and waits until it answers on readyUrl. */
export async function startChild(options: ChildOptions): Promise<Child> {
  const log = openSync(options.logFile, 'w');
  const child = spawn(process.execPath, options.args, {
    stdio: ['ignore', log, log],
    env: { ...process.env, ...options.env },
  });
  closeSync(log);
  running.add(child);
  const exited = once(child, 'exit').then(() => void running.delete(child));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), options.stopGraceMs ?? 2000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await waitUntilAnswering(options, child);
  } catch (error) {
    await stop();
    throw error;
  }
  return { pid: child.pid!, stop };
}

async function waitUntilAnswering(options: ChildOptions, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${options.name} exited with ${child.exitCode} before answering; see ${options.logFile}`);
    try {
      const { body } = await request(options.readyUrl, { headersTimeout: 2000, bodyTimeout: 2000 });
      await body.dump();
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`${options.name} did not answer ${options.readyUrl} within 60 s; see ${options.logFile}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** CPU seconds (user + system) a process has used so far; undefined where /proc is not there (not Linux). */
export function cpuSeconds(pid: number): number | undefined {
  try {
    // Fields after the command name: state is the first, utime and stime the 12th and 13th, in clock ticks.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** USER_HZ: 100 on every Linux Node runs on. */
const CLOCK_TICKS_PER_SECOND = 100;
