// LiteLLM's routing settings through the local gateway, with the official openai client in front of a
// fake OpenAI API whose models name the deployment that answered: tag routing (LiteLLM's sample
// config), `order` priority tiers, `enable_pre_call_checks` and `retry_policy`.
import type { ServerResponse } from 'node:http';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI } from '../helpers/fake-openai.ts';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';
import { sendJson, startRecordingServer, type RecordingServer } from '../helpers/recording-server.ts';

const MASTER = 'sk-routing-master';
const KEY = 'sk-upstream-routing';
const model = { maxOutputTokens: 16384, reasoning: false };
const hi = [{ role: 'user' as const, content: 'Hi' }];

let upstream: RecordingServer;
let gateway: TestGateway | undefined;

beforeAll(async () => {
  upstream = await startFakeOpenAI({ apiKey: KEY, models: { 'free-model': model, 'paid-model': model, 'default-model': model, 'gpt-4o': model, 'gpt-4.1': model } });
});
afterAll(() => upstream.close());
afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

async function start(yaml: string): Promise<OpenAI> {
  upstream.requests.length = 0;
  gateway = await startGateway(`${yaml}\ngeneral_settings: { master_key: ${MASTER} }\n`, { OPENAI_API_KEY: KEY });
  expect(gateway.log.text()).not.toContain('does not support');
  return new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: MASTER, maxRetries: 0 });
}

const upstreamModels = () => upstream.requests.map((r) => r.json.model);

const deployment = (name: string, upstreamModel: string, extra = '') =>
  `  - model_name: ${name}\n    litellm_params: { model: openai/${upstreamModel}, api_base: "${upstream.url}/v1", api_key: os.environ/OPENAI_API_KEY${extra ? `, ${extra}` : ''} }`;

describe('tag routing', () => {
  // LiteLLM's sample: free and paid deployments, and a default one for untagged requests.
  const tagged = () =>
    [
      'model_list:',
      deployment('gpt-4', 'free-model', 'tags: ["free"]'),
      deployment('gpt-4', 'paid-model', 'tags: ["paid"]'),
      deployment('gpt-4', 'default-model', 'tags: ["default"]'),
      'router_settings: { enable_tag_filtering: true }',
    ].join('\n');

  it('sends tagged requests to the deployments with their tags, from the body, metadata or the x-litellm-tags header', async () => {
    const client = await start(tagged());
    for (let i = 0; i < 4; i++) await client.chat.completions.create({ model: 'gpt-4', messages: hi, tags: ['free'] } as OpenAI.ChatCompletionCreateParamsNonStreaming);
    await client.chat.completions.create({ model: 'gpt-4', messages: hi, metadata: { tags: ['paid'] } } as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming);
    await client.chat.completions.create({ model: 'gpt-4', messages: hi }, { headers: { 'x-litellm-tags': 'paid' } });
    expect(upstreamModels()).toEqual(['free-model', 'free-model', 'free-model', 'free-model', 'paid-model', 'paid-model']);
    // Tags are the gateway's: they never reach the upstream.
    expect(upstream.requests.some((r) => 'tags' in r.json || 'metadata' in r.json)).toBe(false);
  });

  it('sends untagged requests, and tags no deployment has, to the default deployment', async () => {
    const client = await start(tagged());
    for (let i = 0; i < 3; i++) await client.chat.completions.create({ model: 'gpt-4', messages: hi });
    await client.chat.completions.create({ model: 'gpt-4', messages: hi, tags: ['enterprise'] } as OpenAI.ChatCompletionCreateParamsNonStreaming);
    expect(upstreamModels()).toEqual(['default-model', 'default-model', 'default-model', 'default-model']);
  });

  it('refuses tags no deployment has when there is no default deployment', async () => {
    const client = await start(['model_list:', deployment('gpt-4', 'free-model', 'tags: ["free"]'), 'router_settings: { enable_tag_filtering: true }'].join('\n'));
    await expect(client.chat.completions.create({ model: 'gpt-4', messages: hi, tags: ['paid'] } as OpenAI.ChatCompletionCreateParamsNonStreaming)).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining('tags configuration'),
    });
    expect(upstream.requests).toHaveLength(0);
  });
});

