// Each OpenAI-compatible provider's URL and auth shape, checked against a fake upstream on loopback.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Deployment } from '../../../shared/config/types.ts';
import { OPENAI_COMPATIBLE_PRESETS } from '../../../shared/providers/openai-compatible/presets.ts';
import { chatUrl, openAICompatibleProvider, requestHeaders } from '../../../shared/providers/openai-compatible/provider.ts';
import { prepareParams } from '../../../shared/providers/params.ts';
import { sendJson, sleep, startRecordingServer, type RecordingServer } from '../../helpers/recording-server.ts';

const completion = (id: string) => ({
  id,
  object: 'chat.completion',
  created: 1,
  model: 'm',
  choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
});

let upstream: RecordingServer;
beforeAll(async () => {
  upstream = await startRecordingServer();
});
afterAll(() => upstream.close());
beforeEach(() => {
  upstream.requests.length = 0;
  upstream.respond((_r, res) => sendJson(res, 200, completion('chatcmpl-1')));
});

const preset = (name: string) => OPENAI_COMPATIBLE_PRESETS.find((p) => p.name === name)!;
function deployment(provider: string, overrides: Partial<Deployment> = {}): Deployment {
  return {
    id: 'd',
    modelName: 'm',
    provider,
    upstreamModel: 'some-model',
    apiKey: 'secret-key-123',
    timeoutMs: 5000,
    maxResponseBytes: 1024 * 1024,
    extraHeaders: {},
    params: {},
    modelInfo: {},
    ...overrides,
  };
}
async function call(provider: string, overrides: Partial<Deployment> = {}, extra: Record<string, unknown> = {}) {
  const d = deployment(provider, overrides);
  const p = openAICompatibleProvider(preset(provider));
  const request = prepareParams({ model: 'm', messages: [{ role: 'user', content: 'hi' }], ...extra }, p, d.upstreamModel, false);
  await p.chat({ request, deployment: d, signal: new AbortController().signal });
  return upstream.requests.at(-1)!;
}

