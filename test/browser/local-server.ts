// `npm start`'s server (local/server.ts, embedded dynalite) as a process for the browser tests, on a
// free port with its own config and data folder.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serverEnv } from '../helpers/server-env.ts';

export interface LocalServer {
  url: string;
  close(): Promise<void>;
}

export async function startLocalServer(configYaml: string, env: Record<string, string> = {}): Promise<LocalServer> {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-ui-'));
  const configPath = join(dir, 'config.yaml');
  writeFileSync(configPath, configYaml);
  const server: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'local/server.ts'], {
    env: serverEnv({ PORT: '0', GATEWAY_CONFIG: configPath, TOLLGATE_DATA_DIR: join(dir, 'data'), ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (data: Buffer) => {
      output += data.toString();
      const found = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
      if (found) resolve(found);
    };
    server.stdout!.on('data', onData);
    server.stderr!.on('data', onData);
    server.once('exit', (code) => reject(new Error(`local server exited with ${code}: ${output}`)));
  });
  return {
    url,
    close: async () => {
      if (server.exitCode === null) {
        const exited = new Promise((resolve) => server.once('exit', resolve));
        server.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
