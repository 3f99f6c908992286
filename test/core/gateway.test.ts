// The core's contract, without sockets: routes, auth, after-response hooks, abandonment → abort.
import { describe, expect, it } from 'vitest';
import { createGateway } from '../../shared/core/gateway.ts';
import { RouteTable } from '../../shared/core/route-table.ts';
import type { GatewayRequest, RequestContext, Route } from '../../shared/core/types.ts';
import { recordingLog } from '../helpers/gateway.ts';

const request = (overrides: Partial<GatewayRequest> = {}): GatewayRequest => ({
  method: 'GET',
  path: '/x',
  query: {},
  headers: {},
  body: '',
  signal: new AbortController().signal,
  ...overrides,
});

function gatewayWith(routes: Route[], masterKey: string | null = 'sk-master', hooks: Array<(ctx: RequestContext) => void> = []) {
  return createGateway({ routes: new RouteTable().add(...routes), log: recordingLog(), masterKey: masterKey ?? undefined, authenticators: [], afterResponse: hooks });
}

describe('route table', () => {
  const route = (method: Route['method'], ...paths: string[]): Route => ({ method, paths, auth: 'public', handle: async (_r, _c, params) => ({ body: JSON.stringify(params) }) });

  it('matches exact paths, {param} segments, and tells a wrong method from a missing route', () => {
    const table = new RouteTable().add(route('GET', '/a', '/b'), route('POST', '/key/{key}/regenerate'));
    expect(table.match('GET', '/b')).toMatchObject({ kind: 'found' });
    expect(table.match('GET', '/a/')).toMatchObject({ kind: 'found' });
    expect(table.match('POST', '/key/sk-1%2F2/regenerate')).toMatchObject({ kind: 'found', params: { key: 'sk-1/2' } });
    expect(table.match('POST', '/a')).toEqual({ kind: 'wrong_method', allowed: ['GET'] });
    expect(table.match('GET', '/key/x/regenerate')).toEqual({ kind: 'wrong_method', allowed: ['POST'] });
    expect(table.match('GET', '/nope')).toEqual({ kind: 'none' });
    expect(() => table.add(route('GET', '/a'))).toThrow(/twice/);
  });

  it('matches a {param}:method segment (Google paths) only with that suffix and a non-empty parameter', () => {
    const table = new RouteTable().add(route('POST', '/gemini/{version}/models/{model}:generateContent'), route('POST', '/gemini/{version}/models/{model}:streamGenerateContent'));
    expect(table.match('POST', '/gemini/v1beta/models/gemini-2.5-flash:generateContent')).toMatchObject({ kind: 'found', params: { version: 'v1beta', model: 'gemini-2.5-flash' } });
    expect(table.match('POST', '/gemini/v1beta/models/a%3Ab:streamGenerateContent')).toMatchObject({ kind: 'found', params: { model: 'a:b' } });
    expect(table.match('POST', '/gemini/v1beta/models/:generateContent')).toEqual({ kind: 'none' });
    expect(table.match('POST', '/gemini/v1beta/models/gemini-2.5-flash:countTokens')).toEqual({ kind: 'none' });
  });

  it('answers broken percent-encoding in a {param} segment with a 400 that does not echo the segment', async () => {
    const response = await gatewayWith([route('GET', '/key/{key}')]).handle(request({ path: '/key/sk-secret%E0%A4%A' }));
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body as string)).toMatchObject({ error: { type: 'invalid_request_error', message: expect.stringMatching(/percent-encoding/) } });
    expect(response.body).not.toContain('sk-secret');
  });
});

