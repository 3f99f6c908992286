// The web UI's server side over HTTP, against dynalite: its pages' security headers, sign-in with the
// master key into a signed session cookie, the admin API called with that cookie (CSRF token and
// origin checked on changes, the role judged by the admin API itself), the audit trail naming the
// signed-in person, and the playground calling as a key the browser names only by its hash.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedDynamo } from '../../local/embedded-dynamodb.ts';
import { virtualKeyOptions } from '../../shared/keys/gateway-options.ts';
import { SESSION_COOKIE, SessionCookies, sessionSecret } from '../../shared/ui/session-cookies.ts';
import { buildUi } from '../../ui/build.ts';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';
import { CONFIG, MASTER, openTestStore, startDynamo } from '../helpers/identity.ts';
import { ADMIN_API } from '../../shared/admin-api.ts';

let dynamo: EmbeddedDynamo;
let gw: TestGateway;
/** Moves the sessions' clock, to let one expire. */
let clockOffset = 0;
const now = () => Date.now() + clockOffset;

beforeAll(async () => {
  dynamo = await startDynamo();
  const store = await openTestStore(dynamo.endpoint);
  gw = await startGateway(CONFIG, {}, { ...virtualKeyOptions(store), adminApi: ADMIN_API, ui: { files: buildUi, env: () => undefined, now } });
}, 60_000);
afterAll(async () => {
  await gw?.close();
  await dynamo?.close();
});

/** An error answer's body, in OpenAI's format. */
interface OpenAIError {
  error: { message: string; param: string | null };
}

