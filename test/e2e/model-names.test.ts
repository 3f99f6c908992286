// LiteLLM's ways of naming models, through the local gateway with the official openai client in front of
// fake OpenAI and Anthropic APIs: wildcard deployments (LiteLLM's "provider specific wildcard
// routing" sample), `model_group_alias` (plain and hidden), access groups, and keys' and teams'
// aliases, with the model lists showing what each caller may use.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedDynamo } from '../../local/embedded-dynamodb.ts';
import { startFakeAnthropic } from '../helpers/fake-anthropic.ts';
import { startFakeOpenAI } from '../helpers/fake-openai.ts';
import { startGateway, testConfig, type TestGateway } from '../helpers/gateway.ts';
import { MASTER, startDynamo, startKeysGateway, type KeysGateway } from '../helpers/identity.ts';
import type { RecordingServer } from '../helpers/recording-server.ts';

const chatModel = { maxOutputTokens: 16384, reasoning: false };
let openaiA: RecordingServer;
let openaiB: RecordingServer;
let anthropic: RecordingServer;

beforeAll(async () => {
  openaiA = await startFakeOpenAI({ apiKey: 'sk-upstream-a', models: { 'gpt-4o-mini': chatModel, 'gpt-4o': chatModel } });
  openaiB = await startFakeOpenAI({ apiKey: 'sk-upstream-b', models: { 'gpt-4o': chatModel, 'gpt-4.1': chatModel, 'my-finetune': chatModel, 'fo::my:static::finetune': chatModel } });
  anthropic = await startFakeAnthropic({ apiKey: 'sk-ant-upstream', models: { 'claude-sonnet-4-20250514': 64000 } });
});
afterAll(async () => {
  for (const server of [openaiA, openaiB, anthropic]) await server.close();
});

const hi = [{ role: 'user' as const, content: 'Hi' }];
const lastModel = (server: RecordingServer) => server.requests.at(-1)?.json.model;

describe('wildcard deployments', () => {
  let gateway: TestGateway;
  let client: OpenAI;
  beforeAll(async () => {
    gateway = await startGateway(
      `
model_list:
  # LiteLLM's sample: every model of a provider without naming them
  - model_name: "openai/*"
    litellm_params: { model: "openai/*", api_base: "${openaiA.url}/v1", api_key: os.environ/OPENAI_A_KEY }
  - model_name: "anthropic/claude-*"
    litellm_params: { model: "anthropic/claude-*", api_base: "${anthropic.url}", api_key: os.environ/ANTHROPIC_API_KEY }
  - model_name: "fo::*:static::*"
    litellm_params: { model: "openai/fo::*:static::*", api_base: "${openaiB.url}/v1", api_key: os.environ/OPENAI_B_KEY }
  # everything else
  - model_name: "*"
    litellm_params: { model: "openai/*", api_base: "${openaiB.url}/v1", api_key: os.environ/OPENAI_B_KEY }
  # exact names come before every pattern
  - model_name: openai/gpt-4o
    litellm_params: { model: openai/gpt-4o, api_base: "${openaiB.url}/v1", api_key: os.environ/OPENAI_B_KEY }
general_settings: { master_key: ${MASTER} }
`,
      { OPENAI_A_KEY: 'sk-upstream-a', OPENAI_B_KEY: 'sk-upstream-b', ANTHROPIC_API_KEY: 'sk-ant-upstream' },
    );
    client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: MASTER, maxRetries: 0 });
  });
  afterAll(() => gateway.close());

  it('loads without a "not supported" warning', () => {
    expect(gateway.log.text()).not.toContain('does not support');
  });

  it('sends a name matching a pattern to its deployment, with the pattern filled in, exact names first', async () => {
    const viaPattern = await client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: hi });
    expect(lastModel(openaiA)).toBe('gpt-4o-mini');
    // The client's name comes back, as for any model.
    expect(viaPattern.model).toBe('openai/gpt-4o-mini');

    await client.chat.completions.create({ model: 'openai/gpt-4o', messages: hi });
    expect(openaiB.requests.at(-1)?.json.model).toBe('gpt-4o');

    const claude = await client.chat.completions.create({ model: 'anthropic/claude-sonnet-4-20250514', messages: hi, max_tokens: 100 });
    expect(lastModel(anthropic)).toBe('claude-sonnet-4-20250514');
    expect(claude.choices[0]!.message.content).toEqual(expect.any(String));

    // Several `*`s, each filled with what the name put there.
    await client.chat.completions.create({ model: 'fo::my:static::finetune', messages: hi });
    expect(lastModel(openaiB)).toBe('fo::my:static::finetune');

    // `*` takes what no other pattern does, sent on as it was asked.
    await client.chat.completions.create({ model: 'my-finetune', messages: hi });
    expect(lastModel(openaiB)).toBe('my-finetune');
  });

  it("lists a wildcard's known models: the provider's models in the price table", async () => {
    const ids = (await client.models.list()).data.map((m) => m.id);
    expect(ids).toEqual(expect.arrayContaining(['openai/gpt-4o', 'openai/gpt-4o-mini', 'openai/o3', 'anthropic/claude-sonnet-4-20250514', 'gpt-4.1']));
    // `anthropic/claude-*` lists only the Claude models it matches, and no pattern is listed as a name.
    expect(ids.some((id) => id.includes('*'))).toBe(false);
    // /model/info lists each of them as a deployment of its own, upstream model filled in.
    const info = await fetch(`${gateway.url}/model/info`, { headers: { authorization: `Bearer ${MASTER}` } }).then((r) => r.json() as Promise<{ data: any[] }>);
    const mini = info.data.find((d) => d.model_name === 'openai/gpt-4o-mini');
    expect(mini).toMatchObject({ litellm_params: { model: 'openai/gpt-4o-mini' }, model_info: { input_cost_per_token: expect.any(Number) } });
    expect(info.data.some((d) => d.model_name.includes('*'))).toBe(false);
    // A name with an exact entry is listed once, as that entry: requests for it never reach the pattern.
    const exact = info.data.filter((d) => d.model_name === 'openai/gpt-4o');
    expect(exact).toHaveLength(1);
    expect(exact[0].litellm_params.api_base).toBe(`${openaiB.url}/v1`);
    expect(ids.filter((id) => id === 'openai/gpt-4o')).toHaveLength(1);
  });
});

