// Single sign-on in a real browser: a real OpenID provider (the `oidc-provider` package) on 127.0.0.1
// with discovery, JWKS and PKCE; `npm start`'s server pointed at it with LiteLLM's GENERIC_* settings.
// An admin (by the provider's group claim) and an internal user (made on first sign-in) sign in; the
// internal user is refused another user's key by the admin API, and the UI shows the refusal.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, launchBrowser } from './browser.ts';
import { type LocalServer, startLocalServer } from './local-server.ts';

const MASTER = 'sk-sso-master-key-5c1e';
const CLIENT_SECRET = 'sso-client-secret-e2d9';
/** The provider's users: ada is in the group that makes proxy admins; bo is nobody special. */
const GROUPS: Record<string, string[]> = { ada: ['staff', 'proxy_admin'], bo: ['staff'] };

let idp: Server;
let server: LocalServer;
let browser: Browser;
let page: Page;
const keyChanges: Array<{ url: string; status: number }> = [];

beforeAll(async () => {
  // The provider's address first (its issuer), then the gateway pointed at it, then the provider told the gateway's callback.
  idp = createServer();
  await new Promise<void>((resolve) => idp.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(idp.address() as AddressInfo).port}`;
  server = await startLocalServer(
    `
model_list:
  - model_name: mock
    litellm_params: { model: mock/echo }
general_settings: { master_key: ${MASTER} }
`,
    { GENERIC_CLIENT_ID: 'tollgate', GENERIC_CLIENT_SECRET: CLIENT_SECRET, GENERIC_ISSUER: issuer, GENERIC_USER_ROLE_ATTRIBUTE: 'groups' },
  );
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
});

/** Signs in at the provider as `login` (its development login and consent pages) and lands back on the UI. */
async function signInAs(login: string): Promise<void> {
  await browser.context.clearCookies();
  await page.goto(`${server.url}/ui`);
  await page.getByRole('link', { name: 'Sign in with single sign-on' }).click();
  await page.locator('input[name=login]').fill(login);
  await page.locator('input[name=password]').fill('anything');
  await page.getByRole('button', { name: 'Sign-in' }).click();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForURL(`${server.url}/ui`);
  await page.locator('.who').filter({ hasText: login }).waitFor();
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
    expect((await masterCall('/user/info?user_id=bo')).user_info.user_role).toBe('internal_user');
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
});