describe('gateway', () => {
  const echoIdentity: Route = { method: 'GET', paths: ['/x'], auth: 'caller', handle: async (_r, ctx) => ({ body: JSON.stringify(ctx.identity) }) };
  const adminOnly: Route = { method: 'GET', paths: ['/admin'], auth: 'admin', handle: async () => ({ body: '{}' }) };

  it('takes the key from Authorization or the headers LiteLLM reads, and compares it to the master key', async () => {
    const gateway = gatewayWith([echoIdentity, adminOnly]);
    const variants: Array<Record<string, string>> = [{ authorization: 'Bearer sk-master' }, { 'x-litellm-api-key': 'sk-master' }, { 'api-key': 'sk-master' }, { 'x-api-key': 'sk-master' }];
    for (const headers of variants) {
      const response = await gateway.handle(request({ headers }));
      expect(response.status, JSON.stringify(headers)).toBe(200);
      expect(response.body).toBe('{"kind":"master"}');
    }
    expect((await gateway.handle(request())).status).toBe(401);
    expect((await gateway.handle(request({ headers: { authorization: 'Bearer sk-other' } }))).status).toBe(401);
    expect((await gateway.handle(request({ path: '/admin', headers: { authorization: 'Bearer sk-other' } }))).status).toBe(401);
  });

  it("reads x-litellm-api-key before Authorization (Google's and AWS's SDKs send their own token there), Google's key header, and a route's query key", async () => {
    const withQueryKey: Route = { ...echoIdentity, paths: ['/q'], keyInQuery: 'key' };
    const gateway = gatewayWith([echoIdentity, withQueryKey]);
    const master = async (overrides: Partial<GatewayRequest>) => (await gateway.handle(request(overrides))).body;
    expect(await master({ headers: { authorization: 'Bearer ya29.google-token', 'x-litellm-api-key': 'Bearer sk-master' } })).toBe('{"kind":"master"}');
    expect(await master({ headers: { 'x-goog-api-key': 'sk-master' } })).toBe('{"kind":"master"}');
    expect(await master({ path: '/q', query: { key: 'sk-master' } })).toBe('{"kind":"master"}');
    // Only the route that names the query parameter reads it.
    expect((await gateway.handle(request({ query: { key: 'sk-master' } }))).status).toBe(401);
  });

  it('is open, as identity "open", only when no master key is configured', async () => {
    const response = await gatewayWith([echoIdentity], null).handle(request());
    expect(response.body).toBe('{"kind":"open"}');
  });

  it('runs after-response hooks once, after done(), with the request context filled in', async () => {
    const seen: RequestContext[] = [];
    const route: Route = {
      method: 'GET',
      paths: ['/x'],
      auth: 'public',
      handle: async (_r, ctx) => {
        ctx.logFields['model'] = 'm';
        ctx.onFinish((c) => void seen.push(c));
        return { body: '{}' };
      },
    };
    const response = await gatewayWith([route], 'k', [(c) => void seen.push(c)]).handle(request());
    expect(seen).toHaveLength(0);
    await Promise.all([response.done(), response.done()]);
    expect(seen).toHaveLength(2);
    expect(seen[0]!.logFields['model']).toBe('m');
    expect(seen[0]!.timings.end).toBeGreaterThanOrEqual(seen[0]!.timings.start);
    expect(response.headers['x-tollgate-request-id']).toBe(seen[0]!.requestId);
  });

  it('runs, in done(), the hooks a streamed answer adds while it streams, before the gateway-wide ones', async () => {
    const order: string[] = [];
    const route: Route = {
      method: 'GET',
      paths: ['/x'],
      auth: 'public',
      handle: async (_r, ctx) => ({
        body: (async function* () {
          yield 'a';
          // As the spend record does before the last byte: work that must finish before the invocation ends.
          ctx.onFinish(() => void order.push('added while streaming'));
          yield 'b';
        })(),
      }),
    };
    const response = await gatewayWith([route], 'k', [() => void order.push('gateway-wide')]).handle(request());
    let body = '';
    for await (const chunk of response.body as AsyncIterable<string>) body += chunk;
    await response.done();
    expect(body).toBe('ab');
    expect(order).toEqual(['added while streaming', 'gateway-wide']);
  });

  it('aborts the request signal when a consumer abandons a streamed body', async () => {
    let signal: AbortSignal | undefined;
    const route: Route = {
      method: 'GET',
      paths: ['/x'],
      auth: 'public',
      handle: async (_r, ctx) => {
        signal = ctx.signal;
        return {
          body: (async function* () {
            yield 'a';
            yield 'b';
            yield 'c';
          })(),
        };
      },
    };
    const response = await gatewayWith([route]).handle(request());
    for await (const chunk of response.body as AsyncIterable<string>) if (chunk === 'a') break;
    expect(signal!.aborted).toBe(true);
  });

  it('turns a throwing route into a 500 that reveals nothing', async () => {
    const route: Route = {
      method: 'GET',
      paths: ['/x'],
      auth: 'public',
      handle: async () => {
        throw new Error('db password is hunter2');
      },
    };
    const response = await gatewayWith([route]).handle(request());
    expect(response.status).toBe(500);
    expect(response.body).not.toContain('hunter2');
    expect(JSON.parse(response.body as string).error.type).toBe('internal_server_error');
  });

  it('masks a key in the path of the access log line, percent-encoded or not', async () => {
    const log = recordingLog();
    const regenerate: Route = { method: 'POST', paths: ['/key/{key}/regenerate'], auth: 'admin', handle: async () => ({ body: '{}' }) };
    const gateway = createGateway({ routes: new RouteTable().add(regenerate), log, masterKey: 'sk-master', authenticators: [] });
    const raw = 'sk-RawKey0123456789abcd';
    for (const path of [`/key/${raw}/regenerate`, `/key/%73k-RawKey0123456789abcd/regenerate`, `/key/%73%6B%2DRawKey0123456789abcd/regenerate`, `/key/%73k-RawKey0123456789%E0%A4%A/regenerate`]) {
      const response = await gateway.handle(request({ method: 'POST', path, headers: { authorization: 'Bearer sk-master' } }));
      await response.done();
    }
    const paths = log.lines.filter((line) => line.message === 'request').map((line) => line.fields!['path']);
    expect(paths).toHaveLength(4);
    expect(paths.slice(0, 3)).toEqual(Array(3).fill('/key/sk-...abcd/regenerate'));
    expect(log.text()).not.toContain('RawKey0123456789');
  });

  it('reads the body only once the caller is known, and stops at the limit', async () => {
    let pulled = 0;
    async function* endless() {
      for (;;) {
        pulled++;
        yield Buffer.from('x'.repeat(1024));
      }
    }
    const echo: Route = { method: 'POST', paths: ['/x'], auth: 'caller', handle: async (r) => ({ body: JSON.stringify(r.body.length) }) };
    const gateway = createGateway({ routes: new RouteTable().add(echo), log: recordingLog(), masterKey: 'sk-master', authenticators: [], maxRequestBytes: 8 * 1024 });
    expect((await gateway.handle({ ...request({ method: 'POST', headers: { authorization: 'Bearer sk-wrong' } }), body: endless() })).status).toBe(401);
    expect(pulled).toBe(0);
    const refused = await gateway.handle({ ...request({ method: 'POST', headers: { authorization: 'Bearer sk-master' } }), body: endless() });
    expect(refused.status).toBe(413);
    expect(JSON.parse(refused.body as string).error.message).toMatch(/larger than 8 KB/);
    expect(pulled).toBe(9);
  });
});
