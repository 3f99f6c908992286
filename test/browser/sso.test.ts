// Single sign-on in a real browser: a real OpenID provider (the `oidc-provider` package) on 127.0.0.1
// with discovery, JWKS and PKCE; `npm start`'s server pointed at it with LiteLLM's GENERIC_* settings.
// An admin (by the provider's group claim) and an internal user (made on first sign-in) sign in; the
// internal user is refused another user's key by the admin API, and the UI shows the refusal. Users
// made on first sign-in get `default_internal_user_params`. Refused, with no session and no user made:
// an answer whose state is not the sign-in's, an ID token with a bad signature and one replayed from
// another sign-in (its nonce), both handed over by a proxy in front of the provider's token endpoint,
// and an expired session.
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import type { Page, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_LIFETIME_MS, SessionCookies, sessionSecret } from '../../shared/ui/session-cookies.ts';
import { type Browser, launchBrowser } from './browser.ts';
import { type LocalServer, startLocalServer } from './local-server.ts';

const MASTER = 'sk-sso-master-key-5c1e';
const CLIENT_SECRET = 'sso-client-secret-e2d9';
/** The provider's users: ada is in the group that makes proxy admins, bo in the internal users'; anyone else in neither. */
const GROUPS: Record<string, string[]> = { ada: ['staff', 'proxy_admin'], bo: ['staff', 'internal_user'] };
/** The team new users join (default_internal_user_params). */
const TEAM = 'sso-team';

let idp: Server;
/** In front of the provider's token endpoint: passes its answers on, or tampers with their ID token. */
let tokenProxy: Server;
let tokenMode: 'pass' | 'bad-signature' | 'replay' = 'pass';
/** The first ID token the provider issued (ada's), replayed in another sign-in. */
let firstIdToken: string | undefined;
let server: LocalServer;
let browser: Browser;
let page: Page;
const keyChanges: Array<{ url: string; status: number }> = [];

beforeAll(async () => {
  // The provider's address first (its issuer), then the gateway pointed at it, then the provider told the gateway's callback.
  idp = createServer();
  await new Promise<void>((resolve) => idp.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(idp.address() as AddressInfo).port}`;
  tokenProxy = createServer((req, res) => {
    const forward = httpRequest(`${issuer}/token`, { method: req.method, headers: req.headers }, async (answer) => {
      const chunks: Buffer[] = [];
      for await (const chunk of answer) chunks.push(chunk as Buffer);
      const tokens = JSON.parse(Buffer.concat(chunks).toString()) as { id_token?: string };
      firstIdToken ??= tokens.id_token;
      if (tokens.id_token && tokenMode === 'bad-signature') {
        const [header, payload, signature] = tokens.id_token.split('.') as [string, string, string];
        tokens.id_token = `${header}.${payload}.${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`;
      }
      if (tokenMode === 'replay') tokens.id_token = firstIdToken;
      res.writeHead(answer.statusCode!, { 'content-type': 'application/json' }).end(JSON.stringify(tokens));
    });
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => tokenProxy.listen(0, '127.0.0.1', resolve));
  server = await startLocalServer(
    `
model_list:
  - model_name: mock
    litellm_params: { model: mock/echo }
  - model_name: other
    litellm_params: { model: mock/echo }
litellm_settings:
  default_internal_user_params: { user_role: internal_user_viewer, max_budget: 5, budget_duration: 30d, models: [mock], teams: [${TEAM}] }
general_settings: { master_key: ${MASTER} }
`,
    {
      GENERIC_CLIENT_ID: 'tollgate',
      GENERIC_CLIENT_SECRET: CLIENT_SECRET,
      GENERIC_ISSUER: issuer,
      GENERIC_TOKEN_ENDPOINT: `http://127.0.0.1:${(tokenProxy.address() as AddressInfo).port}/token`,
      GENERIC_USER_ROLE_ATTRIBUTE: 'groups',
    },
  );
  await masterCall('/team/new', { team_id: TEAM });
  const provider = new Provider(issuer, {
    clients: [{ client_id: 'tollgate', client_secret: CLIENT_SECRET, redirect_uris: [`${server.url}/ui/api/sso/callback`], grant_types: ['authorization_code'], response_types: ['code'] }],
    claims: { openid: ['sub'], email: ['email'], profile: ['preferred_username', 'groups'] },
    cookies: { keys: ['oidc-provider-test-cookie-key'] },
    findAccount: async (_ctx, id) => ({
      accountId: id,
      claims: async () => ({ sub: `sub-${id}`, preferred_username: id, email: `${id}@example.com`, groups: GROUPS[id] ?? [] }),
    }),
  });
  idp.on('request', provider.callback());
  browser = await launchBrowser();
  page = await browser.context.newPage();
  page.on('response', (response) => {
    if (response.url().includes('/key/')) keyChanges.push({ url: new URL(response.url()).pathname, status: response.status() });
  });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await new Promise((resolve) => idp?.close(resolve));
  await new Promise((resolve) => tokenProxy?.close(resolve));
});

