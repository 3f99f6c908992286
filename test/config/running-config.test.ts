// The running config over HTTP: GET /config/yaml (the file with every secret masked), GET
// /router/settings (the router's values, in LiteLLM's shape) and GET /get/config/callbacks (the logging
// callbacks, alerts and router settings, in LiteLLM's shape). A config holding each kind of secret,
// inline and through `os.environ/`: no secret's value is anywhere in either answer, each reference is
// shown as written, and the settings that are not secrets are shown as they are.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MASK } from '../../shared/config/masked-config.ts';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';

const MASTER = 'sk-config-master-3b81';
/** Every secret the config holds, inline or in the environment. */
const SECRETS = {
  providerKey: 'sk-inline-provider-0a7e',
  envProviderKey: 'sk-env-provider-4c2d',
  awsSecret: 'aws-secret-access-9f1b',
  awsSessionToken: 'aws-session-token-77de',
  databasePassword: 'db-password-5e60',
  redisPassword: 'redis-password-1d4c',
  mcpToken: 'mcp-bearer-token-c3a9',
  mcpHeader: 'mcp-header-value-2b8f',
  mcpEnv: 'mcp-env-value-8e14',
  guardrailKey: 'guardrail-key-6f02',
  langfuseSecret: 'sk-lf-secret-e951',
  webhook: 'hooks.example.com/T000/B000/xoxb-webhook-4a11',
  clientSecret: 'oidc-client-secret-d7c3',
  urlKey: 'url-query-key-a5b6',
  envVar: 'environment-variable-value-0c9d',
  routerRedis: 'router-redis-password-71fa',
  langfuseEnvSecret: 'sk-lf-env-secret-3c7a',
};

const CONFIG = `
model_list:
  - model_name: gpt-4o-mini
    litellm_params: { model: openai/gpt-4o-mini, api_base: "https://llm.example.com/v1", api_key: ${SECRETS.providerKey}, max_tokens: 512 }
  - model_name: gpt-4o
    litellm_params: { model: openai/gpt-4o, api_key: os.environ/CONFIG_TEST_OPENAI_KEY }
  - model_name: claude
    litellm_params:
      model: bedrock/anthropic.claude-3-haiku-20240307-v1:0
      aws_access_key_id: AKIAEXAMPLE
      aws_secret_access_key: ${SECRETS.awsSecret}
      aws_session_token: ${SECRETS.awsSessionToken}
      aws_region_name: us-east-1
  - model_name: gemini
    litellm_params: { model: gemini/gemini-2.0-flash, api_key: os.environ/CONFIG_TEST_OPENAI_KEY, api_base: "https://generativelanguage.example.com/v1?key=${SECRETS.urlKey}" }
router_settings: { routing_strategy: least-busy, num_retries: 2, redis_password: ${SECRETS.routerRedis} }
litellm_settings:
  success_callback: [langfuse]
  failure_callback: [langfuse]
  langfuse_secret: ${SECRETS.langfuseSecret}
general_settings:
  master_key: ${MASTER}
  database_url: "postgresql://tollgate:${SECRETS.databasePassword}@db.example.com:5432/litellm"
  alert_webhook_url: "https://${SECRETS.webhook}"
  ui_client_secret: ${SECRETS.clientSecret}
  redis_url: "redis://:${SECRETS.redisPassword}@cache.example.com:6379"
guardrails:
  - guardrail_name: moderation
    litellm_params: { guardrail: openai_moderation, mode: pre_call, api_key: ${SECRETS.guardrailKey} }
mcp_servers:
  tools:
    url: "https://mcp.example.com/mcp"
    auth_type: bearer_token
    auth_value: ${SECRETS.mcpToken}
    static_headers: { X-Tenant-Token: ${SECRETS.mcpHeader} }
environment_variables: { SOME_SETTING: ${SECRETS.envVar} }
`;

let gw: TestGateway;
let answer: Answer;
let routerSettings: Answer;
let callbacks: Answer;

interface Answer {
  status: number;
  text: string;
  body: any;
}

async function get(path: string): Promise<Answer> {
  const response = await fetch(`${gw.url}${path}`, { headers: { authorization: `Bearer ${MASTER}` } });
  const text = await response.text();
  return { status: response.status, text, body: JSON.parse(text) };
}

beforeAll(async () => {
  gw = await startGateway(CONFIG, {
    CONFIG_TEST_OPENAI_KEY: SECRETS.envProviderKey,
    LANGFUSE_PUBLIC_KEY: 'pk-lf-public',
    LANGFUSE_SECRET_KEY: SECRETS.langfuseEnvSecret,
    LANGFUSE_HOST: 'https://langfuse.example.com',
  });
  answer = await get('/config/yaml');
  routerSettings = await get('/router/settings');
  callbacks = await get('/get/config/callbacks');
});
afterAll(() => gw?.close());

