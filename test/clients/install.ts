// `npm run clients:install` (also the client suite's vitest globalSetup): installs the pinned client
// releases the compatibility suite drives. The pins live in one file, test/clients/package.json:
// npm packages as its dependencies (locked by the package-lock.json beside it), Python packages under
// its "python" key. npm's and pip's own caches make a reinstall cheap; a stamp of the pins makes an
// unchanged install a no-op, so this runs once per clone and once per change of the pins.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CLIENTS_DIR = fileURLToPath(new URL('.', import.meta.url));
export const PINS_FILE = join(CLIENTS_DIR, 'package.json');
const LOCK_FILE = join(CLIENTS_DIR, 'package-lock.json');
const NODE_MODULES = join(CLIENTS_DIR, 'node_modules');
export const VENV = join(CLIENTS_DIR, '.venv');
export const VENV_PYTHON = join(VENV, 'bin', 'python');
const STAMP = '.tollgate-pins';

export interface Pins {
  dependencies: Record<string, string>;
  python: Record<string, string>;
}

export function readPins(): Pins {
  return JSON.parse(readFileSync(PINS_FILE, 'utf8')) as Pins;
}

/** Installs what is missing or out of date; prints what it does, silent when nothing is. */
export function ensureClients(): void {
  const pins = readPins();
  const npmStamp = digest(readFileSync(PINS_FILE, 'utf8'), readFileSync(LOCK_FILE, 'utf8'));
  if (stampOf(NODE_MODULES) !== npmStamp) {
    console.log('client suite: installing the pinned npm clients (test/clients/package-lock.json)');
    run('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], CLIENTS_DIR);
    writeFileSync(join(NODE_MODULES, STAMP), npmStamp);
  }
  const pythonStamp = digest(JSON.stringify(pins.python));
  if (stampOf(VENV) !== pythonStamp) {
    const requirements = Object.entries(pins.python).map(([name, version]) => `${name}==${version}`);
    console.log(`client suite: installing ${requirements.join(' ')} into test/clients/.venv`);
    run('python3', ['-m', 'venv', '--clear', VENV], CLIENTS_DIR);
    // One try per index: an index this machine cannot reach fails at once instead of after retries.
    run(VENV_PYTHON, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--retries', '0', ...requirements], CLIENTS_DIR);
    writeFileSync(join(VENV, STAMP), pythonStamp);
  }
}

function stampOf(dir: string): string | undefined {
  const file = join(dir, STAMP);
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

function digest(...parts: string[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\0');
  return hash.digest('hex');
}

export function run(command: string, args: string[], cwd: string): void {
  execFileSync(command, args, { cwd, stdio: 'inherit' });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) ensureClients();