// Expected path under the fake's origin, and where the key travels, per provider (from each provider's API reference).
const SHAPES: Record<string, { versionPath: string; defaultUrl?: string; auth: 'bearer' | 'api-key' }> = {
  openai: { versionPath: '/v1', defaultUrl: 'https://api.openai.com/v1/chat/completions', auth: 'bearer' },
  'text-completion-openai': { versionPath: '/v1', defaultUrl: 'https://api.openai.com/v1/chat/completions', auth: 'bearer' },
  ollama: { versionPath: '/v1', defaultUrl: 'http://localhost:11434/v1/chat/completions', auth: 'bearer' },
  ollama_chat: { versionPath: '/v1', defaultUrl: 'http://localhost:11434/v1/chat/completions', auth: 'bearer' },
  hosted_vllm: { versionPath: '/v1', auth: 'bearer' },
  infinity: { versionPath: '', auth: 'bearer' },
  lm_studio: { versionPath: '/v1', defaultUrl: 'http://localhost:1234/v1/chat/completions', auth: 'bearer' },
  groq: { versionPath: '/openai/v1', defaultUrl: 'https://api.groq.com/openai/v1/chat/completions', auth: 'bearer' },
  mistral: { versionPath: '/v1', defaultUrl: 'https://api.mistral.ai/v1/chat/completions', auth: 'bearer' },
  deepseek: { versionPath: '/v1', defaultUrl: 'https://api.deepseek.com/v1/chat/completions', auth: 'bearer' },
  xai: { versionPath: '/v1', defaultUrl: 'https://api.x.ai/v1/chat/completions', auth: 'bearer' },
  openrouter: { versionPath: '/api/v1', defaultUrl: 'https://openrouter.ai/api/v1/chat/completions', auth: 'bearer' },
  together_ai: { versionPath: '/v1', defaultUrl: 'https://api.together.xyz/v1/chat/completions', auth: 'bearer' },
  fireworks_ai: { versionPath: '/inference/v1', defaultUrl: 'https://api.fireworks.ai/inference/v1/chat/completions', auth: 'bearer' },
  perplexity: { versionPath: '', defaultUrl: 'https://api.perplexity.ai/chat/completions', auth: 'bearer' },
  cerebras: { versionPath: '/v1', defaultUrl: 'https://api.cerebras.ai/v1/chat/completions', auth: 'bearer' },
  sambanova: { versionPath: '/v1', defaultUrl: 'https://api.sambanova.ai/v1/chat/completions', auth: 'bearer' },
  nebius: { versionPath: '/v1', defaultUrl: 'https://api.studio.nebius.ai/v1/chat/completions', auth: 'bearer' },
  deepinfra: { versionPath: '/v1/openai', defaultUrl: 'https://api.deepinfra.com/v1/openai/chat/completions', auth: 'bearer' },
  hyperbolic: { versionPath: '/v1', defaultUrl: 'https://api.hyperbolic.xyz/v1/chat/completions', auth: 'bearer' },
  novita: { versionPath: '/v3/openai', defaultUrl: 'https://api.novita.ai/v3/openai/chat/completions', auth: 'bearer' },
  nscale: { versionPath: '/v1', defaultUrl: 'https://inference.api.nscale.com/v1/chat/completions', auth: 'bearer' },
  featherless_ai: { versionPath: '/v1', defaultUrl: 'https://api.featherless.ai/v1/chat/completions', auth: 'bearer' },
  github: { versionPath: '', defaultUrl: 'https://models.inference.ai.azure.com/chat/completions', auth: 'bearer' },
  databricks: { versionPath: '/serving-endpoints', auth: 'bearer' },
  dashscope: { versionPath: '/compatible-mode/v1', defaultUrl: 'https://dashscope-intl.aliyuncs.com/compatible-mode/v1/chat/completions', auth: 'bearer' },
  moonshot: { versionPath: '/v1', defaultUrl: 'https://api.moonshot.ai/v1/chat/completions', auth: 'bearer' },
  zai: { versionPath: '/api/paas/v4', defaultUrl: 'https://api.z.ai/api/paas/v4/chat/completions', auth: 'bearer' },
  minimax: { versionPath: '/v1', defaultUrl: 'https://api.minimax.io/v1/chat/completions', auth: 'bearer' },
  baseten: { versionPath: '/v1', defaultUrl: 'https://inference.baseten.co/v1/chat/completions', auth: 'bearer' },
  lambda_ai: { versionPath: '/v1', defaultUrl: 'https://api.lambda.ai/v1/chat/completions', auth: 'bearer' },
  nvidia_nim: { versionPath: '/v1', defaultUrl: 'https://integrate.api.nvidia.com/v1/chat/completions', auth: 'bearer' },
  friendliai: { versionPath: '/serverless/v1', defaultUrl: 'https://api.friendli.ai/serverless/v1/chat/completions', auth: 'bearer' },
  xinference: { versionPath: '/v1', defaultUrl: 'http://127.0.0.1:9997/v1/chat/completions', auth: 'bearer' },
  llamafile: { versionPath: '/v1', defaultUrl: 'http://127.0.0.1:8080/v1/chat/completions', auth: 'bearer' },
  ovhcloud: { versionPath: '/v1', defaultUrl: 'https://oai.endpoints.kepler.ai.cloud.ovh.net/v1/chat/completions', auth: 'bearer' },
  scaleway: { versionPath: '/v1', defaultUrl: 'https://api.scaleway.ai/v1/chat/completions', auth: 'bearer' },
  vercel_ai_gateway: { versionPath: '/v1', defaultUrl: 'https://ai-gateway.vercel.sh/v1/chat/completions', auth: 'bearer' },
  litellm_proxy: { versionPath: '/v1', auth: 'bearer' },
};