describe('model_group_alias', () => {
  let gateway: TestGateway;
  let client: OpenAI;
  beforeAll(async () => {
    gateway = await startGateway(`
model_list:
  - model_name: gpt-4o
    litellm_params: { model: openai/gpt-4o, api_base: "${openaiB.url}/v1", api_key: sk-upstream-b }
router_settings:
  model_group_alias: { gpt-4: gpt-4o, gpt-4-internal: { model: gpt-4o, hidden: true } }
general_settings: { master_key: ${MASTER} }
`);
    client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: MASTER, maxRetries: 0 });
  });
  afterAll(() => gateway.close());

  it('serves an alias with the group it names, lists it unless hidden, and answers with the name asked for', async () => {
    expect(gateway.log.text()).not.toContain('does not support');
    const answer = await client.chat.completions.create({ model: 'gpt-4', messages: hi });
    expect(answer.model).toBe('gpt-4');
    expect(lastModel(openaiB)).toBe('gpt-4o');
    await client.chat.completions.create({ model: 'gpt-4-internal', messages: hi });
    expect(lastModel(openaiB)).toBe('gpt-4o');
    const ids = (await client.models.list()).data.map((m) => m.id);
    expect(ids.sort()).toEqual(['gpt-4', 'gpt-4o']);
  });
});

