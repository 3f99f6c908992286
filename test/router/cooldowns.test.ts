// Cooldowns: when a deployment is taken out of rotation, for how long, and what a model with every
// deployment cooling down answers.
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../shared/core/errors.ts';
import { harness, yamlFor } from './support.ts';

describe('cooldowns', () => {
  it('cools a deployment down at once on 429, 401 or 404, for cooldown_time (default 5 s)', async () => {
    for (const kind of ['rate_limited', 'upstream_auth', 'upstream_not_found'] as const) {
      const h = harness(yamlFor('m: a, b'));
      h.script({ a: [kind] });
      while (!h.calls.includes('a')) await h.route('m');
      expect(h.router.cooldowns.isCoolingDown('a'), kind).toBe(true);
      h.runtime.advance(4_900);
      expect(h.router.cooldowns.isCoolingDown('a')).toBe(true);
      h.runtime.advance(200);
      expect(h.router.cooldowns.isCoolingDown('a')).toBe(false);
    }
  });

  it('keeps traffic away from a cooling deployment until it is back', async () => {
    const h = harness(yamlFor('m: a, b', '{ cooldown_time: 30 }', { a: 'weight: 1000' }));
    h.script({ a: ['rate_limited'] });
    await h.route('m');
    h.calls.length = 0;
    for (let i = 0; i < 20; i++) await h.route('m');
    expect(new Set(h.calls)).toEqual(new Set(['b']));
    h.runtime.advance(30_001);
    await h.route('m');
    expect(h.calls.at(-1)).toBe('a');
  });

  it("lengthens the cooldown to an upstream Retry-After, up to 60 s, and takes a deployment's own cooldown_time", async () => {
    const h = harness(yamlFor('m: a, b, c', '{ cooldown_time: 1 }', { c: 'cooldown_time: 20' }));
    h.script({ a: [new GatewayError('rate_limited', '429', { retryAfter: 12 })], b: [new GatewayError('rate_limited', '429', { retryAfter: 3600 })], c: ['rate_limited'] });
    expect((await h.fail('m', { num_retries: 3 })).kind).toBe('rate_limited');
    expect(new Set(h.calls)).toEqual(new Set(['a', 'b', 'c']));
    h.runtime.advance(11_000);
    expect(['a', 'b', 'c'].map((id) => h.router.cooldowns.isCoolingDown(id))).toEqual([true, true, true]);
    h.runtime.advance(2_000);
    expect(['a', 'b', 'c'].map((id) => h.router.cooldowns.isCoolingDown(id))).toEqual([false, true, true]);
    h.runtime.advance(48_000);
    expect(['b', 'c'].map((id) => h.router.cooldowns.isCoolingDown(id))).toEqual([false, false]);
  });

  it('cools down after more than allowed_fails failures within a minute, not before, and counts minute by minute', async () => {
    const h = harness(yamlFor('m: a, b', '{ allowed_fails: 2, num_retries: 0 }', { a: 'weight: 1000000' }));
    const failOnA = async () => {
      h.script({ a: ['upstream_error'] });
      await h.fail('m', { disable_fallbacks: true });
    };
    await failOnA();
    await failOnA();
    expect(h.router.cooldowns.isCoolingDown('a')).toBe(false);
    h.runtime.advance(60_000);
    await failOnA();
    await failOnA();
    expect(h.router.cooldowns.isCoolingDown('a')).toBe(false);
    await failOnA();
    expect(h.router.cooldowns.isCoolingDown('a')).toBe(true);
  });

  it('does not count a bad request or a context-window error against the deployment', async () => {
    const h = harness(yamlFor('m: a, b', '{ allowed_fails: 0 }', { a: 'weight: 1000000' }));
    h.script({ a: ['invalid_request'] });
    await h.fail('m');
    h.script({ a: ['context_length_exceeded'] });
    await h.fail('m');
    expect(h.router.cooldowns.isCoolingDown('a')).toBe(false);
  });

  it("never cools down a model's only deployment, so its retries still reach it", async () => {
    const h = harness(yamlFor('m: a', '{ allowed_fails: 0 }'));
    h.script({ a: ['rate_limited'] });
    await h.route('m');
    expect(h.calls).toEqual(['a', 'a']);
    h.script({ a: ['upstream_auth'] });
    expect((await h.fail('m')).kind).toBe('upstream_auth');
    expect(h.router.cooldowns.isCoolingDown('a')).toBe(false);
    await h.route('m');
    expect(h.calls).toEqual(['a', 'a', 'a', 'a']);
  });

  it('answers 429 with the time until the first deployment is back when all are cooling down', async () => {
    const h = harness(yamlFor('m: a, b', '{ cooldown_time: 30, num_retries: 0 }', { b: 'cooldown_time: 10' }));
    h.script({ a: ['rate_limited'], b: ['rate_limited'] });
    await h.fail('m');
    await h.fail('m');
    h.calls.length = 0;
    h.runtime.advance(4_000);
    const error = await h.fail('m');
    expect(h.calls).toEqual([]);
    expect(error).toMatchObject({ kind: 'rate_limited', retryAfter: 6 });
    expect(error.message).toContain('No deployments available for selected model, Try again in 6 seconds');
  });

  it('by default cools a deployment down once more than half of its calls this minute failed', async () => {
    const h = harness(yamlFor('m: a, b', '{ num_retries: 0 }', { a: 'weight: 1000000' }));
    for (let i = 0; i < 3; i++) await h.route('m');
    h.script({ a: ['upstream_error', 'upstream_error', 'upstream_error'] });
    // 1 of 4, 2 of 5, 3 of 6 failed: not more than half.
    for (let i = 0; i < 3; i++) await h.fail('m', { disable_fallbacks: true });
    expect(h.router.cooldowns.isCoolingDown('a')).toBe(false);
    h.script({ a: ['upstream_error'] });
    await h.fail('m', { disable_fallbacks: true });
    expect(h.router.cooldowns.isCoolingDown('a')).toBe(true);
  });

  it("counts a failure's class against allowed_fails_policy, else allowed_fails", async () => {
    const h = harness(yamlFor('m: a, b', '{ num_retries: 0, allowed_fails_policy: { InternalServerErrorAllowedFails: 1, TimeoutErrorAllowedFails: 5 } }', { a: 'weight: 1000000' }));
    h.script({ a: ['timeout', 'timeout'] });
    await h.fail('m', { disable_fallbacks: true });
    await h.fail('m', { disable_fallbacks: true });
    expect(h.router.cooldowns.isCoolingDown('a')).toBe(false);
    h.script({ a: ['upstream_error'] });
    await h.fail('m', { disable_fallbacks: true });
    expect(h.router.cooldowns.isCoolingDown('a')).toBe(true);
  });
});