describe('OpenAI-compatible providers', () => {
  it('covers every preset', () => {
    expect(
      OPENAI_COMPATIBLE_PRESETS.map((p) => p.name)
        .filter((n) => n !== 'azure' && n !== 'azure_ai')
        .sort(),
    ).toEqual(Object.keys(SHAPES).sort());
  });

  for (const [name, shape] of Object.entries(SHAPES)) {
    it(`${name}: default URL, api_base with and without the version path, auth header`, async () => {
      if (shape.defaultUrl) expect(chatUrl(preset(name), deployment(name))).toBe(shape.defaultUrl);
      for (const apiBase of [upstream.url, `${upstream.url}${shape.versionPath}`, `${upstream.url}${shape.versionPath}/`]) {
        const sent = await call(name, { apiBase });
        expect(sent.url, apiBase).toBe(`${shape.versionPath}/chat/completions`);
        expect(sent.headers['authorization']).toBe('Bearer secret-key-123');
        expect(sent.headers['api-key']).toBeUndefined();
      }
    });
  }

  it('azure: deployment URL with api-version, key in the api-key header', async () => {
    const sent = await call('azure', { apiBase: upstream.url, upstreamModel: 'my-gpt4o', apiVersion: '2024-06-01' });
    expect(sent.url).toBe('/openai/deployments/my-gpt4o/chat/completions?api-version=2024-06-01');
    expect(sent.headers['api-key']).toBe('secret-key-123');
    expect(sent.headers['authorization']).toBeUndefined();
    const defaulted = await call('azure', { apiBase: `${upstream.url}/openai/`, upstreamModel: 'dep' });
    expect(defaulted.url).toBe('/openai/deployments/dep/chat/completions?api-version=2024-10-21');
  });

  it('azure_ai (Azure AI Foundry): /models/chat/completions and the api-key header on services.ai.azure.com, Bearer and the base as given elsewhere', async () => {
    const foundry = deployment('azure_ai', { apiBase: 'https://my-hub.services.ai.azure.com', apiVersion: '2024-05-01-preview' });
    expect(chatUrl(preset('azure_ai'), foundry)).toBe('https://my-hub.services.ai.azure.com/models/chat/completions?api-version=2024-05-01-preview');
    expect(chatUrl(preset('azure_ai'), deployment('azure_ai', { apiBase: 'https://my-hub.services.ai.azure.com/models/' }))).toBe('https://my-hub.services.ai.azure.com/models/chat/completions');
    expect(requestHeaders(preset('azure_ai'), foundry)).toMatchObject({ 'api-key': 'secret-key-123' });
    expect(requestHeaders(preset('azure_ai'), foundry)).not.toHaveProperty('authorization');
    // A serverless endpoint elsewhere (here the fake): its base as given, the key as Bearer.
    const sent = await call('azure_ai', { apiBase: `${upstream.url}/v1`, apiVersion: '2024-05-01-preview' });
    expect(sent.url).toBe('/v1/chat/completions?api-version=2024-05-01-preview');
    expect(sent.headers['authorization']).toBe('Bearer secret-key-123');
    expect(sent.headers['api-key']).toBeUndefined();
    expect(sent.json).toMatchObject({ model: 'some-model', messages: [{ role: 'user', content: 'hi' }] });
  });

  it('sends no Authorization header to a keyless local server', async () => {
    const sent = await call('ollama', { apiBase: upstream.url, apiKey: undefined });
    expect(sent.headers['authorization']).toBeUndefined();
  });

  it('applies data quirks: Fireworks account path, Mistral random_seed, extra_headers', async () => {
    expect((await call('fireworks_ai', { apiBase: upstream.url, upstreamModel: 'llama-v3p1-8b-instruct' })).json.model).toBe('accounts/fireworks/models/llama-v3p1-8b-instruct');
    expect((await call('fireworks_ai', { apiBase: upstream.url, upstreamModel: 'accounts/me/models/mine' })).json.model).toBe('accounts/me/models/mine');
    const mistral = await call('mistral', { apiBase: upstream.url }, { seed: 7 });
    expect(mistral.json.random_seed).toBe(7);
    expect(mistral.json.seed).toBeUndefined();
    const withHeaders = await call('openai', { apiBase: upstream.url, extraHeaders: { 'x-team': 'search' } });
    expect(withHeaders.headers['x-team']).toBe('search');
  });

  it('applies stream_timeout to streams only: a whole answer slower to start than it still arrives within timeout', async () => {
    // The answer starts long after stream_timeout (0.1 s), and well within timeout (5 s).
    upstream.respond(async (_r, res) => {
      await sleep(1_300);
      if (!res.destroyed) sendJson(res, 200, completion('chatcmpl-slow'));
    });
    const d = deployment('openai', { apiBase: upstream.url, timeoutMs: 5_000, streamTimeoutMs: 100 });
    const p = openAICompatibleProvider(preset('openai'));
    const result = await p.chat({ request: { model: 'some-model', messages: [{ role: 'user', content: 'hi' }] }, deployment: d, signal: new AbortController().signal });
    expect(result).toMatchObject({ stream: false, completion: { id: 'chatcmpl-slow' } });
  });

  it('passes parameters it does not know through to the upstream (vLLM top_k and friends)', async () => {
    const sent = await call('hosted_vllm', { apiBase: upstream.url }, { top_k: 20, repetition_penalty: 1.1 });
    expect(sent.json).toMatchObject({ top_k: 20, repetition_penalty: 1.1, model: 'some-model' });
  });
});

