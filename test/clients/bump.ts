// `npm run clients:bump`: moves every pinned client in test/clients/package.json (npm dependencies and
// the "python" pins) to its latest release, reinstalls, and runs the client suite, so a client release
// that breaks something is seen the day it is tried. Commit package.json and package-lock.json with
// the README's "tested with" versions once the suite is green.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CLIENTS_DIR, ensureClients, PINS_FILE, run } from './install.ts';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

function latestNpm(name: string): string {
  return execFileSync('npm', ['view', `${name}@latest`, 'version'], { cwd: CLIENTS_DIR, encoding: 'utf8' }).trim();
}

/** What pip would install for an unpinned requirement, read from its dry-run report. */
function latestPython(name: string): string {
  const report = execFileSync('python3', ['-m', 'pip', 'install', '--dry-run', '--no-deps', '--ignore-installed', '--quiet', '--retries', '0', '--report', '-', name], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return (JSON.parse(report) as { install: Array<{ metadata: { version: string } }> }).install[0]!.metadata.version;
}

const pins = JSON.parse(readFileSync(PINS_FILE, 'utf8')) as { dependencies: Record<string, string>; python: Record<string, string> };
const changes: string[] = [];
for (const [section, latest] of [
  ['dependencies', latestNpm],
  ['python', latestPython],
] as const) {
  for (const [name, pinned] of Object.entries(pins[section])) {
    const version = latest(name);
    if (version !== pinned) changes.push(`${name} ${pinned} -> ${version}`);
    pins[section][name] = version;
  }
}
writeFileSync(PINS_FILE, `${JSON.stringify(pins, null, 2)}\n`);
console.log(changes.length ? `client suite: ${changes.join(', ')}` : 'client suite: every client is at its latest release');
// Rewrites the lock file for the new pins; the install below then lays them out as CI will.
run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], CLIENTS_DIR);
ensureClients();
const suite = spawnSync('npx', ['vitest', 'run', '--project', 'clients'], { cwd: REPO, stdio: 'inherit' });
process.exit(suite.status ?? 1);
