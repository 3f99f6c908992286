// Runs the installed Claude Code CLI the way a user scripts it (`claude -p <prompt> --output-format
// json`), pointed at the gateway through its documented variables, with a throwaway HOME and an
// environment built from nothing, so no key or setting of the machine it runs on leaks in.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { CLIENTS_DIR } from '../install.ts';

export const CLAUDE_BIN = join(CLIENTS_DIR, 'node_modules', '.bin', 'claude');

/** The fields of the `--output-format json` result the tests read. */
export interface ClaudeResult {
  type: string;
  subtype: string;
  is_error: boolean;
  result: string;
  num_turns: number;
  api_error_status: number | null;
}

export interface ClaudeRun {
  gatewayUrl: string;
  key: string;
  model: string;
  smallModel: string;
  /** The working directory, where the CLI's file tools look. */
  cwd: string;
  /** An empty directory that stands in for the user's home (where the CLI keeps its settings). */
  home: string;
  /** Every other destination goes to this proxy, which refuses it. */
  egressProxy: string;
  prompt: string;
  /** Further variables, over the ones above (another way to reach the gateway: CLAUDE_CODE_USE_VERTEX, ...). */
  env?: Record<string, string>;
}

export function runClaudeCode(run: ClaudeRun): Promise<{ result: ClaudeResult; stdout: string; stderr: string }> {
  const env = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: run.home,
    ANTHROPIC_BASE_URL: run.gatewayUrl,
    ANTHROPIC_AUTH_TOKEN: run.key,
    ANTHROPIC_MODEL: run.model,
    ANTHROPIC_DEFAULT_HAIKU_MODEL: run.smallModel,
    ANTHROPIC_SMALL_FAST_MODEL: run.smallModel,
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_TELEMETRY: '1',
    DISABLE_AUTOUPDATER: '1',
    HTTPS_PROXY: run.egressProxy,
    HTTP_PROXY: run.egressProxy,
    NO_PROXY: '127.0.0.1,localhost',
    ...run.env,
  };
  return new Promise((resolve, reject) => {
    const child = execFile(CLAUDE_BIN, ['-p', run.prompt, '--output-format', 'json'], { cwd: run.cwd, env, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      try {
        // An API failure still prints the JSON result (with is_error) and exits non-zero: the test reads it.
        resolve({ result: JSON.parse(stdout) as ClaudeResult, stdout, stderr });
      } catch {
        reject(new Error(`claude -p printed no JSON result (${error?.message ?? 'exit 0'})\nstdout: ${stdout}\nstderr: ${stderr}`));
      }
    });
    // The prompt is an argument: stdin is closed so the CLI does not wait for more of it.
    child.stdin?.end();
  });
}
