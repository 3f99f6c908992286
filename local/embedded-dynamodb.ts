// The embedded DynamoDB-API server (dynalite) for `npm start` and the tests: in-process on 127.0.0.1,
// on disk under `path` (so keys survive a restart) or in memory without it. Never part of a Lambda bundle.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import dynalite from 'dynalite';

export interface EmbeddedDynamo {
  endpoint: string;
  close(): Promise<void>;
}

/** How long a start waits for another process to let go of the data folder (a restart in progress). */
const LOCK_WAIT_MS = 3000;

export async function startEmbeddedDynamo(options: { path?: string } = {}): Promise<EmbeddedDynamo> {
  const unlock = options.path ? await lockDataDir(options.path) : () => {};
  const server = dynalite({ path: options.path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          unlock();
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}

/**
 * One process per data folder: LevelDB admits no second one, and dynalite would crash on its first
 * request instead of saying so. A lock left by a process that died is taken over.
 */
async function lockDataDir(path: string): Promise<() => void> {
  mkdirSync(path, { recursive: true });
  const lockFile = join(path, 'tollgate.lock');
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
      return () => rmSync(lockFile, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number(readFileSync(lockFile, 'utf8'));
    if (!isRunning(holder)) {
      rmSync(lockFile, { force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new Error(`${path} is in use by another Tollgate (pid ${holder}). Stop it, or set TOLLGATE_DATA_DIR to another folder.`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function isRunning(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
