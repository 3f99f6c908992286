// Fallbacks: which groups are tried after a model group fails, chosen by the kind of failure, from the
// config or the request.
import { describe, expect, it } from 'vitest';
import { harness, yamlFor } from './support.ts';

const groups = 'm: a; big: b; safe: s; other: o; last: l';
const settings = '{ num_retries: 1, fallbacks: [{ m: [other, last] }], context_window_fallbacks: [{ m: [big] }], content_policy_fallbacks: [{ m: [safe] }] }';

describe('fallbacks', () => {
  it('goes to `fallbacks` in order once the retries are spent', async () => {
    const h = harness(yamlFor(groups, settings));
    h.script({ a: ['upstream_error', 'upstream_error'], o: ['upstream_unavailable', 'upstream_unavailable'] });
    const routed = await h.route('m');
    expect(h.calls).toEqual(['a', 'a', 'o', 'o', 'l']);
    expect(routed).toMatchObject({ value: 'l', fallbacks: 2, retries: 2 });
  });

  it('sends a context-window error to context_window_fallbacks and a content-policy refusal to content_policy_fallbacks, without retrying', async () => {
    const h = harness(yamlFor(groups, settings));
    h.script({ a: ['context_length_exceeded'] });
    expect((await h.route('m')).value).toBe('b');
    h.script({ a: ['content_policy_violation'] });
    expect((await h.route('m')).value).toBe('s');
    expect(h.calls).toEqual(['a', 'b', 'a', 's']);
  });

  it('uses `fallbacks` for those errors when no specific list names the model', async () => {
    const h = harness(yamlFor(groups, '{ fallbacks: [{ m: [other] }] }'));
    h.script({ a: ['context_length_exceeded'] });
    expect((await h.route('m')).value).toBe('o');
  });

  it('answers a bad request at once, without fallbacks', async () => {
    const h = harness(yamlFor(groups, settings));
    h.script({ a: ['invalid_request'] });
    expect((await h.fail('m')).kind).toBe('invalid_request');
    expect(h.calls).toEqual(['a']);
  });

  it('raises the last failure when every fallback fails too', async () => {
    const h = harness(yamlFor(groups, '{ num_retries: 0, fallbacks: [{ m: [other] }] }'));
    h.script({ a: ['upstream_error'], o: ['timeout'] });
    expect((await h.fail('m')).kind).toBe('timeout');
  });

  it('tries at most max_fallbacks groups', async () => {
    const h = harness(yamlFor(groups, '{ num_retries: 0, max_fallbacks: 1, fallbacks: [{ m: [other, last] }] }'));
    h.script({ a: ['upstream_error'], o: ['upstream_error'] });
    await h.fail('m');
    expect(h.calls).toEqual(['a', 'o']);
  });

  it("follows a fallback group's own fallbacks, each group once, so a cycle ends", async () => {
    const h = harness(yamlFor(groups, '{ num_retries: 0, fallbacks: [{ m: [other] }, { other: [m, last] }, { last: [other] }] }'));
    h.script({ a: ['upstream_error'], o: ['upstream_error'], l: ['upstream_error'] });
    expect((await h.fail('m')).kind).toBe('upstream_error');
    expect(h.calls).toEqual(['a', 'o', 'l']);
    h.script({ a: ['upstream_error'], o: ['upstream_error'] });
    expect(await h.route('m')).toMatchObject({ value: 'l', fallbacks: 2 });
  });

  it('sends a group with no fallbacks of its own to default_fallbacks', async () => {
    const h = harness(yamlFor(groups, '{ num_retries: 0, default_fallbacks: [last], fallbacks: [{ other: [safe] }] }'));
    h.script({ a: ['upstream_error'] });
    expect((await h.route('m')).value).toBe('l');
    h.script({ o: ['upstream_error'] });
    expect((await h.route('other')).value).toBe('s');
  });

  it("takes fallbacks from the request, in LiteLLM's three forms, and disable_fallbacks turns them off", async () => {
    const h = harness(yamlFor(groups, settings));
    for (const fallbacks of [['last'], [{ model: 'last' }], [{ m: ['last'] }]]) {
      h.script({ a: ['upstream_error', 'upstream_error'] });
      expect((await h.route('m', { fallbacks })).value, JSON.stringify(fallbacks)).toBe('l');
    }
    h.script({ a: ['context_length_exceeded'] });
    expect((await h.route('m', { context_window_fallbacks: ['safe'] })).value).toBe('s');
    h.script({ a: ['upstream_error', 'upstream_error'] });
    expect((await h.fail('m', { disable_fallbacks: true })).kind).toBe('upstream_error');
  });

  it('refuses request fallbacks that name a model the gateway does not serve, and malformed routing fields', async () => {
    const h = harness(yamlFor(groups, settings));
    await expect(h.route('m', { fallbacks: ['gpt-nope'] })).rejects.toMatchObject({ kind: 'invalid_request', param: 'fallbacks', message: expect.stringContaining('gpt-nope') });
    await expect(h.route('m', { fallbacks: 'other' })).rejects.toMatchObject({ kind: 'invalid_request', param: 'fallbacks' });
    await expect(h.route('m', { fallbacks: [42] })).rejects.toMatchObject({ kind: 'invalid_request', param: 'fallbacks[0]' });
    await expect(h.route('m', { num_retries: -1 })).rejects.toMatchObject({ kind: 'invalid_request', param: 'num_retries' });
    await expect(h.route('m', { disable_fallbacks: 'yes' })).rejects.toMatchObject({ kind: 'invalid_request', param: 'disable_fallbacks' });
    expect(h.calls).toEqual([]);
  });

  it("sends a prompt estimated above every deployment's max_input_tokens straight to context_window_fallbacks", async () => {
    const h = harness(yamlFor(groups, settings, { 'a.info': 'max_input_tokens: 1000' }));
    expect((await h.route('m', {}, 1000)).value).toBe('a');
    expect((await h.route('m', {}, 1001)).value).toBe('b');
    expect(h.calls).toEqual(['a', 'b']);
    const alone = harness(yamlFor('m: a', '{}', { 'a.info': 'max_input_tokens: 1000' }));
    const error = await alone.fail('m', {}, 5000);
    expect(error).toMatchObject({ kind: 'context_length_exceeded', param: 'messages' });
    expect(error.message).toContain('max_input_tokens 1000');
    expect(alone.calls).toEqual([]);
  });

  it('skips the deployments a prompt does not fit, keeping the ones it does', async () => {
    const h = harness(yamlFor('m: small, large', '{}', { 'small.info': 'max_input_tokens: 100', small: 'weight: 1000000' }));
    for (let i = 0; i < 5; i++) await h.route('m', {}, 500);
    expect(new Set(h.calls)).toEqual(new Set(['large']));
  });
});