/** Signs in at the provider as `login` (its development login and consent pages): the gateway's answer when the provider sends the browser back. */
async function signInAtProvider(login: string): Promise<Response> {
  await browser.context.clearCookies();
  await page.goto(`${server.url}/ui`);
  await page.getByRole('link', { name: 'Sign in with single sign-on' }).click();
  await page.locator('input[name=login]').fill(login);
  await page.locator('input[name=password]').fill('anything');
  await page.getByRole('button', { name: 'Sign-in' }).click();
  const callback = page.waitForResponse((response) => response.url().startsWith(`${server.url}/ui/api/sso/callback`));
  await page.getByRole('button', { name: 'Continue' }).click();
  return callback;
}

/** Signs in as `login` and lands back on the UI. */
async function signInAs(login: string): Promise<void> {
  await signInAtProvider(login);
  await page.waitForURL(`${server.url}/ui`);
  await page.locator('.who').filter({ hasText: login }).waitFor();
}

/** What the gateway says of the browser's session now. */
async function browserSession(): Promise<{ signed_in: boolean }> {
  const cookie = (await browser.context.cookies(server.url)).map((c) => `${c.name}=${c.value}`).join('; ');
  return (await fetch(`${server.url}/ui/api/session`, { headers: { cookie } })).json() as Promise<{ signed_in: boolean }>;
}

async function masterCall(path: string, body?: Record<string, unknown>): Promise<any> {
  const answer = await fetch(`${server.url}${path}`, { method: body ? 'POST' : 'GET', headers: { authorization: `Bearer ${MASTER}` }, body: body && JSON.stringify(body) });
  return answer.json();
}

describe('single sign-on', () => {
  let adasKey = '';

  it('signs in an admin by the group claim, who manages everything', async () => {
    await signInAs('ada');
    await expect(page.locator('.who').textContent()).resolves.toContain('ada · proxy_admin');
    await page.getByRole('link', { name: 'Keys', exact: true }).click();
    await page.getByLabel('Alias').fill('adas-key');
    await page.getByRole('button', { name: 'Create key' }).click();
    await page.getByTestId('new-key').waitFor();
    const keys = await masterCall('/key/list?return_full_object=true');
    adasKey = keys.keys.find((key: { key_alias: string }) => key.key_alias === 'adas-key').token;
    const ada = await masterCall('/user/info?user_id=ada');
    expect(ada.user_info).toMatchObject({ user_role: 'proxy_admin', user_email: 'ada@example.com' });
  });

  it('makes an internal user on first sign-in, who is refused another user’s key by the admin API', async () => {
    await signInAs('bo');
    await expect(page.locator('.who').textContent()).resolves.toContain('bo · internal_user');
    // The role the group claim names wins over the default one; the rest of the defaults apply.
    const bo = await masterCall('/user/info?user_id=bo');
    expect(bo.user_info).toMatchObject({ user_role: 'internal_user', max_budget: 5, budget_duration: '30d', models: ['mock'], teams: [TEAM] });
    expect((await masterCall(`/team/info?team_id=${TEAM}`)).team_info.members_with_roles).toContainEqual(expect.objectContaining({ user_id: 'bo', role: 'user' }));
    // Their keys page lists none of the admin's.
    await page.getByRole('heading', { name: 'Keys' }).waitFor();
    await expect(page.getByRole('cell', { name: 'adas-key' }).count()).resolves.toBe(0);
    // Named directly, the admin's key cannot be blocked: the admin API says no, and the page says so.
    await page.goto(`${server.url}/ui/keys?key=${adasKey}`);
    await page.getByRole('button', { name: 'Block', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'another' }).waitFor();
    expect(keyChanges.filter((change) => change.url === '/key/block')).toEqual([{ url: '/key/block', status: 403 }]);
    const info = await masterCall(`/key/info?key=${adasKey}`);
    expect(info.info.blocked).not.toBe(true);
  });

  it('gives a user whose claims name no role the default_internal_user_params role', async () => {
    await signInAs('cy');
    await expect(page.locator('.who').textContent()).resolves.toContain('cy · internal_user_viewer');
    expect((await masterCall('/user/info?user_id=cy')).user_info).toMatchObject({ user_role: 'internal_user_viewer', max_budget: 5, models: ['mock'], teams: [TEAM] });
  });
});

