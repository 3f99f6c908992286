// Runs the installed Codex CLI the way a user scripts it (`codex exec --json <prompt>`), with the
// gateway as a custom model provider in its config.toml (`wire_api = "responses"`, the key from an
// environment variable), a throwaway CODEX_HOME and HOME, and an environment built from nothing, so no
// key or setting of the machine it runs on leaks in.
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLIENTS_DIR } from '../install.ts';

export const CODEX_BIN = join(CLIENTS_DIR, 'node_modules', '.bin', 'codex');

/** One line of `--json` output: thread, turn and item events. */
export interface CodexEvent {
  type: string;
  item?: { type: string; text?: string; command?: string; aggregated_output?: string; exit_code?: number | null; message?: string };
  error?: { message: string };
}

export interface CodexRun {
  gatewayUrl: string;
  key: string;
  model: string;
  /** The working directory, where its shell tool runs. */
  cwd: string;
  /** An empty directory that stands in for the user's home; CODEX_HOME is `<home>/.codex`. */
  home: string;
  /** Every other destination goes to this proxy, which refuses it. */
  egressProxy: string;
  prompt: string;
}

/**
 * The config a user writes to use another provider: the gateway's /v1 as base URL, the Responses API.
 * Web search is off: it is a tool only OpenAI's own API runs, which a model bridged through chat
 * refuses. Plugins are off, as for any API-key run: their catalogue sync calls github.com and
 * chatgpt.com at start.
 */
function config(run: CodexRun): string {
  return `model = "${run.model}"
model_provider = "tollgate"
web_search = "disabled"
check_for_update_on_startup = false

[analytics]
enabled = false

[features]
plugins = false

[model_providers.tollgate]
name = "Tollgate"
base_url = "${run.gatewayUrl}/v1"
env_key = "TOLLGATE_API_KEY"
wire_api = "responses"
`;
}

export function runCodex(run: CodexRun): Promise<{ events: CodexEvent[]; code: number; stderr: string }> {
  const codexHome = join(run.home, '.codex');
  mkdirSync(codexHome, { recursive: true });
  writeFileSync(join(codexHome, 'config.toml'), config(run));
  const env = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: run.home,
    CODEX_HOME: codexHome,
    TOLLGATE_API_KEY: run.key,
    HTTPS_PROXY: run.egressProxy,
    HTTP_PROXY: run.egressProxy,
    NO_PROXY: '127.0.0.1,localhost',
  };
  return new Promise((resolve) => {
    const child = execFile(CODEX_BIN, ['exec', '--skip-git-repo-check', '--json', run.prompt], { cwd: run.cwd, env, timeout: 90_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const events = stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as CodexEvent);
      resolve({ events, code: error ? Number(error.code ?? 1) : 0, stderr });
    });
    // The prompt is an argument: stdin is closed so the CLI does not wait for more of it.
    child.stdin?.end();
  });
}