describe('GET /config/yaml', () => {
  it('holds no secret, inline or from the environment, nor the master key', () => {
    expect(answer.status).toBe(200);
    for (const [name, secret] of Object.entries({ ...SECRETS, master: MASTER })) expect(answer.text, name).not.toContain(secret);
  });

  it('shows os.environ/ references as written, and masks the values in their place', () => {
    const models = answer.body.config.model_list;
    expect(models[1].litellm_params.api_key).toBe('os.environ/CONFIG_TEST_OPENAI_KEY');
    expect(models[0].litellm_params.api_key).toBe(MASK);
    expect(models[2].litellm_params).toMatchObject({ aws_secret_access_key: MASK, aws_session_token: MASK, aws_access_key_id: MASK });
    expect(answer.body.config.general_settings).toMatchObject({ master_key: MASK, ui_client_secret: MASK, database_url: MASK, redis_url: MASK, alert_webhook_url: MASK });
    expect(answer.body.config.mcp_servers.tools).toMatchObject({ auth_value: MASK, static_headers: { 'X-Tenant-Token': MASK } });
    expect(answer.body.config.environment_variables).toEqual({ SOME_SETTING: MASK });
  });

  it('shows what is not a secret as it is: bases, the routing strategy, numbers', () => {
    const models = answer.body.config.model_list;
    expect(models[0].litellm_params).toMatchObject({ model: 'openai/gpt-4o-mini', api_base: 'https://llm.example.com/v1', max_tokens: 512 });
    expect(models[3].litellm_params.api_base).toBe(`https://generativelanguage.example.com/v1?key=${MASK}`);
    expect(models[2].litellm_params.aws_region_name).toBe('us-east-1');
    expect(answer.body.config.router_settings).toEqual({ routing_strategy: 'least-busy', num_retries: 2, redis_password: MASK });
    expect(answer.body.config.mcp_servers.tools.url).toBe('https://mcp.example.com/mcp');
    expect(answer.body.ignored_keys).toContain('general_settings.database_url');
  });

  it('is an admin route: a caller without the master key is refused', async () => {
    const response = await fetch(`${gw.url}/config/yaml`);
    expect(response.status).toBe(401);
  });
});

describe('GET /router/settings', () => {
  it("answers in LiteLLM's shape with the values the router runs with, the file's secrets masked", () => {
    expect(routerSettings.status).toBe(200);
    for (const [name, secret] of Object.entries(SECRETS)) expect(routerSettings.text, name).not.toContain(secret);
    expect(routerSettings.body.current_values).toMatchObject({ routing_strategy: 'least-busy', num_retries: 2, max_fallbacks: 5, cooldown_time: 5, redis_password: MASK });
    const strategy = routerSettings.body.fields.find((field: { field_name: string }) => field.field_name === 'routing_strategy');
    expect(strategy).toMatchObject({ field_type: 'String', field_value: 'least-busy', field_default: 'simple-shuffle' });
    const allowedFails = routerSettings.body.fields.find((field: { field_name: string }) => field.field_name === 'allowed_fails');
    expect(allowedFails).toMatchObject({ field_type: 'Integer', field_value: null });
    expect(strategy.options).toContain('latency-based-routing');
    expect(Object.keys(routerSettings.body.routing_strategy_descriptions)).toContain('least-busy');
  });

  it('shows the strategy that runs: one Tollgate lacks runs as simple-shuffle', async () => {
    const other = await startGateway(`
model_list:
  - model_name: mock
    litellm_params: { model: mock/echo }
router_settings: { routing_strategy: provider-budget-routing }
general_settings: { master_key: ${MASTER} }
`);
    try {
      const response = await fetch(`${other.url}/router/settings`, { headers: { authorization: `Bearer ${MASTER}` } });
      expect(((await response.json()) as { current_values: { routing_strategy: string } }).current_values.routing_strategy).toBe('simple-shuffle');
    } finally {
      await other.close();
    }
  });
});

describe('GET /get/config/callbacks', () => {
  it("answers in LiteLLM's shape: each logging callback with what it runs with, the alert webhook and the router settings, every secret masked", () => {
    expect(callbacks.status).toBe(200);
    for (const [name, secret] of Object.entries({ ...SECRETS, master: MASTER })) expect(callbacks.text, name).not.toContain(secret);
    expect(callbacks.body).toMatchObject({
      status: 'success',
      callbacks: [{ name: 'langfuse', type: 'success_and_failure', variables: { LANGFUSE_HOST: 'https://langfuse.example.com', LANGFUSE_SECRET_KEY: MASK } }],
      alerts: [{ name: 'webhook', variables: { alert_webhook_url: MASK } }],
    });
    // LiteLLM's e2e test (test_callbacks_on_proxy.py) reads the routing strategy from here.
    expect(callbacks.body.router_settings).toMatchObject({ routing_strategy: 'least-busy', num_retries: 2, redis_password: MASK });
  });

  it('is an admin route: a caller without the master key is refused', async () => {
    expect((await fetch(`${gw.url}/get/config/callbacks`)).status).toBe(401);
  });
});
