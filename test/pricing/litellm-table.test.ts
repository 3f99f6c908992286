// The price table made from LiteLLM's (shared/pricing/litellm/): every model it prices, under the
// providers that serve them, with its tiers, reasoning, audio and image rates metered, and read on
// first use rather than bundled into the gateway.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { EXPORTERS_IMPORT } from '../../infra/exporters-bundle.ts';
import { litellmPrices, tollgateKey } from '../../scripts/build-prices.ts';
import { providerCost } from '../../shared/pricing/cost.ts';
import { priceLookup, priceTable } from '../../shared/pricing/price-table.ts';
import { defaultProviders } from '../../shared/providers/registry.ts';
import { testDeployment } from '../helpers/fixtures.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const priceOf = priceLookup(defaultProviders());
const deployment = (provider: string, upstreamModel: string) => testDeployment({ id: `${provider}/${upstreamModel}`, modelName: 'm', provider, upstreamModel });

describe('the price table from LiteLLM', () => {
  it('holds more than 2,000 models, each with a price', () => {
    const table = priceTable();
    expect(Object.keys(table).length).toBeGreaterThan(2000);
    for (const price of Object.values(table)) expect(typeof price.input_cost_per_token).toBe('number');
  });

  it('prices Cohere chat, Vertex partner, SageMaker, Azure-only and OpenAI-compatible providers as LiteLLM does', () => {
    expect(priceOf(deployment('cohere', 'command-r'))).toMatchObject({ input_cost_per_token: 1.5e-7, output_cost_per_token: 6e-7, mode: 'chat' });
    expect(priceOf(deployment('vertex_ai', 'meta/llama-3.1-405b-instruct-maas'))).toMatchObject({ input_cost_per_token: 5e-6, output_cost_per_token: 1.6e-5, max_input_tokens: 128000 });
    expect(priceOf(deployment('vertex_ai', 'mistral-large@2407'))?.input_cost_per_token).toBe(2e-6);
    expect(priceOf(deployment('sagemaker', 'meta-textgeneration-llama-2-7b-f'))).toMatchObject({ input_cost_per_token: 0, output_cost_per_token: 0, max_input_tokens: 4096 });
    expect(priceOf(deployment('azure', 'gpt-35-turbo'))).toMatchObject({ input_cost_per_token: 5e-7, max_input_tokens: 4097 });
    expect(priceOf(deployment('together_ai', 'meta-llama/Llama-3.3-70B-Instruct-Turbo'))?.input_cost_per_token).toBe(8.8e-7);
    // A hand-kept entry wins over LiteLLM's (Azure's gpt-4o is priced as OpenAI's, as before).
    expect(priceOf(deployment('azure', 'gpt-4o'))?.input_cost_per_token).toBe(2.5e-6);
  });

  it("renames LiteLLM's keys to the provider that serves them", () => {
    expect(tollgateKey('gpt-4o', 'openai').key).toBe('openai/gpt-4o');
    expect(tollgateKey('gemini-2.5-pro', 'vertex_ai-language-models').key).toBe('vertex_ai/gemini-2.5-pro');
    expect(tollgateKey('vertex_ai/claude-sonnet-4@20250514', 'vertex_ai-anthropic_models').key).toBe('vertex_ai/claude-sonnet-4@20250514');
    expect(tollgateKey('us.anthropic.claude-sonnet-4-20250514-v1:0', 'bedrock_converse')).toEqual({ section: 'bedrock', key: 'bedrock/anthropic.claude-sonnet-4-20250514-v1:0', profile: true });
    expect(tollgateKey('command-r', 'cohere_chat').key).toBe('cohere/command-r');
  });

  it('turns tiered prices into above-N prices, takes the cache-hit price, and leaves out what the gateway does not meter', () => {
    const prices = litellmPrices(
      JSON.stringify({
        sample_spec: { litellm_provider: 'openai', input_cost_per_token: 0 },
        'qwen-plus': {
          litellm_provider: 'dashscope',
          tiered_pricing: [
            { range: [0, 256000], input_cost_per_token: 4e-7, output_cost_per_token: 1.2e-6 },
            { range: [256000, 1000000], input_cost_per_token: 1.2e-6, output_cost_per_token: 3.6e-6 },
          ],
        },
        'deepseek-chat': { litellm_provider: 'deepseek', input_cost_per_token: 2.8e-7, output_cost_per_token: 4.2e-7, input_cost_per_token_cache_hit: 2.8e-8 },
        'stability/inpaint': { litellm_provider: 'stability', mode: 'image_edit', output_cost_per_image: 0.005 },
        'github_copilot/gpt-4o': { litellm_provider: 'github_copilot', mode: 'chat', max_input_tokens: 64000 },
        'vercel_ai_gateway/openai/text-embedding-3-small': { litellm_provider: 'vercel_ai_gateway', mode: 'embedding', input_cost_per_token: 2e-8, max_input_tokens: 0 },
      }),
    );
    expect(prices['dashscope/qwen-plus']).toMatchObject({
      input_cost_per_token: 4e-7,
      output_cost_per_token: 1.2e-6,
      input_cost_per_token_above_256k_tokens: 1.2e-6,
      output_cost_per_token_above_256k_tokens: 3.6e-6,
    });
    expect(prices['deepseek/deepseek-chat']?.['cache_read_input_token_cost']).toBe(2.8e-8);
    expect(prices['vercel_ai_gateway/openai/text-embedding-3-small']).not.toHaveProperty('max_input_tokens');
    expect(Object.keys(prices).sort()).toEqual(['dashscope/qwen-plus', 'deepseek/deepseek-chat', 'vercel_ai_gateway/openai/text-embedding-3-small']);
  });

  it('prices a long prompt at the model’s above-N rates, the whole call', () => {
    const gemini = priceOf(deployment('gemini', 'gemini-pro-latest'))!;
    const usage = (prompt: number) => ({ prompt_tokens: prompt, completion_tokens: 1000, total_tokens: prompt + 1000 });
    expect(providerCost(usage(100_000), gemini)).toBeCloseTo(100_000 * 1.25e-6 + 1000 * 1e-5, 9);
    expect(providerCost(usage(250_000), gemini)).toBeCloseTo(250_000 * 2.5e-6 + 1000 * 1.5e-5, 9);
    const doubao = priceTable()['volcengine/doubao-seed-2-0-pro-260215']!;
    expect(providerCost(usage(10_000), doubao)).toBeCloseTo(10_000 * 4.6e-7 + 1000 * 2.3e-6, 9);
    expect(providerCost(usage(50_000), doubao)).toBeCloseTo(50_000 * 7e-7 + 1000 * 3.5e-6, 9);
    expect(providerCost(usage(200_000), doubao)).toBeCloseTo(200_000 * 1.4e-6 + 1000 * 7e-6, 9);
  });

  it('prices reasoning, audio and image tokens at their own rates where the model has them, else as text', () => {
    const price = { input_cost_per_token: 1e-6, output_cost_per_token: 2e-6, output_cost_per_reasoning_token: 3e-6, input_cost_per_audio_token: 4e-6, output_cost_per_image_token: 5e-6 };
    const usage = {
      prompt_tokens: 1000,
      completion_tokens: 500,
      total_tokens: 1500,
      prompt_tokens_details: { audio_tokens: 200 },
      completion_tokens_details: { reasoning_tokens: 100, image_tokens: 50, audio_tokens: 10 },
    };
    expect(providerCost(usage, price)).toBeCloseTo(800 * 1e-6 + 200 * 4e-6 + 350 * 2e-6 + 100 * 3e-6 + 50 * 5e-6, 12);
    expect(providerCost(usage, { input_cost_per_token: 1e-6, output_cost_per_token: 2e-6 })).toBeCloseTo(1000 * 1e-6 + 500 * 2e-6, 12);
  });

  it('is read on first use, not bundled into the gateway', async () => {
    const result = await build({
      entryPoints: [join(ROOT, 'functions/gateway/handler.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node24',
      minify: true,
      write: false,
      outdir: join(ROOT, 'cdk.out', 'never-written'),
      external: ['@aws-sdk/*', EXPORTERS_IMPORT],
      logLevel: 'silent',
    });
    const bundle = result.outputFiles.map((file) => file.text).join('');
    expect(bundle.length).toBeGreaterThan(100_000);
    expect(bundle).not.toContain('granite-ttm-1024-96-r2');
    expect(bundle).not.toContain('"input_cost_per_token":0.0000025');
  });
});