describe('single sign-on refused', () => {
  /** A refused sign-in: a 403 saying why, no session cookie given or held, and no user made. */
  async function expectRefused(answer: { status: number; headers: Record<string, string>; body: string }, why: string, login?: string): Promise<void> {
    expect(answer.status).toBe(403);
    expect(answer.body).toContain(why);
    expect(answer.headers['set-cookie'] ?? '').not.toContain('tollgate_session=');
    if (login) expect((await masterCall(`/user/info?user_id=${login}`)).error).toBeDefined();
  }

  const fromBrowser = async (response: Response) => ({ status: response.status(), headers: await response.allHeaders(), body: await response.text() });

  it('refuses an answer whose state is not the sign-in’s, or with no sign-in started', async () => {
    const start = await fetch(`${server.url}/ui/api/sso/start`, { redirect: 'manual' });
    const signIn = start.headers.get('set-cookie')!.split(';')[0]!;
    const state = new URL(start.headers.get('location')!).searchParams.get('state');
    for (const [query, cookie] of [
      [`code=any&state=not-${state}`, signIn],
      [`code=any&state=${state}`, ''],
    ] as const) {
      const callback = await fetch(`${server.url}/ui/api/sso/callback?${query}`, { headers: { cookie }, redirect: 'manual' });
      await expectRefused({ status: callback.status, headers: Object.fromEntries(callback.headers), body: await callback.text() }, 'state does not match');
    }
  });

  // The proxy in front of the token endpoint hands the gateway a tampered ID token, or ada's from her earlier sign-in.
  for (const [mode, what, login, why] of [
    ['bad-signature', 'an ID token with a bad signature', 'dee', 'the ID token is not valid'],
    ['replay', 'an ID token from another sign-in (its nonce)', 'eve', 'its nonce does not match'],
  ] as const) {
    it(`refuses ${what}`, async () => {
      expect(firstIdToken).toBeDefined();
      tokenMode = mode;
      try {
        await expectRefused(await fromBrowser(await signInAtProvider(login)), why, login);
      } finally {
        tokenMode = 'pass';
      }
      await expect(browserSession()).resolves.toMatchObject({ signed_in: false });
    });
  }

  it('refuses an expired session', async () => {
    // A session for bo, signed with the gateway's secret, that ended a minute ago.
    const issuedAt = Date.now() - SESSION_LIFETIME_MS - 60_000;
    const { setCookie } = new SessionCookies(
      sessionSecret(() => undefined, MASTER),
      () => issuedAt,
    ).issue({ userId: 'bo', role: 'internal_user' }, false);
    const cookie = setCookie.split(';')[0]!;
    await expect((await fetch(`${server.url}/ui/api/session`, { headers: { cookie } })).json()).resolves.toMatchObject({ signed_in: false });
    expect((await fetch(`${server.url}/key/list`, { headers: { cookie } })).status).toBe(401);
  });
});