describe('access groups and aliases of keys and teams', () => {
  let dynamo: EmbeddedDynamo;
  let gw: KeysGateway;
  beforeAll(async () => {
    dynamo = await startDynamo();
    gw = await startKeysGateway(dynamo.endpoint, {
      config: `
model_list:
  - model_name: gpt-4o
    litellm_params: { model: openai/gpt-4o, api_base: "${openaiB.url}/v1", api_key: sk-upstream-b }
    model_info: { access_groups: [beta-models] }
  - model_name: gpt-4.1
    litellm_params: { model: openai/gpt-4.1, api_base: "${openaiB.url}/v1", api_key: sk-upstream-b }
    model_info: { access_groups: [beta-models, new-models] }
  - model_name: gpt-4o-mini
    litellm_params: { model: openai/gpt-4o-mini, api_base: "${openaiA.url}/v1", api_key: sk-upstream-a }
  - model_name: "openai/*"
    litellm_params: { model: "openai/*", api_base: "${openaiA.url}/v1", api_key: sk-upstream-a }
general_settings: { master_key: ${MASTER} }
`,
    });
  });
  afterAll(async () => {
    await gw.close();
    await dynamo.close();
  });

  const clientFor = (key: string) => new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: key, maxRetries: 0 });

  it('lets a key that lists an access group call, and see, every model in it and nothing else', async () => {
    const { body } = await gw.call('POST', '/key/generate', { models: ['beta-models'] });
    const client = clientFor(body.key);
    await client.chat.completions.create({ model: 'gpt-4.1', messages: hi });
    expect(lastModel(openaiB)).toBe('gpt-4.1');
    await expect(client.chat.completions.create({ model: 'gpt-4o-mini', messages: hi })).rejects.toMatchObject({ status: 401, message: expect.stringContaining('beta-models') });
    expect((await client.models.list()).data.map((m) => m.id).sort()).toEqual(['gpt-4.1', 'gpt-4o']);
    const info = await gw.call('GET', '/model/info', undefined, body.key);
    expect(info.body.data.map((d: any) => d.model_name).sort()).toEqual(['gpt-4.1', 'gpt-4o']);
    // LiteLLM's ?only_model_access_groups=True lists the groups themselves.
    const groups = await gw.call('GET', '/models?only_model_access_groups=True', undefined, body.key);
    expect(groups.body.data.map((m: any) => m.id).sort()).toEqual(['beta-models', 'new-models']);
    const narrow = (await gw.call('POST', '/key/generate', { models: ['gpt-4o-mini'] })).body.key;
    expect((await gw.call('GET', '/models?only_model_access_groups=true', undefined, narrow)).body.data).toEqual([]);
  });

  it('names only the first 20 of the many models a wildcard serves in an unknown-model error', async () => {
    const { body } = await gw.call('POST', '/key/generate', {});
    for (const key of [body.key, MASTER]) {
      const error = await clientFor(key)
        .chat.completions.create({ model: 'mystery', messages: hi })
        .catch((e: InstanceType<typeof OpenAI.APIError>) => e);
      expect(error).toMatchObject({ status: 400, message: expect.stringMatching(/Unknown model "mystery".*openai\/[^*]+ and \d+ more \(GET \/v1\/models lists them all\)/) });
    }
  });

  it("takes a wildcard in a key's models as LiteLLM does", async () => {
    const { body } = await gw.call('POST', '/key/generate', { models: ['openai/*'] });
    const client = clientFor(body.key);
    await client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: hi });
    await expect(client.chat.completions.create({ model: 'gpt-4o', messages: hi })).rejects.toMatchObject({ status: 401 });
  });

  it("sends a key's alias, and its team's, to the model they name", async () => {
    // As in LiteLLM, the alias is a name the key and its team must be allowed to call.
    const { body: team } = await gw.call('POST', '/team/new', { models: ['gpt-4o', 'my-model'], model_aliases: { 'team-default': 'gpt-4o' } });
    const { body: key } = await gw.call('POST', '/key/generate', { team_id: team.team_id, models: ['gpt-4o', 'my-model'], aliases: { 'my-model': 'gpt-4o' } });
    // Acted on now: no "stored but not acted on" warning.
    expect([team.warnings, key.warnings]).toEqual([undefined, undefined]);
    const client = clientFor(key.key);
    const viaKey = await client.chat.completions.create({ model: 'my-model', messages: hi });
    expect(viaKey.model).toBe('my-model');
    expect(lastModel(openaiB)).toBe('gpt-4o');
    openaiB.requests.length = 0;
    // A name in the team's model_aliases passes the key's and the team's model lists.
    await client.chat.completions.create({ model: 'team-default', messages: hi });
    expect(lastModel(openaiB)).toBe('gpt-4o');
    // Still only what the key and team may use.
    await expect(client.chat.completions.create({ model: 'gpt-4.1', messages: hi })).rejects.toMatchObject({ status: 401 });
  });

  it("checks the mode of the model a key's alias names, not of the alias", async () => {
    const { body: key } = await gw.call('POST', '/key/generate', { models: ['gpt-4o', 'painter'], aliases: { painter: 'gpt-4o' } });
    openaiB.requests.length = 0;
    const error = await clientFor(key.key)
      .images.generate({ model: 'painter', prompt: 'a fox' })
      .catch((e: InstanceType<typeof OpenAI.APIError>) => e);
    expect(error).toMatchObject({ status: 400, message: expect.stringContaining('Model "gpt-4o" is a chat model') });
    expect(openaiB.requests).toHaveLength(0);
  });
});

