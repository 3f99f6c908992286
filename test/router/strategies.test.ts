// Each routing strategy, on deterministic state: a manual clock and a seeded random source.
import { describe, expect, it } from 'vitest';
import type { Deployment } from '../../shared/config/types.ts';
import { priceLookup } from '../../shared/pricing/price-table.ts';
import { defaultProviders } from '../../shared/providers/registry.ts';
import { DeploymentStats } from '../../shared/router/deployment-stats.ts';
import { EXPLORATION_SHARE } from '../../shared/router/strategies/latency-based.ts';
import { createStrategy } from '../../shared/router/strategies/strategy.ts';
import { testRuntime } from '../helpers/router-runtime.ts';
import { configOf, fakeContext, harness, yamlFor } from './support.ts';

function setup(strategy: string, deployments: string, extra: Record<string, string> = {}, args = '') {
  const config = configOf(yamlFor(deployments, `{ routing_strategy: ${strategy}${args} }`, extra));
  const runtime = testRuntime(3);
  const stats = new DeploymentStats(runtime.now);
  const pick = createStrategy({ stats, random: runtime.random, settings: config.router, priceOf: priceLookup(defaultProviders()) });
  const byId = (id: string) => config.deployments.find((d) => d.id === id)!;
  const tally = (n: number, promptTokens = 10) => {
    const counts: Record<string, number> = {};
    for (let i = 0; i < n; i++) {
      const chosen = pick.pick(config.deployments, { promptTokens });
      if (chosen) counts[chosen.id] = (counts[chosen.id] ?? 0) + 1;
    }
    return counts;
  };
  return { config, runtime, stats, pick, byId, tally, all: config.deployments as Deployment[] };
}

describe('simple-shuffle', () => {
  it('shares traffic by weight, else by rpm, else tpm, else evenly', () => {
    const weighted = setup('simple-shuffle', 'm: a, b', { a: 'weight: 3', b: 'weight: 1' }).tally(4000);
    expect(weighted['a']! / 4000).toBeCloseTo(0.75, 1);
    const byRpm = setup('simple-shuffle', 'm: a, b', { a: 'rpm: 100', b: 'rpm: 900' }).tally(4000);
    expect(byRpm['b']! / 4000).toBeCloseTo(0.9, 1);
    const byTpm = setup('simple-shuffle', 'm: a, b', { a: 'tpm: 1000', b: 'tpm: 3000' }).tally(4000);
    expect(byTpm['b']! / 4000).toBeCloseTo(0.75, 1);
    const even = setup('simple-shuffle', 'm: a, b').tally(4000);
    expect(even['a']! / 4000).toBeCloseTo(0.5, 1);
  });

  it('is the default', () => {
    expect(configOf(yamlFor('m: a')).router.strategy).toBe('simple-shuffle');
  });
});

describe('least-busy', () => {
  it('picks the deployment with the fewest requests in flight', () => {
    const { stats, pick, all } = setup('least-busy', 'm: a, b, c');
    stats.started('a');
    stats.started('a');
    stats.started('b');
    stats.started('c');
    stats.started('c');
    expect(pick.pick(all, { promptTokens: 1 })!.id).toBe('b');
    stats.started('b');
    stats.started('b');
    stats.finished('a');
    stats.finished('a');
    expect(pick.pick(all, { promptTokens: 1 })!.id).toBe('a');
  });

  it('counts a routed request in flight until its response is finished', async () => {
    const h = harness(yamlFor('m: a, b', '{ routing_strategy: least-busy }'));
    const first = await h.route('m');
    const held = h.lastCtx();
    const second = await h.route('m');
    expect(second.value).not.toBe(first.value);
    await held.finish();
    expect((await h.route('m')).value).toBe(first.value);
  });
});

describe('latency-based-routing', () => {
  it('picks the lowest recent mean latency, trying unmeasured deployments first, with a small random share elsewhere', () => {
    const { stats, tally } = setup('latency-based-routing', 'm: a, b, c');
    stats.recordLatency('a', 300);
    stats.recordLatency('b', 100);
    expect(tally(1)).toEqual({ c: 1 });
    stats.recordLatency('c', 500);
    const counts = tally(4000);
    expect(counts['b']! / 4000).toBeGreaterThan(0.95);
    // Slow deployments still get re-measured now and then.
    expect((counts['a'] ?? 0) + (counts['c'] ?? 0)).toBeGreaterThan(4000 * EXPLORATION_SHARE * 0.4);
    expect((counts['a'] ?? 0) + (counts['c'] ?? 0)).toBeLessThan(4000 * EXPLORATION_SHARE * 1.2);
  });

  it('forgets measurements older than routing_strategy_args.ttl and shares traffic within lowest_latency_buffer', () => {
    const { stats, runtime, tally } = setup('latency-based-routing', 'm: a, b', {}, ', routing_strategy_args: { ttl: 60, lowest_latency_buffer: 0.5 }');
    stats.recordLatency('a', 100);
    stats.recordLatency('b', 140);
    const shared = tally(2000);
    expect(shared['a']! / 2000).toBeCloseTo(0.5, 1);
    runtime.advance(61_000);
    stats.recordLatency('a', 500);
    stats.recordLatency('b', 200);
    expect(tally(200)['b']).toBeGreaterThan(180);
  });

  it('measures through the router: time to the commit point', async () => {
    const h = harness(yamlFor('m: slow, fast', '{ routing_strategy: latency-based-routing }'));
    // Drive the clock from inside the attempts: `slow` takes 800 ms, `fast` 50 ms.
    const attempt = async (d: Deployment) => {
      h.runtime.advance(d.id === 'slow' ? 800 : 50);
      return d.id;
    };
    const answers: string[] = [];
    for (let i = 0; i < 40; i++) answers.push((await h.router.route({ model: 'm', promptTokens: 1, options: { disableFallbacks: false } }, fakeContext(), attempt)).value);
    expect(answers.slice(2).filter((id) => id === 'fast').length).toBeGreaterThan(34);
  });
});

