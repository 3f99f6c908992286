// Runs LiteLLM's own end-to-end test files (tests/test_*.py of BerriAI/litellm, which drive a proxy on
// 0.0.0.0:4000 over HTTP) against `npm start`: copies of them are kept by hand in the gitignored
// .litellm-e2e/tests/ (LiteLLM's code is never committed here, and this script fetches nothing). It
// starts a local stand-in for LiteLLM's fake OpenAI endpoint, writes .litellm-e2e/config.yaml: LiteLLM's
// own proxy_server_config.yaml (test/fixtures/litellm/, or a newer copy of it kept by hand in
// .litellm-e2e/proxy_server_config.yaml, for newer tests) with its api_bases pointed at the stand-in,
// starts the gateway on PORT (default 4000) with a fresh table and the file's variables set to fake
// values, runs pytest on the files, and stops everything. The tests import the `litellm` package, which
// cannot be installed here: scripts/litellm-stand-in/ lets them import it, and a test that uses its code
// fails with NeedsLiteLLM. Needs python3 with pytest, pytest-asyncio, aiohttp, openai, requests, fastapi
// and python-dotenv.
//   npx tsx scripts/litellm-e2e.ts [pytest arguments, e.g. tests/test_models.py -k group]
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startFakeLiteLLMEndpoint } from '../test/helpers/fake-litellm-endpoint.ts';
import { LITELLM_PROXY_CONFIG, litellmProxyConfig } from '../test/helpers/litellm-proxy-config.ts';

const root = resolve(import.meta.dirname, '..');
const dir = join(root, '.litellm-e2e');
if (!existsSync(join(dir, 'tests'))) {
  process.stderr.write(`No ${dir}/tests: put copies of LiteLLM's tests/test_*.py there (see README, "LiteLLM's own tests").\n`);
  process.exit(2);
}
const port = process.env['PORT'] ?? '4000';
// A newer copy of LiteLLM's proxy_server_config.yaml beside the tests (git-ignored too) goes with newer tests.
const newerConfig = join(dir, 'proxy_server_config.yaml');
const configSource = existsSync(newerConfig) ? newerConfig : LITELLM_PROXY_CONFIG;
process.stderr.write(`LiteLLM's config: ${configSource}\n`);
const fake = await startFakeLiteLLMEndpoint();
const { yaml, env: fakeEnv } = litellmProxyConfig(fake.url, configSource);
const config = join(dir, 'config.yaml');
writeFileSync(config, yaml);
const data = mkdtempSync(join(tmpdir(), 'tollgate-litellm-e2e-'));
// The embedded table is slow on a busy machine: a wider wait before shedding load keeps the run about the API, not the machine.
const env = { ...process.env, ...fakeEnv, GATEWAY_CONFIG: config, PORT: port, TOLLGATE_DATA_DIR: data, TOLLGATE_MAX_DB_WAIT_MS: '30000', AWS_EC2_METADATA_DISABLED: 'true' };
const server = spawn(process.execPath, ['--import', 'tsx', join(root, 'local/server.ts')], { cwd: root, env, stdio: ['ignore', 'ignore', 'inherit'] });
let code = 1;
try {
  await ready(`http://127.0.0.1:${port}/health/liveliness`, server);
  // LiteLLM's CI sets LITELLM_MASTER_KEY to its config's master key; some tests read it from there.
  const pytestEnv = { LITELLM_MASTER_KEY: 'sk-1234', ...process.env, PYTHONPATH: join(root, 'scripts/litellm-stand-in') };
  const args = ['-m', 'pytest', '-p', 'no:cacheprovider', '-rfE', '--continue-on-collection-errors', ...(process.argv.length > 2 ? process.argv.slice(2) : ['tests'])];
  const pytest = spawn('python3', args, { cwd: dir, stdio: 'inherit', env: pytestEnv });
  code = await new Promise<number>((done) => pytest.on('exit', (exit) => done(exit ?? 1)));
} finally {
  server.kill();
  await fake.close();
  rmSync(data, { recursive: true, force: true });
}
process.exit(code);

/** Waits (a minute at most) until the gateway answers. */
async function ready(url: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 120; i++) {
    if (child.exitCode !== null) throw new Error(`the gateway exited with ${child.exitCode}`);
    if (
      await fetch(url).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`the gateway did not answer ${url} within a minute`);
}
