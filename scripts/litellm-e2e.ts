// Runs LiteLLM's own end-to-end test files (tests/test_*.py of BerriAI/litellm, which drive a proxy on
// 0.0.0.0:4000 over HTTP) against `npm start`: copies of them are kept by hand in the gitignored
// .litellm-e2e/tests/ (LiteLLM's code is never committed here, and this script fetches nothing). It
// starts a fake OpenAI on 127.0.0.1, writes .litellm-e2e/config.yaml pointing LiteLLM's model names at
// it, starts the gateway on PORT (default 4000) with a fresh table, runs pytest on the files, and stops
// everything. Needs python3 with pytest, pytest-asyncio, aiohttp, openai and python-dotenv.
//   npx tsx scripts/litellm-e2e.ts [pytest arguments, e.g. tests/test_models.py -k group]
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startFakeOpenAI } from '../test/helpers/fake-openai.ts';

const root = resolve(import.meta.dirname, '..');
const dir = join(root, '.litellm-e2e');
if (!existsSync(join(dir, 'tests'))) {
  process.stderr.write(`No ${dir}/tests: put copies of LiteLLM's tests/test_*.py there (see README, "LiteLLM's own tests").\n`);
  process.exit(2);
}
const port = process.env['PORT'] ?? '4000';
const upstreamKey = 'sk-fake-upstream';
const model = { maxOutputTokens: 16384, reasoning: false };
const fake = await startFakeOpenAI({ apiKey: upstreamKey, models: { 'gpt-4o': model, 'gpt-4o-mini': model, 'gpt-4.1-nano': model } });
const config = join(dir, 'config.yaml');
writeFileSync(
  config,
  `model_list:
  - model_name: gpt-4
    litellm_params: { model: openai/gpt-4o, api_base: "${fake.url}/v1", api_key: ${upstreamKey} }
  - model_name: gpt-3.5-turbo
    litellm_params: { model: openai/gpt-4o-mini, api_base: "${fake.url}/v1", api_key: ${upstreamKey} }
  - model_name: "anthropic/*"
    litellm_params: { model: "anthropic/*", api_key: sk-fake-anthropic }
general_settings: { master_key: sk-1234 }
`,
);
const data = mkdtempSync(join(tmpdir(), 'tollgate-litellm-e2e-'));
const env = { ...process.env, GATEWAY_CONFIG: config, PORT: port, TOLLGATE_DATA_DIR: data, OPENAI_API_KEY: upstreamKey, AWS_EC2_METADATA_DISABLED: 'true' };
const server = spawn(process.execPath, ['--import', 'tsx', join(root, 'local/server.ts')], { cwd: root, env, stdio: ['ignore', 'ignore', 'inherit'] });
let code = 1;
try {
  await ready(`http://127.0.0.1:${port}/health/liveliness`, server);
  const pytest = spawn('python3', ['-m', 'pytest', '-p', 'no:cacheprovider', ...(process.argv.length > 2 ? process.argv.slice(2) : ['tests'])], { cwd: dir, stdio: 'inherit' });
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