interface Answer {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

async function call(method: string, path: string, options: { body?: unknown; cookie?: string; csrf?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.cookie) headers['cookie'] = options.cookie;
  if (options.csrf) headers['x-csrf-token'] = options.csrf;
  const response = await fetch(`${gw.url}${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {}
  return { status: response.status, headers: response.headers, body, text };
}

/** Signs in with the master key: the cookie to send back, and the session's CSRF token. */
async function signIn(): Promise<{ cookie: string; csrf: string; setCookie: string }> {
  const answer = await call('POST', '/ui/api/sign-in', { body: { master_key: MASTER } });
  expect(answer.status).toBe(200);
  const setCookie = answer.headers.get('set-cookie')!;
  return { cookie: setCookie.split(';')[0]!, csrf: answer.body.csrf_token, setCookie };
}

/** A session for a user, as SSO sign-in makes one (signed with the gateway's secret). */
function userSession(userId: string, role: 'internal_user' | 'proxy_admin_viewer'): { cookie: string; csrf: string } {
  const { session, setCookie } = new SessionCookies(sessionSecret(() => undefined, MASTER)).issue({ userId, role }, false);
  return { cookie: setCookie.split(';')[0]!, csrf: session.csrf };
}

describe('pages', () => {
  it('serves the app with a strict Content-Security-Policy and no inline script or style', async () => {
    for (const path of ['/ui', '/ui/keys']) {
      const page = await call('GET', path);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toContain('text/html');
      const csp = page.headers.get('content-security-policy')!;
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("style-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(page.headers.get('x-content-type-options')).toBe('nosniff');
      expect(page.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(page.text).not.toMatch(/<style|\sstyle=/);
    }
    const script = await call('GET', '/ui/assets/app.js');
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toContain('text/javascript');
    expect((await call('GET', '/ui/assets/app.css')).headers.get('content-type')).toContain('text/css');
    expect((await call('GET', '/ui/assets/nothing.js')).status).toBe(404);
  });
});

describe('sign-in', () => {
  it('refuses a wrong master key, and gives the right one a signed, HttpOnly, SameSite=Lax cookie of bounded lifetime', async () => {
    const wrong = await call('POST', '/ui/api/sign-in', { body: { master_key: 'sk-not-it' } });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('set-cookie')).toBeNull();
    const { setCookie, cookie } = await signIn();
    expect(setCookie).toMatch(new RegExp(`^${SESSION_COOKIE}=`));
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Lax');
    expect(setCookie).toMatch(/Max-Age=28800/);
    // On loopback over plain HTTP the browser would drop a Secure cookie; anywhere else it is Secure.
    expect(setCookie).not.toContain('Secure');
    const session = await call('GET', '/ui/api/session', { cookie });
    expect(session.body).toMatchObject({ signed_in: true, user_id: null, user_role: 'proxy_admin' });
    expect(session.text).not.toContain(MASTER);
  });

  it('marks the cookie Secure when the browser reached the gateway by another name', async () => {
    // fetch sets Host from the URL; node:http sends the one a proxy in front would.
    const body = JSON.stringify({ master_key: MASTER });
    const setCookie = await new Promise<string | undefined>((resolve, reject) => {
      const sent = request(
        `${gw.url}/ui/api/sign-in`,
        { method: 'POST', headers: { host: 'gateway.example.com', origin: 'https://gateway.example.com', 'content-type': 'application/json' } },
        (res) => {
          res.resume();
          resolve(res.headers['set-cookie']?.[0]);
        },
      );
      sent.on('error', reject);
      sent.end(body);
    });
    expect(setCookie).toContain('; Secure');
  });

  it('refuses a sign-in posted from another site', async () => {
    const answer = await call('POST', '/ui/api/sign-in', { body: { master_key: MASTER }, headers: { origin: 'https://evil.example' } });
    expect(answer.status).toBe(403);
  });

  it("takes LiteLLM's sign-in form (POST /login: username admin, the master key as password), answering with the session and the UI", async () => {
    const post = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
      fetch(`${gw.url}/login`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(fields) });
    for (const wrong of [
      { username: 'admin', password: 'sk-not-it' },
      { username: 'root', password: MASTER },
    ]) {
      const refused = await post(wrong);
      expect(refused.status).toBe(401);
      expect(refused.headers.get('set-cookie')).toBeNull();
      expect(((await refused.json()) as OpenAIError).error.message).toContain('Invalid credentials used to access UI');
    }
    const missing = await post({ username: 'admin' });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as OpenAIError).error.param).toBe('password');
    expect((await post({ username: 'admin', password: MASTER }, { origin: 'https://evil.example' })).status).toBe(403);

    const signedIn = await post({ username: 'admin', password: MASTER });
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.get('location')).toBe('/ui/');
    const cookie = signedIn.headers.get('set-cookie')!.split(';')[0]!;
    const session = await call('GET', '/ui/api/session', { cookie });
    expect(session.body).toMatchObject({ signed_in: true, user_id: null, user_role: 'proxy_admin' });
  });

  it('signs out by expiring the cookie', async () => {
    const answer = await call('POST', '/ui/api/sign-out');
    expect(answer.headers.get('set-cookie')).toMatch(/Max-Age=0/);
  });
});

describe('the admin API with a session', () => {
  it('reads with the cookie alone, and refuses no cookie, a forged one and an expired one', async () => {
    const { cookie } = await signIn();
    expect((await call('GET', '/key/list', { cookie })).status).toBe(200);
    expect((await call('GET', '/key/list')).status).toBe(401);
    const [name, value] = cookie.split('=') as [string, string];
    const forged = `${name}=${Buffer.from(JSON.stringify({ userId: 'x', role: 'proxy_admin', csrf: 'c', expires: Date.now() + 1e9 })).toString('base64url')}.${value.split('.')[1]}`;
    expect((await call('GET', '/key/list', { cookie: forged })).status).toBe(401);
    clockOffset = 9 * 60 * 60 * 1000;
    try {
      expect((await call('GET', '/key/list', { cookie })).status).toBe(401);
    } finally {
      clockOffset = 0;
    }
  });

  it('changes only with the CSRF token, from its own origin', async () => {
    const { cookie, csrf } = await signIn();
    const noToken = await call('POST', '/key/generate', { cookie, body: { key_alias: 'ui-no-token' } });
    expect(noToken.status).toBe(403);
    expect(noToken.body.error.message).toContain('x-csrf-token');
    expect((await call('POST', '/key/generate', { cookie, csrf: 'wrong', body: { key_alias: 'ui-wrong-token' } })).status).toBe(403);
    expect((await call('POST', '/key/generate', { cookie, csrf, body: { key_alias: 'ui-foreign' }, headers: { origin: 'https://evil.example' } })).status).toBe(403);
    const made = await call('POST', '/key/generate', { cookie, csrf, body: { key_alias: 'ui-made' }, headers: { origin: gw.url } });
    expect(made.status).toBe(200);
    const aliases = (await call('GET', '/key/list?return_full_object=true', { cookie })).body.keys.map((k: { key_alias: string }) => k.key_alias);
    expect(aliases).toContain('ui-made');
    expect(aliases).not.toContain('ui-no-token');
  });

  it('records who was signed in as the author of each change', async () => {
    const { cookie, csrf } = await signIn();
    const made = await call('POST', '/team/new', { cookie, csrf, body: { team_alias: 'ui-audited' } });
    const audit = await call('GET', `/audit?object_id=${made.body.team_id}`, { cookie });
    expect(audit.body.data[0]).toMatchObject({ action: 'created', changed_by: 'ui:master_key', changed_by_api_key: null });
    const viewer = userSession('viewer-1', 'proxy_admin_viewer');
    expect((await call('GET', '/audit', { cookie: viewer.cookie })).status).toBe(200);
  });

  it("lets the admin API judge a user's session by their role: an internal user manages their own keys only", async () => {
    const { cookie, csrf } = await signIn();
    for (const user_id of ['ui-alice', 'ui-bob']) await call('POST', '/user/new', { cookie, csrf, body: { user_id, user_role: 'internal_user' } });
    const bobs = await call('POST', '/key/generate', { cookie, csrf, body: { user_id: 'ui-bob', key_alias: 'bobs' } });
    const alice = userSession('ui-alice', 'internal_user');
    expect((await call('GET', '/user/list', { cookie: alice.cookie })).status).toBe(403);
    const own = await call('POST', '/key/generate', { cookie: alice.cookie, csrf: alice.csrf, body: { key_alias: 'alices' } });
    expect(own.status).toBe(200);
    expect(own.body.user_id).toBe('ui-alice');
    const block = await call('POST', '/key/block', { cookie: alice.cookie, csrf: alice.csrf, body: { key: bobs.body.token } });
    expect(block.status).toBe(403);
    const listed = await call('GET', '/key/list?return_full_object=true', { cookie: alice.cookie });
    const aliases = listed.body.keys.map((k: { key_alias: string }) => k.key_alias);
    expect(aliases).toContain('alices');
    expect(aliases).not.toContain('bobs');
  });

  it('never calls a model with a session: model calls need a key', async () => {
    const { cookie } = await signIn();
    expect((await call('POST', '/v1/chat/completions', { cookie, body: { model: 'mock', messages: [{ role: 'user', content: 'hi' }] } })).status).toBe(401);
  });
});

describe('playground', () => {
  const chatBody = (key: string) => ({ key, model: 'mock', messages: [{ role: 'user', content: 'hello playground' }] });

  it("streams a chat as the chosen key, charged to it, and the key's secret never comes back", async () => {
    const { cookie, csrf } = await signIn();
    const made = await call('POST', '/key/generate', { cookie, csrf, body: { key_alias: 'ui-playground' } });
    const answer = await call('POST', '/ui/api/playground/chat', { cookie, csrf, body: chatBody(made.body.token) });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toContain('text/event-stream');
    expect(answer.text).toContain('data: [DONE]');
    expect(answer.text).not.toContain(made.body.key);
    const info = await call('GET', `/key/info?key=${made.body.token}`, { cookie });
    expect(info.body.info.spend).toBeGreaterThanOrEqual(0);
    const logs = await call('GET', `/spend/logs?api_key=${made.body.token}`, { cookie });
    expect(logs.body).toHaveLength(1);
  });

  it("refuses an internal user another user's key, and a blocked key", async () => {
    const { cookie, csrf } = await signIn();
    await call('POST', '/user/new', { cookie, csrf, body: { user_id: 'pg-carol', user_role: 'internal_user' } });
    await call('POST', '/user/new', { cookie, csrf, body: { user_id: 'pg-dave', user_role: 'internal_user' } });
    const daves = await call('POST', '/key/generate', { cookie, csrf, body: { user_id: 'pg-dave' } });
    const carols = await call('POST', '/key/generate', { cookie, csrf, body: { user_id: 'pg-carol' } });
    const carol = userSession('pg-carol', 'internal_user');
    const refused = await call('POST', '/ui/api/playground/chat', { cookie: carol.cookie, csrf: carol.csrf, body: chatBody(daves.body.token) });
    expect(refused.status).toBe(403);
    expect((await call('POST', '/ui/api/playground/chat', { cookie: carol.cookie, csrf: carol.csrf, body: chatBody(carols.body.token) })).status).toBe(200);
    await call('POST', '/key/block', { cookie, csrf, body: { key: carols.body.token } });
    expect((await call('POST', '/ui/api/playground/chat', { cookie: carol.cookie, csrf: carol.csrf, body: chatBody(carols.body.token) })).status).toBe(401);
    expect((await call('POST', '/ui/api/playground/chat', { cookie: carol.cookie, body: chatBody(carols.body.token) })).status).toBe(403);
  });

  it('is not for keys: a key calls /v1/chat/completions itself', async () => {
    const answer = await call('POST', '/ui/api/playground/chat', { headers: { authorization: `Bearer ${MASTER}` }, body: chatBody('0'.repeat(64)) });
    expect(answer.status).toBe(403);
  });
});

describe('single sign-on', () => {
  let sso: TestGateway;

  beforeAll(async () => {
    const store = await openTestStore(dynamo.endpoint);
    const env: Record<string, string> = {
      GENERIC_CLIENT_ID: 'tollgate',
      GENERIC_AUTHORIZATION_ENDPOINT: 'http://127.0.0.1:9/authorize',
      GENERIC_TOKEN_ENDPOINT: 'http://127.0.0.1:9/token',
    };
    sso = await startGateway(CONFIG, {}, { ...virtualKeyOptions(store), adminApi: ADMIN_API, ui: { files: buildUi, env: (name) => env[name] } });
  }, 60_000);
  afterAll(async () => {
    await sso?.close();
  });

  it('sends the browser to the provider with PKCE (S256), a state and a nonce, kept in a signed cookie', async () => {
    expect(((await (await fetch(`${sso.url}/ui/api/session`)).json()) as { sso: boolean }).sso).toBe(true);
    const answer = await fetch(`${sso.url}/ui/api/sso/start`, { redirect: 'manual' });
    expect(answer.status).toBe(302);
    const to = new URL(answer.headers.get('location')!);
    expect(to.origin + to.pathname).toBe('http://127.0.0.1:9/authorize');
    expect(Object.fromEntries(to.searchParams)).toMatchObject({ response_type: 'code', client_id: 'tollgate', redirect_uri: `${sso.url}/ui/api/sso/callback`, code_challenge_method: 'S256' });
    for (const name of ['state', 'nonce', 'code_challenge']) expect(to.searchParams.get(name)).toMatch(/^[\w-]{32,}$/);
    expect(answer.headers.get('set-cookie')).toMatch(/^tollgate_sso=.*HttpOnly; SameSite=Lax/);
  });

  it('refuses an answer that is not for a sign-in it started (no cookie, or another state)', async () => {
    const started = await fetch(`${sso.url}/ui/api/sso/start`, { redirect: 'manual' });
    const cookie = started.headers.get('set-cookie')!.split(';')[0]!;
    const state = new URL(started.headers.get('location')!).searchParams.get('state');
    const noCookie = await fetch(`${sso.url}/ui/api/sso/callback?code=c&state=${state}`, { redirect: 'manual' });
    expect(noCookie.status).toBe(403);
    const otherState = await fetch(`${sso.url}/ui/api/sso/callback?code=c&state=forged`, { redirect: 'manual', headers: { cookie } });
    expect(otherState.status).toBe(403);
    expect(((await otherState.json()) as { error: { message: string } }).error.message).toContain('state does not match');
    expect(otherState.headers.get('set-cookie')).toBeNull();
  });
});