describe('order: priority tiers', () => {
  let flaky: RecordingServer;
  let failing = false;
  beforeAll(async () => {
    flaky = await startRecordingServer();
    flaky.respond((request, res) =>
      failing ? sendJson(res, 429, { error: { message: 'Rate limit reached', type: 'requests', param: null, code: 'rate_limit_exceeded' } }) : answerAs(res, 'tier-1', request.json),
    );
  });
  afterAll(() => flaky.close());

  it('uses the lowest order while any of it is healthy, and the next tier only when the whole tier is out', async () => {
    const client = await start(
      [
        'model_list:',
        `  - model_name: gpt-4o\n    litellm_params: { model: openai/gpt-4o, api_base: "${flaky.url}/v1", api_key: sk-x, order: 1 }`,
        deployment('gpt-4o', 'gpt-4o', 'order: 2'),
        deployment('gpt-4o', 'gpt-4.1', 'order: 2'),
        'router_settings: { cooldown_time: 60 }',
      ].join('\n'),
    );
    for (let i = 0; i < 5; i++) expect((await client.chat.completions.create({ model: 'gpt-4o', messages: hi })).system_fingerprint).toBe('tier-1');
    expect(upstream.requests).toHaveLength(0);
    failing = true;
    // Tier 1 is rate limited and cools down: the retry goes to tier 2, and so do the requests after it.
    const { data, response } = await client.chat.completions.create({ model: 'gpt-4o', messages: hi }).withResponse();
    expect(data.system_fingerprint).toBe('fp_fake');
    expect(response.headers.get('x-litellm-attempted-retries')).toBe('1');
    for (let i = 0; i < 4; i++) await client.chat.completions.create({ model: 'gpt-4o', messages: hi });
    expect(flaky.requests).toHaveLength(6);
    expect(upstream.requests).toHaveLength(5);
  });
});

describe('enable_pre_call_checks', () => {
  it("skips deployments whose context window (the price table's) is too small for the prompt", async () => {
    const models = ['model_list:', deployment('gpt', 'gpt-4o'), deployment('gpt', 'gpt-4.1')].join('\n');
    // gpt-4o takes 128,000 tokens, gpt-4.1 about a million: this prompt is about 150,000.
    const long = [{ role: 'user' as const, content: 'word '.repeat(120_000) }];
    const client = await start(`${models}\nrouter_settings: { enable_pre_call_checks: true }`);
    for (let i = 0; i < 4; i++) await client.chat.completions.create({ model: 'gpt', messages: long });
    expect(new Set(upstreamModels())).toEqual(new Set(['gpt-4.1']));
    // A short prompt fits both.
    for (let i = 0; i < 12; i++) await client.chat.completions.create({ model: 'gpt', messages: hi });
    expect(new Set(upstreamModels())).toEqual(new Set(['gpt-4.1', 'gpt-4o']));
  });
});

describe('retry_policy', () => {
  let flaky: RecordingServer;
  const failures: number[] = [];
  beforeAll(async () => {
    flaky = await startRecordingServer();
    flaky.respond((request, res) => {
      const status = failures.shift();
      if (status) return sendJson(res, status, { error: { message: `failing with ${status}`, type: status === 429 ? 'rate_limit_error' : 'server_error', param: null, code: null } });
      answerAs(res, 'flaky', request.json);
    });
  });
  afterAll(() => flaky.close());

  it("retries each kind of failure as often as the policy says, a model group's own policy first", async () => {
    const client = await start(
      [
        'model_list:',
        `  - model_name: gpt-4o\n    litellm_params: { model: openai/gpt-4o, api_base: "${flaky.url}/v1", api_key: sk-x }`,
        `  - model_name: strict\n    litellm_params: { model: openai/gpt-4o, api_base: "${flaky.url}/v1", api_key: sk-x }`,
        'router_settings:',
        '  num_retries: 1',
        '  retry_policy: { InternalServerErrorRetries: 3, RateLimitErrorRetries: 0, BadRequestErrorRetries: 1 }',
        '  model_group_retry_policy: { strict: { InternalServerErrorRetries: 0 } }',
      ].join('\n'),
    );
    failures.push(500, 500, 500);
    const retried = await client.chat.completions.create({ model: 'gpt-4o', messages: hi }).withResponse();
    expect(retried.response.headers.get('x-litellm-attempted-retries')).toBe('3');

    failures.push(429);
    await expect(client.chat.completions.create({ model: 'gpt-4o', messages: hi })).rejects.toMatchObject({ status: 429 });

    // A 400 is never retried, unless the policy says so.
    failures.push(400);
    expect((await client.chat.completions.create({ model: 'gpt-4o', messages: hi }).withResponse()).response.headers.get('x-litellm-attempted-retries')).toBe('1');

    failures.push(500);
    await expect(client.chat.completions.create({ model: 'strict', messages: hi })).rejects.toMatchObject({ status: 502 });
    expect(failures).toEqual([]);
  });
});

/** An OpenAI chat completion whose system_fingerprint says which fake answered. */
function answerAs(res: ServerResponse, label: string, body: any): void {
  sendJson(res, 200, {
    id: 'chatcmpl-tier',
    object: 'chat.completion',
    created: 1,
    model: body.model,
    system_fingerprint: label,
    choices: [{ index: 0, message: { role: 'assistant', content: 'ok', refusal: null }, logprobs: null, finish_reason: 'stop' }],
    usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
  });
}
