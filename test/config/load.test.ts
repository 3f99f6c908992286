import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gatewayConfig } from '../../shared/app.ts';
import { parseConfigYaml, readConfigYaml } from '../../shared/config/yaml.ts';
import { ConfigError } from '../../shared/config/types.ts';
import { defaultProviders } from '../../shared/providers/registry.ts';

const providers = defaultProviders();
const load = (yaml: string, env: Record<string, string> = {}) => gatewayConfig(parseConfigYaml(yaml, 'my.yaml'), 'my.yaml', (n) => env[n], providers);
const problemsOf = (yaml: string, env: Record<string, string> = {}) => {
  try {
    load(yaml, env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error('expected a ConfigError');
};

describe('LiteLLM config.yaml', () => {
  it('reads a LiteLLM file unchanged, resolving os.environ/ values', () => {
    const config = load(
      `
model_list:
  - model_name: gpt-4o
    litellm_params:
      model: azure/my-deployment
      api_base: os.environ/AZURE_API_BASE
      api_key: os.environ/AZURE_API_KEY
      api_version: "2024-10-21"
      timeout: 30
      stream_timeout: 10
      rpm: 600
      tpm: 90000
      weight: 2
      extra_headers: { x-team: search }
    model_info: { id: dep-1, mode: chat }
general_settings:
  master_key: os.environ/LITELLM_MASTER_KEY
litellm_settings:
  drop_params: true
`,
      { AZURE_API_BASE: 'https://res.openai.azure.com', AZURE_API_KEY: 'azure-key-123', LITELLM_MASTER_KEY: 'sk-master' },
    );
    expect(config.masterKey).toBe('sk-master');
    expect(config.dropParams).toBe(true);
    expect(config.warnings).toEqual([]);
    expect(config.deployments[0]).toMatchObject({
      id: 'dep-1',
      modelName: 'gpt-4o',
      provider: 'azure',
      upstreamModel: 'my-deployment',
      apiBase: 'https://res.openai.azure.com',
      apiKey: 'azure-key-123',
      apiVersion: '2024-10-21',
      timeoutMs: 30_000,
      streamTimeoutMs: 10_000,
      rpm: 600,
      tpm: 90000,
      weight: 2,
      extraHeaders: { 'x-team': 'search' },
    });
  });

  it('disables a deployment whose variable is unset, with one warning, and keeps the rest', () => {
    const config = load(`
model_list:
  - model_name: gpt-4o
    litellm_params: { model: openai/gpt-4o, api_key: os.environ/OPENAI_API_KEY }
  - model_name: mock
    litellm_params: { model: mock/x }
`);
    expect(config.deployments.map((d) => d.modelName)).toEqual(['mock']);
    expect(config.disabled).toEqual([{ modelName: 'gpt-4o', reason: 'environment variable OPENAI_API_KEY is not set' }]);
    expect(config.warnings).toHaveLength(1);
    expect(config.warnings[0]).toContain('"gpt-4o"');
  });

  it("falls back to the provider's own key variable, as LiteLLM does", () => {
    const config = load(
      `
model_list:
  - model_name: llama
    litellm_params: { model: groq/llama-3.3-70b-versatile }
`,
      { GROQ_API_KEY: 'gsk-abc' },
    );
    expect(config.deployments[0]!.apiKey).toBe('gsk-abc');
    const without = load(`
model_list:
  - model_name: llama
    litellm_params: { model: groq/llama-3.3-70b-versatile }
`);
    expect(without.disabled[0]!.reason).toContain('GROQ_API_KEY');
  });

  it('warns once, naming every key it does not support yet', () => {
    const config = load(`
model_list:
  - model_name: m
    litellm_params: { model: mock/x, max_retries: 3, max_parallel_requests: 4 }
router_settings: { num_retries: 2, redis_host: localhost, routing_strategy: provider-budget-routing, retry_after: 5, retry_policy: { BadRequestErrorRetries: 1 } }
litellm_settings: { force_ipv4: true }
guardrails: []
`);
    expect(config.warnings).toHaveLength(2);
    for (const key of ['router_settings.redis_host', 'router_settings.retry_after', 'litellm_settings.force_ipv4', 'model_list[0].litellm_params.max_parallel_requests']) {
      expect(config.warnings[0]).toContain(key);
    }
    for (const supported of ['num_retries', 'max_retries', 'retry_policy', 'guardrails']) expect(config.warnings[0]).not.toContain(supported);
    expect(config.warnings[1]).toContain('provider-budget-routing');
  });

  it('sends a bare model name to the provider the price table lists it under, as LiteLLM infers it', () => {
    const config = load(
      `
model_list:
  - model_name: gpt-3.5-turbo
    litellm_params: { model: gpt-3.5-turbo }
  - model_name: claude
    litellm_params: { model: claude-sonnet-4-5, api_key: sk-ant }
`,
      { OPENAI_API_KEY: 'sk-openai' },
    );
    expect(config.deployments.map((d) => [d.provider, d.upstreamModel, d.apiKey])).toEqual([
      ['openai', 'gpt-3.5-turbo', 'sk-openai'],
      ['anthropic', 'claude-sonnet-4-5', 'sk-ant'],
    ]);
  });

  it("takes litellm_settings.request_timeout as every call's timeout where neither the entry nor router_settings sets one", () => {
    const config = load(`
model_list:
  - { model_name: a, litellm_params: { model: mock/x } }
  - { model_name: b, litellm_params: { model: mock/x, timeout: 5 } }
litellm_settings: { request_timeout: 42 }
`);
    expect(config.deployments.map((d) => d.timeoutMs)).toEqual([42_000, 5_000]);
    expect(
      load(`${'model_list:\n  - { model_name: a, litellm_params: { model: mock/x } }\n'}router_settings: { timeout: 7 }\nlitellm_settings: { request_timeout: 42 }\n`).deployments[0]!.timeoutMs,
    ).toBe(7_000);
    expect(config.ignoredKeys).toEqual([]);
  });

  it('rejects an invalid file with the file, the path in it and the problem', () => {
    expect(problemsOf('model_list:\n  - model_name: m\n    litellm_params: { model: 42 }\n')).toMatch(/my\.yaml[\s\S]*model_list\[0\]\.litellm_params\.model: /);
    expect(problemsOf('model_list:\n  - model_name: m\n    litellm_params: { model: nowhere/x }\n')).toContain('model_list[0].litellm_params.model: unknown provider "nowhere"');
    expect(problemsOf('model_list:\n  - model_name: m\n    litellm_params: { model: my-finetune }\n')).toContain('no provider prefix');
    expect(problemsOf('model_list:\n  - model_name: m\n    litellm_params: { model: mock/x, timeout: -1 }\n')).toContain('model_list[0].litellm_params.timeout');
    expect(problemsOf('model_list:\n  - model_name: m\n    litellm_params: { model: hosted_vllm/x }\n')).toContain('needs litellm_params.api_base');
    expect(problemsOf('model_list: [\n')).toContain('not valid YAML');
    expect(problemsOf('general_settings: { master_key: os.environ/NOPE }\n')).toContain('general_settings.master_key: environment variable NOPE is not set');
  });

  it('reads the file named by its path and says when it cannot', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tollgate-config-'));
    const file = join(dir, 'gateway.config.yaml');
    writeFileSync(file, 'model_list:\n  - model_name: mock\n    litellm_params: { model: mock/x }\n');
    expect(gatewayConfig(readConfigYaml(file), file, () => undefined).deployments).toHaveLength(1);
    expect(() => readConfigYaml(join(dir, 'missing.yaml'))).toThrow(/missing\.yaml[\s\S]*cannot read/);
  });

  it('ships a default config that serves the mock model with no keys at all', () => {
    const config = gatewayConfig(readConfigYaml('gateway.config.yaml'), 'gateway.config.yaml', () => undefined);
    expect(config.deployments.map((d) => d.modelName)).toEqual(['mock']);
    expect(config.masterKey).toBe('sk-tollgate-dev');
    expect(config.disabled.length).toBeGreaterThan(0);
  });
});

describe("LiteLLM's JWT auth settings", () => {
  const yaml = `
general_settings:
  master_key: sk-1
  enable_jwt_auth: true
  litellm_jwtauth: { team_id_jwt_field: client_id, user_id_upsert: true, public_key_ttl: 30 }
`;

  it('reads litellm_jwtauth with the JWKS URLs and audiences from the environment, and names the keys it does not act on', () => {
    const config = load(yaml, { JWT_PUBLIC_KEY_URL: 'https://idp.test/a/jwks, https://idp.test/b/jwks', JWT_AUDIENCE: 'gw' });
    expect(config.jwtAuth).toMatchObject({
      jwksUrls: ['https://idp.test/a/jwks', 'https://idp.test/b/jwks'],
      audiences: ['gw'],
      publicKeyTtlMs: 30_000,
      adminScope: 'litellm_proxy_admin',
      fields: { team: 'client_id' },
      allowedRoutes: ['openai_routes', 'info_routes'],
    });
    expect(config.ignoredKeys).toContain('general_settings.litellm_jwtauth.user_id_upsert');
  });

  it('says at start that every JWT is refused until JWT_PUBLIC_KEY_URL is set; off unless enable_jwt_auth', () => {
    expect(load(yaml).warnings.join('\n')).toContain('JWT_PUBLIC_KEY_URL is not set');
    expect(load('general_settings: { master_key: sk-1 }').jwtAuth).toBeUndefined();
  });
});
