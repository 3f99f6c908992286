import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_KINDS, GatewayError, asGatewayError } from '../../shared/core/errors.ts';
import { redact, upstreamError } from '../../shared/providers/upstream-errors.ts';

describe('error vocabulary', () => {
  it('docs/ERRORS.md lists exactly the kinds in the code, with the same status, type and code', () => {
    const rows = readFileSync('docs/ERRORS.md', 'utf8')
      .split('\n')
      // Biome pads the table's columns.
      .filter((l) => /^\| [a-z_]+ +\| \d{3} +\|/.test(l));
    const documented = Object.fromEntries(
      rows.map((row) => {
        const [kind, status, type, code] = row
          .split('|')
          .slice(1, 5)
          .map((c) => c.trim());
        return [kind, { status: Number(status), type, code }];
      }),
    );
    expect(documented).toEqual(ERROR_KINDS);
  });

  it('serializes in OpenAI shape and hides unknown errors behind a plain 500', () => {
    expect(new GatewayError('rate_limited', 'slow down', { param: 'x' }).toJSON()).toEqual({ error: { message: 'slow down', type: 'rate_limit_error', param: 'x', code: '429' } });
    const hidden = asGatewayError(new Error('secret stack detail at /srv/app.ts:12'));
    expect(hidden.status).toBe(500);
    expect(JSON.stringify(hidden.toJSON())).not.toContain('secret stack detail');
  });

  it('classifies upstream failures by status and message', () => {
    const kind = (status: number, message: string, code?: string) => upstreamError({ provider: 'p', status, message, code }).kind;
    expect(kind(400, "This model's maximum context length is 8192 tokens")).toBe('context_length_exceeded');
    expect(kind(400, 'prompt is too long: 210000 tokens > 200000 maximum')).toBe('context_length_exceeded');
    expect(kind(400, 'x', 'context_length_exceeded')).toBe('context_length_exceeded');
    expect(kind(400, 'filtered', 'content_filter')).toBe('content_policy_violation');
    expect(kind(400, 'bad field')).toBe('invalid_request');
    expect(kind(401, 'nope')).toBe('upstream_auth');
    expect(kind(404, 'no model')).toBe('upstream_not_found');
    expect(kind(408, 'slow')).toBe('timeout');
    expect(kind(429, 'slow down')).toBe('rate_limited');
    expect(kind(500, 'boom')).toBe('upstream_error');
    expect(kind(503, 'down')).toBe('upstream_unavailable');
    expect(kind(529, 'Overloaded')).toBe('upstream_unavailable');
  });

  it('masks credentials and key-shaped strings in upstream messages', () => {
    expect(redact('bad key my-secret-value here', ['my-secret-value'])).toBe('bad key *** here');
    expect(redact('Incorrect API key provided: sk-proj-abcdefghijklmnop')).not.toContain('abcdefghijklmnop');
  });
});
