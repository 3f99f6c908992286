// Retries: which failures are retried, how often, where, and how long the router waits between them.
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../shared/core/errors.ts';
import { harness, yamlFor } from './support.ts';

describe('retries', () => {
  it('retries 429, 408, 5xx and connection failures, num_retries times (default 2)', async () => {
    for (const kind of ['rate_limited', 'timeout', 'upstream_error', 'upstream_unavailable', 'upstream_unreachable'] as const) {
      const h = harness(yamlFor('m: a'));
      h.script({ a: [kind, kind] });
      expect((await h.route('m')).retries, kind).toBe(2);
      expect(h.calls).toEqual(['a', 'a', 'a']);
      h.script({ a: [kind, kind, kind] });
      expect((await h.fail('m')).kind).toBe(kind);
    }
    const h = harness(yamlFor('m: a', '{ num_retries: 4 }'));
    h.script({ a: Array(4).fill('upstream_error') });
    expect((await h.route('m')).retries).toBe(4);
  });

  it('never retries a bad request, a refused credential, a permission error, a missing model or a context-window error', async () => {
    for (const kind of ['invalid_request', 'upstream_auth', 'permission_denied', 'upstream_not_found', 'context_length_exceeded', 'content_policy_violation'] as const) {
      const h = harness(yamlFor('m: a'));
      h.script({ a: [kind] });
      expect((await h.fail('m')).kind, kind).toBe(kind);
      expect(h.calls, kind).toEqual(['a']);
      expect(h.runtime.sleeps).toEqual([]);
    }
  });

  it('sends a retry to another healthy deployment, at once, when there is one', async () => {
    const h = harness(yamlFor('m: a, b, c', '{ allowed_fails: 3 }'));
    h.script({ a: ['upstream_error'], b: ['upstream_error'], c: ['upstream_error'] });
    await h.route('m', { num_retries: 3 });
    expect(new Set(h.calls.slice(0, 3))).toEqual(new Set(['a', 'b', 'c']));
    expect(h.runtime.sleeps).toHaveLength(1);
  });

  it('backs off exponentially with jitter on the same deployment, and honours Retry-After up to 60 s', async () => {
    const h = harness(yamlFor('m: a', '{ num_retries: 4 }'));
    h.script({ a: ['upstream_error', 'upstream_error', 'upstream_error', 'upstream_error'] });
    await h.route('m');
    const [first, second, third, fourth] = h.runtime.sleeps;
    expect(first).toBeGreaterThan(375);
    expect(first).toBeLessThanOrEqual(500);
    expect(second).toBeGreaterThan(750);
    expect(second).toBeLessThanOrEqual(1000);
    expect(third).toBeGreaterThan(1500);
    expect(fourth).toBeLessThanOrEqual(4000);
    expect(new Set(h.runtime.sleeps.map((ms, i) => ms / 2 ** i)).size).toBeGreaterThan(1);

    const hinted = harness(yamlFor('m: a'));
    hinted.script({ a: [new GatewayError('rate_limited', '429', { retryAfter: 3 }), new GatewayError('rate_limited', '429', { retryAfter: 600 })] });
    await hinted.route('m');
    expect(hinted.runtime.sleeps).toEqual([3000, 60_000]);
  });

  it('takes num_retries from the request, then retry_policy by kind, then router_settings', async () => {
    const h = harness(yamlFor('m: a', '{ num_retries: 1, retry_policy: { RateLimitErrorRetries: 3, TimeoutErrorRetries: 0 } }'));
    h.script({ a: ['rate_limited', 'rate_limited', 'rate_limited'] });
    expect((await h.route('m')).retries).toBe(3);
    h.script({ a: ['timeout'] });
    expect((await h.fail('m')).kind).toBe('timeout');
    h.script({ a: ['upstream_error'] });
    expect((await h.route('m')).retries).toBe(1);
    h.script({ a: ['rate_limited'] });
    expect((await h.fail('m', { num_retries: 0 })).kind).toBe('rate_limited');
  });

  it('gives a deployment at most 1 + its max_retries attempts per request', async () => {
    // allowed_fails keeps the failing deployments out of cooldown for this request.
    const h = harness(yamlFor('m: a, b', '{ num_retries: 5, allowed_fails: 3 }', { a: 'max_retries: 0', b: 'max_retries: 1' }));
    h.script({ a: ['upstream_error', 'upstream_error'], b: ['upstream_error', 'upstream_error'] });
    expect((await h.fail('m')).kind).toBe('upstream_error');
    expect(h.calls.filter((id) => id === 'a')).toHaveLength(1);
    expect(h.calls.filter((id) => id === 'b')).toHaveLength(2);
  });

  it('moves past a deployment that answers 401 or 404 to another of the model, even with num_retries 0', async () => {
    for (const kind of ['upstream_auth', 'upstream_not_found'] as const) {
      const h = harness(yamlFor('m: a, b', '{ num_retries: 0 }'));
      h.script({ a: [kind], b: [kind] });
      const error = await h.fail('m');
      expect(error.kind).toBe(kind);
      expect(new Set(h.calls)).toEqual(new Set(['a', 'b']));
      h.script({});
      // Both are cooling down now: the model has nowhere to go.
      expect((await h.fail('m')).kind).toBe('rate_limited');
    }
  });

  it('stops retrying when the client has gone', async () => {
    const h = harness(yamlFor('m: a'));
    h.script({ a: ['upstream_error', 'upstream_error'] });
    const promise = h.route('m');
    h.lastCtx().abort();
    await expect(promise).rejects.toMatchObject({ kind: 'upstream_error' });
    expect(h.calls).toEqual(['a']);
  });

  it('reports the retries and fallbacks it made in LiteLLM headers', async () => {
    const h = harness(yamlFor('m: a; n: b', '{ fallbacks: [{ m: [n] }] }'));
    h.script({ a: ['upstream_error', 'upstream_error', 'upstream_error'] });
    const routed = await h.route('m');
    expect(routed).toMatchObject({ value: 'b', retries: 2, fallbacks: 1 });
    expect(h.lastCtx().responseHeaders).toMatchObject({ 'x-litellm-attempted-retries': '2', 'x-litellm-attempted-fallbacks': '1' });
  });
});