describe('unsupported parameters', () => {
  const groq = openAICompatibleProvider(preset('groq'));
  const body = { model: 'llama', messages: [{ role: 'user' as const, content: 'hi' }], logit_bias: { '50256': -100 }, temperature: 0.2, mock_response: 'x', metadata: { tags: ['a'] } };

  it('refuses a parameter the provider cannot take, naming it and the way out', () => {
    expect(() => prepareParams(body, groq, 'llama-3', false)).toThrow(expect.objectContaining({ kind: 'unsupported_params', param: 'logit_bias', message: expect.stringContaining('drop_params') }));
  });

  it('drops it under drop_params, from the config or the request, and strips gateway-only fields', () => {
    expect(prepareParams(body, groq, 'llama-3', true)).toEqual({ model: 'llama-3', messages: body.messages, temperature: 0.2 });
    expect(prepareParams({ ...body, drop_params: true }, groq, 'llama-3', false)).toEqual({ model: 'llama-3', messages: body.messages, temperature: 0.2 });
  });
});

describe("OpenAI's reasoning models", () => {
  it('get max_tokens as max_completion_tokens, which they take instead (o-series, gpt-5)', async () => {
    for (const model of ['o3-mini', 'o1', 'gpt-5', 'gpt-5-mini-2025-08-07']) {
      const sent = await call('openai', { apiBase: upstream.url, upstreamModel: model }, { max_tokens: 500 });
      expect(sent.json).toMatchObject({ max_completion_tokens: 500 });
      expect(sent.json).not.toHaveProperty('max_tokens');
    }
  });

  it('keep max_tokens on other models, and a max_completion_tokens the client sent', async () => {
    for (const model of ['gpt-4o-mini', 'gpt-5-chat-latest', 'omni-moderation-latest']) {
      expect((await call('openai', { apiBase: upstream.url, upstreamModel: model }, { max_tokens: 500 })).json).toMatchObject({ max_tokens: 500 });
    }
    const both = await call('openai', { apiBase: upstream.url, upstreamModel: 'o4-mini' }, { max_tokens: 500, max_completion_tokens: 300 });
    expect(both.json).toMatchObject({ max_completion_tokens: 300 });
    expect(both.json).not.toHaveProperty('max_tokens');
  });

  it('are recognized on Azure by model_info.base_model, since a deployment name says nothing', async () => {
    const sent = await call('azure', { apiBase: upstream.url, upstreamModel: 'prod-reasoner', modelInfo: { base_model: 'azure/o3-mini' } }, { max_tokens: 64 });
    expect(sent.json).toMatchObject({ max_completion_tokens: 64 });
    expect((await call('groq', { apiBase: upstream.url, upstreamModel: 'o3-mini' }, { max_tokens: 64 })).json).toMatchObject({ max_tokens: 64 });
  });
});
