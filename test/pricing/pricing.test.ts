import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LITELLM, OUTPUT, renderPrices, SOURCE } from '../../scripts/build-prices.ts';
import type { Deployment } from '../../shared/config/types.ts';
import { providerCost } from '../../shared/pricing/cost.ts';
import { chargedCost } from '../../shared/pricing/margin.ts';
import { priceLookup } from '../../shared/pricing/price-table.ts';
import { Pricer } from '../../shared/pricing/pricer.ts';
import { defaultProviders } from '../../shared/providers/registry.ts';
import { recordingLog } from '../helpers/gateway.ts';

const priceOf = priceLookup(defaultProviders());

const deployment = (provider: string, upstreamModel: string, overrides: Partial<Deployment> = {}): Deployment => ({
  id: `${provider}/${upstreamModel}`,
  modelName: 'm',
  provider,
  upstreamModel,
  timeoutMs: 1000,
  maxResponseBytes: 1024 * 1024,
  extraHeaders: {},
  params: {},
  modelInfo: {},
  ...overrides,
});

describe('price table', () => {
  it('prices.json is what npm run prices makes from the source file and the LiteLLM copy', () => {
    expect(readFileSync(OUTPUT, 'utf8')).toBe(renderPrices(readFileSync(SOURCE, 'utf8'), readFileSync(LITELLM, 'utf8')));
  });

  it('finds a model by provider and id, alias, Bedrock profile and Vertex spelling', () => {
    expect(priceOf(deployment('openai', 'gpt-4o'))).toMatchObject({ input_cost_per_token: 2.5e-6, output_cost_per_token: 1e-5, cache_read_input_token_cost: 1.25e-6, max_input_tokens: 128000 });
    expect(priceOf(deployment('azure', 'gpt-4o-2024-08-06'))?.input_cost_per_token).toBe(2.5e-6);
    expect(priceOf(deployment('anthropic', 'claude-sonnet-4-5'))).toMatchObject({ cache_creation_input_token_cost: 3.75e-6, cache_read_input_token_cost: 3e-7 });
    expect(priceOf(deployment('bedrock', 'us.anthropic.claude-sonnet-4-5-20250929-v1:0'))?.output_cost_per_token).toBe(1.5e-5);
    expect(priceOf(deployment('vertex_ai', 'claude-opus-4-1@20250805'))?.input_cost_per_token).toBe(1.5e-5);
    expect(priceOf(deployment('openrouter', 'some/model'))).toBeUndefined();
  });

  it('asks the provider where its models are listed, by model id or base_model: the mock answers for free', () => {
    const custom = priceLookup(new Map([['in-house', { priceKeys: (model: string) => [`openai/${model.replace(/^ours-/, '')}`] }]]));
    expect(custom(deployment('in-house', 'ours-gpt-4o'))?.input_cost_per_token).toBe(2.5e-6);
    expect(custom(deployment('openai', 'gpt-4o'))).toBeUndefined();
    expect(custom(deployment('azure', 'x', { modelInfo: { base_model: 'in-house/ours-gpt-4o-mini' } }))?.input_cost_per_token).toBe(1.5e-7);
    expect(priceOf(deployment('mock', 'anything'))).toMatchObject({ input_cost_per_token: 0, output_cost_per_token: 0 });
    expect(priceOf(deployment('bedrock', 'converse/us.anthropic.claude-sonnet-4-5-20250929-v1:0'))?.output_cost_per_token).toBe(1.5e-5);
  });

  it('lets config prices win, and model_info.base_model name the listed model', () => {
    expect(priceOf(deployment('openai', 'gpt-4o', { params: { input_cost_per_token: 1e-6, output_cost_per_token: 2e-6 } }))).toMatchObject({ input_cost_per_token: 1e-6, output_cost_per_token: 2e-6 });
    expect(priceOf(deployment('hosted_vllm', 'llama', { modelInfo: { input_cost_per_token: 0, output_cost_per_token: 0 } }))).toMatchObject({ input_cost_per_token: 0, output_cost_per_token: 0 });
    expect(priceOf(deployment('azure', 'my-deployment', { modelInfo: { base_model: 'azure/gpt-4.1-mini' } }))?.input_cost_per_token).toBe(4e-7);
  });
});

describe('cost', () => {
  const claude = priceOf(deployment('anthropic', 'claude-sonnet-4-5'))!;

  it('prices OpenAI cached tokens at the cache rate and the rest as input', () => {
    const gpt = priceOf(deployment('openai', 'gpt-4o'))!;
    const cost = providerCost({ prompt_tokens: 1000, completion_tokens: 100, total_tokens: 1100, prompt_tokens_details: { cached_tokens: 400 } }, gpt);
    expect(cost).toBeCloseTo(600 * 2.5e-6 + 400 * 1.25e-6 + 100 * 1e-5, 12);
  });

  it('prices Anthropic cache reads and writes once each, never also as plain input', () => {
    // As the Anthropic provider reports it: prompt_tokens = input + cache reads + cache writes.
    const usage = {
      prompt_tokens: 100 + 2000 + 3000,
      completion_tokens: 50,
      total_tokens: 5150,
      prompt_tokens_details: { cached_tokens: 2000 },
      cache_read_input_tokens: 2000,
      cache_creation_input_tokens: 3000,
    };
    expect(providerCost(usage, claude)).toBeCloseTo(100 * 3e-6 + 2000 * 3e-7 + 3000 * 3.75e-6 + 50 * 1.5e-5, 12);
  });

  it('adds margins by model name, then provider, then global; percentage and fixed', () => {
    const d = deployment('openai', 'gpt-4o', { modelName: 'gpt-4o' });
    expect(chargedCost(1, d, undefined)).toBe(1);
    expect(chargedCost(1, d, { global: 0.05 })).toBe(1.05);
    expect(chargedCost(1, d, { global: 0.05, openai: 0.1 })).toBe(1.1);
    expect(chargedCost(1, d, { openai: 0.1, 'gpt-4o': { fixed_amount: 0.001 } })).toBe(1.001);
    expect(chargedCost(2, d, { openai: { percentage: 0.5, fixed_amount: 0.25 } })).toBe(3.25);
  });

  it('logs an unpriced model once and charges 0 for it', () => {
    const log = recordingLog();
    const pricer = new Pricer(log, defaultProviders(), { global: 0.1 });
    const unpriced = deployment('openrouter', 'x/y');
    for (let i = 0; i < 3; i++) expect(pricer.costOf(unpriced, { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 })).toEqual({ provider: 0, charged: 0 });
    expect(log.lines.filter((l) => l.message.startsWith('unpriced model'))).toHaveLength(1);
    expect(pricer.costOf(deployment('openai', 'gpt-4o'), { prompt_tokens: 1_000_000, completion_tokens: 0, total_tokens: 1_000_000 })).toEqual({ provider: 2.5, charged: 2.75 });
  });
});