describe('model: "*" (route any model: the provider from the name)', () => {
  // LiteLLM's "route any model" sample, with api_base pointing at a fake; each provider's key comes from its variable.
  const anyModel = (apiBase: string) => `
model_list:
  - model_name: "*"
    litellm_params: { model: "*", api_base: "${apiBase}" }
general_settings: { master_key: ${MASTER} }
`;
  const env = { OPENAI_API_KEY: 'sk-upstream-a', GROQ_API_KEY: 'gsk-groq', ANTHROPIC_API_KEY: 'sk-ant-upstream' };

  it('sends a model the price table lists to its provider, and a provider prefix to that provider, each with its own key', async () => {
    const gateway = await startGateway(anyModel(`${openaiA.url}/v1`), env);
    try {
      expect(gateway.log.text()).not.toContain('does not support');
      const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: MASTER, maxRetries: 0 });
      const answer = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: hi });
      expect(answer.model).toBe('gpt-4o-mini');
      expect(openaiA.requests.at(-1)).toMatchObject({ url: '/v1/chat/completions', json: { model: 'gpt-4o-mini' }, headers: { authorization: 'Bearer sk-upstream-a' } });
      // `groq/...`: Groq's key, the prefix taken off (this fake knows only OpenAI's key, so it refuses).
      await expect(client.chat.completions.create({ model: 'groq/llama-3.3-70b-versatile', messages: hi })).rejects.toMatchObject({ status: 401 });
      expect(openaiA.requests.at(-1)).toMatchObject({ json: { model: 'llama-3.3-70b-versatile' }, headers: { authorization: 'Bearer gsk-groq' } });
    } finally {
      await gateway.close();
    }
  });

  it("speaks the inferred provider's API: a Claude model goes to Anthropic's Messages API", async () => {
    const gateway = await startGateway(anyModel(anthropic.url), env);
    try {
      const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: MASTER, maxRetries: 0 });
      const { data: answer, response } = await client.chat.completions.create({ model: 'claude-sonnet-4-20250514', messages: hi, max_tokens: 50 }).withResponse();
      expect(answer.choices[0]!.message.content).toEqual(expect.any(String));
      expect(anthropic.requests.at(-1)).toMatchObject({ url: '/v1/messages', json: { model: 'claude-sonnet-4-20250514' }, headers: { 'x-api-key': 'sk-ant-upstream' } });
      // Priced as the model it landed on.
      expect(Number(response.headers.get('x-litellm-response-cost'))).toBeGreaterThan(0);
    } finally {
      await gateway.close();
    }
  });

  it("answers a name that says no provider with LiteLLM's 400", async () => {
    const gateway = await startGateway(anyModel(`${openaiA.url}/v1`), env);
    try {
      const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: MASTER, maxRetries: 0 });
      const sent = openaiA.requests.length;
      const error = await client.chat.completions.create({ model: 'no-such-model', messages: hi }).catch((e: InstanceType<typeof OpenAI.APIError>) => e);
      expect(error).toBeInstanceOf(OpenAI.BadRequestError);
      expect(error).toMatchObject({
        status: 400,
        param: 'model',
        message: expect.stringContaining('LLM Provider NOT provided. Pass in the LLM provider you are trying to call. You passed model=no-such-model'),
      });
      expect(openaiA.requests.length).toBe(sent);
    } finally {
      await gateway.close();
    }
  });

  it('lists every model the price table prices, each priced in /model/info and routed to its provider', async () => {
    const gateway = await startGateway(anyModel(`${openaiA.url}/v1`), env);
    try {
      const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: MASTER, maxRetries: 0 });
      const ids = (await client.models.list()).data.map((m) => m.id);
      expect(ids.length).toBeGreaterThanOrEqual(2000);
      expect(ids).toEqual(
        expect.arrayContaining([
          'openai/gpt-4o-mini',
          'anthropic/claude-sonnet-4-20250514',
          'cohere/command-r-plus',
          'vertex_ai/meta/llama-3.1-405b-instruct-maas',
          'sagemaker/meta-textgeneration-llama-2-7b-f',
        ]),
      );
      expect(ids.some((id) => id.includes('*'))).toBe(false);
      const info = ((await (await fetch(`${gateway.url}/model/info`, { headers: { authorization: `Bearer ${MASTER}` } })).json()) as { data: unknown }).data as {
        model_name: string;
        litellm_params: { model: string };
        model_info: Record<string, unknown>;
      }[];
      const priced = info.filter((d) => typeof d.model_info['input_cost_per_token'] === 'number');
      expect(priced.length).toBeGreaterThanOrEqual(2000);
      expect(info.find((d) => d.model_name === 'openai/gpt-4o-mini')).toMatchObject({
        litellm_params: { model: 'openai/gpt-4o-mini' },
        model_info: { input_cost_per_token: 1.5e-7, max_output_tokens: 16384, mode: 'chat' },
      });
      expect(info.find((d) => d.model_name === 'cohere/command-r-plus')?.model_info).toMatchObject({ input_cost_per_token: 2.5e-6, output_cost_per_token: 1e-5, mode: 'chat' });
    } finally {
      await gateway.close();
    }
  });

  it('refuses model: "*" under an exact model_name', () => {
    expect(() => testConfig('model_list:\n  - model_name: everything\n    litellm_params: { model: "*" }\n')).toThrow(/model_name must be a pattern too/);
  });
});