describe('usage-based-routing', () => {
  it('picks the fewest tokens this minute among deployments under their rpm and tpm, and starts over each minute', () => {
    const { stats, runtime, pick, all, byId } = setup('usage-based-routing', 'm: a, b, c', { a: 'rpm: 2', c: 'tpm: 1000' });
    stats.recordTokens('a', 10);
    stats.recordTokens('b', 500);
    stats.recordTokens('c', 20);
    expect(pick.pick(all, { promptTokens: 5 })!.id).toBe('a');
    stats.started('a');
    stats.started('a');
    // a has had its 2 requests this minute; c would go over its tpm with this prompt.
    expect(pick.pick(all, { promptTokens: 990 })!.id).toBe('b');
    stats.started('b');
    stats.recordTokens('b', 1_000_000);
    expect(pick.pick([byId('a'), byId('c')], { promptTokens: 990 })).toBeUndefined();
    runtime.advance(60_000);
    expect(pick.pick([byId('a'), byId('c')], { promptTokens: 990 })).toBeDefined();
    expect(stats.usageThisMinute('b')).toEqual({ requests: 0, tokens: 0 });
  });

  it("accepts LiteLLM's usage-based-routing-v2 name, and answers 429 until the next minute when every deployment is at its limit", async () => {
    expect(configOf(yamlFor('m: a', '{ routing_strategy: usage-based-routing-v2 }')).router.strategy).toBe('usage-based-routing');
    const h = harness(yamlFor('m: a, b', '{ routing_strategy: usage-based-routing }', { a: 'rpm: 1', b: 'rpm: 1' }));
    await h.route('m');
    await h.route('m');
    const error = await h.fail('m');
    expect(error.kind).toBe('rate_limited');
    expect(error.retryAfter).toBeGreaterThan(0);
    expect(error.retryAfter).toBeLessThanOrEqual(60);
    expect(error.message).toContain('rpm/tpm');
  });

  it('counts tokens from the finished response through the router', async () => {
    const h = harness(yamlFor('m: a, b', '{ routing_strategy: usage-based-routing }'));
    const first = await h.route('m');
    const ctx = h.lastCtx();
    ctx.usedTokens = 150;
    await ctx.finish();
    expect(h.router.stats.usageThisMinute(first.value).tokens).toBe(150);
    expect((await h.route('m')).value).not.toBe(first.value);
  });
});

describe('cost-based-routing', () => {
  it('picks the cheapest per token, from litellm_params or model_info; unpriced counts as most expensive', () => {
    const { pick, all, byId, stats } = setup('cost-based-routing', 'm: pricey, cheap, unknown', {
      pricey: 'input_cost_per_token: 0.00001, output_cost_per_token: 0.00003',
      'cheap.info': 'input_cost_per_token: 0.000001, output_cost_per_token: 0.000002',
      cheap: 'rpm: 1',
    });
    expect(pick.pick(all, { promptTokens: 1 })!.id).toBe('cheap');
    expect(pick.pick([byId('unknown'), byId('pricey')], { promptTokens: 1 })!.id).toBe('pricey');
    stats.started('cheap');
    expect(pick.pick(all, { promptTokens: 1 })!.id).toBe('pricey');
  });

  it('prices deployments without configured prices from the price table', () => {
    const config = configOf(`
model_list:
  - model_name: m
    litellm_params: { model: openai/gpt-4o, api_key: sk-x }
  - model_name: m
    litellm_params: { model: openai/gpt-4o-mini, api_key: sk-x }
  - model_name: m
    litellm_params: { model: openai/not-in-the-table, api_key: sk-x }
router_settings: { routing_strategy: cost-based-routing }
`);
    const runtime = testRuntime(5);
    const pick = createStrategy({ stats: new DeploymentStats(runtime.now), random: runtime.random, settings: config.router, priceOf: priceLookup(defaultProviders()) });
    expect(pick.pick(config.deployments, { promptTokens: 1 })!.upstreamModel).toBe('gpt-4o-mini');
    expect(pick.pick([config.deployments[2]!, config.deployments[0]!], { promptTokens: 1 })!.upstreamModel).toBe('gpt-4o');
  });
});
