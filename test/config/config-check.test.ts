// `npx tollgate config check FILE`, run as a user runs it: what a LiteLLM config serves, what it
// disables and why, and every key Tollgate does not act on; exit 1 with the problems of a file that
// does not load.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { checkConfig } from '../../local/cli/config-check.ts';

const CLI = fileURLToPath(new URL('../../local/cli/tollgate.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'tollgate-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function check(yaml: string, env: Record<string, string>): Promise<{ code: number; out: string }> {
  const path = join(dir, `config-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(path, yaml);
  const { OPENAI_API_KEY: _unset, ...inherited } = process.env;
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, 'config', 'check', path], { env: { ...inherited, ...env } }, (error, out) => resolve({ code: error ? (error.code as number) : 0, out }));
  });
}

it('says what is served, what is disabled and why, and which keys are not acted on', async () => {
  const { code, out } = await check(
    `
model_list:
  - model_name: gpt-4o
    litellm_params: { model: openai/gpt-4o, api_key: os.environ/CHECK_OPENAI_KEY }
  - model_name: claude
    litellm_params: { model: anthropic/claude-sonnet-4-5, api_key: os.environ/CHECK_UNSET_KEY }
  - model_name: "openai/*"
    litellm_params: { model: "openai/*", api_key: os.environ/CHECK_OPENAI_KEY, max_parallel_requests: 3 }
  - model_name: azure-gpt
    litellm_params: { model: azure/my-deployment, api_base: "https://example.openai.azure.com", api_key: os.environ/CHECK_OPENAI_KEY, api_version: "2024-10-21" }
  - model_name: azure-priced
    litellm_params: { model: azure/my-other-deployment, api_base: "https://example.openai.azure.com", api_key: os.environ/CHECK_OPENAI_KEY, api_version: "2024-10-21" }
    model_info: { base_model: azure/gpt-4o }
router_settings: { redis_host: localhost, model_group_alias: { gpt-4: gpt-4o }, enable_tag_filtering: true }
litellm_settings: { force_ipv4: true }
`,
    { CHECK_OPENAI_KEY: 'sk-check' },
  );
  expect(code).toBe(0);
  expect(out).toContain('gpt-4o → openai/gpt-4o');
  expect(out).toContain('openai/* → openai/* (wildcard)');
  expect(out).toContain('gpt-4 → gpt-4o (model_group_alias)');
  expect(out).toContain('Disabled (1):\n  claude: environment variable CHECK_UNSET_KEY is not set');
  // An Azure deployment's name is not a model the price table knows: named, unless its base_model says which model it is.
  expect(out).toMatch(/Unpriced \(1\): [^\n]*base_model[^\n]*\n {2}azure-gpt → azure\/my-deployment\n\n/);
  expect(out).toContain('Not acted on (3):\n  router_settings.redis_host\n  litellm_settings.force_ipv4\n  model_list[2].litellm_params.max_parallel_requests\n');
  // Supported keys are not listed, and no credential is printed.
  expect(out).not.toContain('enable_tag_filtering');
  expect(out).not.toContain('sk-check');
});

it('fails with the problems of a file that does not load', () => {
  const path = join(dir, 'broken.yaml');
  writeFileSync(path, 'model_list:\n  - model_name: m\n    litellm_params: { model: nope/x }\nrouter_settings: { fallbacks: [{ m: [gone] }] }\n');
  const { ok, text } = checkConfig(path, () => undefined);
  expect(ok).toBe(false);
  expect(text).toContain('does not load');
  expect(text).toContain('unknown provider "nope"');
  expect(text).toContain('"gone" is not a model_name');
});
