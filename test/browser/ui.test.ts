// The web UI in a real browser against `npm start`'s server (dynalite) and a fake OpenAI upstream: sign
// in with the master key, create a key, chat with it in the playground (streamed), see its spend, see
// each deployment's health and cooldown and try one, block the key; every page screenshotted (test-output/ui/). Every response the browser received is read
// afterwards: no master key, no provider key, and the raw virtual key only in the answer that made it.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI } from '../helpers/fake-openai.ts';
import type { RecordingServer } from '../helpers/recording-server.ts';
import { type Browser, launchBrowser } from './browser.ts';
import { type LocalServer, startLocalServer } from './local-server.ts';

const MASTER = 'sk-browser-master-key-7f3a';
const PROVIDER_KEY = 'sk-provider-secret-91bd';
const SCREENSHOTS = join(import.meta.dirname, '../../test-output/ui');

let upstream: RecordingServer;
let server: LocalServer;
let browser: Browser;
let page: Page;
/** Every response the browser received: its URL and body. */
const received: Array<Promise<{ url: string; body: string }>> = [];
/** Uncaught errors in the page, and what the Content-Security-Policy blocked. */
const pageErrors: string[] = [];

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  upstream = await startFakeOpenAI({ apiKey: PROVIDER_KEY, models: { 'gpt-4o-mini': { maxOutputTokens: 16384, reasoning: false } } });
  server = await startLocalServer(`
model_list:
  - model_name: gpt-4o-mini
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${upstream.url}/v1, api_key: ${PROVIDER_KEY} }
  # Two deployments of one group: one is cooled down by a failed call, the other serves.
  - model_name: pool
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${upstream.url}/v1, api_key: ${PROVIDER_KEY} }
  - model_name: pool
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${upstream.url}/v1, api_key: ${PROVIDER_KEY} }
router_settings: { routing_strategy: least-busy, cooldown_time: 600 }
general_settings: { master_key: ${MASTER} }
`);
  browser = await launchBrowser();
  page = await browser.context.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.stack ?? error.message));
  // A script or style the Content-Security-Policy blocked is reported on the console.
  page.on('console', (message) => {
    if (message.type() === 'error' && message.text().includes('Content Security Policy')) pageErrors.push(message.text());
  });
  page.on('response', (response) => {
    received.push(
      response.body().then(
        (body) => ({ url: response.url(), body: body.toString() }),
        () => ({ url: response.url(), body: '' }),
      ),
    );
  });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await upstream?.close();
});

async function open(name: string): Promise<void> {
  await page.getByRole('link', { name, exact: true }).click();
  await page.getByRole('heading', { level: 2 }).first().waitFor();
}

async function screenshot(name: string): Promise<void> {
  await page.getByText('Loading…').first().waitFor({ state: 'detached' });
  await page.waitForLoadState('networkidle');
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

describe('the web UI', () => {
  let rawKey = '';

  it('signs in with the master key', async () => {
    await page.goto(`${server.url}/ui`);
    await page.getByLabel('Master key').fill('not-the-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'not the master key' }).waitFor();
    await page.getByLabel('Master key').fill(MASTER);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    const cookies = await browser.context.cookies();
    expect(cookies.find((cookie) => cookie.name === 'tollgate_session')).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
  });

  it('creates a key and shows it once', async () => {
    await open('Keys');
    await page.getByLabel('Alias').fill('browser-key');
    await page.getByRole('button', { name: 'Create key' }).click();
    rawKey = (await page.getByTestId('new-key').textContent())!;
    expect(rawKey).toMatch(/^sk-/);
    await page.getByRole('button', { name: 'Done' }).click();
    await expect(page.getByTestId('new-key').count()).resolves.toBe(0);
    await page.getByRole('cell', { name: 'browser-key' }).waitFor();
    await screenshot('keys');
  });

  it('chats with the key in the playground, streamed', async () => {
    await open('Playground');
    await page.getByLabel('Key').selectOption({ label: 'browser-key' });
    await page.getByLabel('Message').fill('[[say Hello from the playground]]');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.locator('.message.assistant').filter({ hasText: 'Hello from the playground' }).waitFor();
    const call = upstream.requests.find((request) => request.url === '/v1/chat/completions');
    expect(call?.json.stream).toBe(true);
    await screenshot('playground');
  });

  it("shows the call's spend, one request's details and the daily charts", async () => {
    await open('Spend & logs');
    await page.getByRole('cell', { name: 'browser-key' }).first().click();
    await page.getByTestId('request-detail').filter({ hasText: '"model_group": "gpt-4o-mini"' }).waitFor();
    await expect(page.locator('.chart').count()).resolves.toBe(2);
    await screenshot('spend');
  });

  it("shows each deployment's health and cooldown and the routing strategy, and checks and tries a model", async () => {
    // A rate limit on the first deployment tried cools it down (for cooldown_time); the retry lands on the other.
    const call = await fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${MASTER}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'pool', messages: [{ role: 'user', content: 'hi' }], mock_testing_rate_limit_error: true }),
    });
    expect(call.status).toBe(200);
    await open('Models');
    await page.getByTestId('routing-strategy').filter({ hasText: 'least-busy' }).waitFor();
    const pool = page.getByRole('row').filter({ hasText: 'pool' });
    await pool.filter({ hasText: 'until' }).waitFor();
    await expect(pool.count()).resolves.toBe(2);
    await expect(pool.filter({ hasText: 'until' }).count()).resolves.toBe(1);
    const row = page.getByRole('row').filter({ hasText: 'gpt-4o-mini' }).filter({ hasNotText: 'pool' });
    await row.getByRole('cell', { name: 'unknown' }).waitFor();
    await row.getByRole('button', { name: 'Check health' }).click();
    await row.getByRole('cell', { name: /^healthy \(/ }).waitFor();
    await screenshot('models');
    // Tried from its row: the playground opens on that model.
    await pool.first().getByRole('button', { name: 'Try' }).click();
    await page.getByLabel('Model').locator('option', { hasText: 'pool' }).waitFor({ state: 'attached' });
    await expect(page.getByLabel('Model').inputValue()).resolves.toBe('pool');
    await page.getByLabel('Message').fill('[[say Hello from the pool]]');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.locator('.message.assistant').filter({ hasText: 'Hello from the pool' }).waitFor();
  });

  it('blocks the key', async () => {
    await open('Keys');
    const row = page.getByRole('row').filter({ hasText: 'browser-key' });
    await row.getByRole('button', { name: 'Block' }).click();
    await row.getByRole('cell', { name: 'blocked' }).waitFor();
    await open('Playground');
    await page.getByLabel('Key').selectOption({ label: 'browser-key (blocked)' });
    await page.getByLabel('Message').fill('again');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByRole('alert').filter({ hasText: 'is blocked' }).waitFor();
  });

  it('shows every other page', async () => {
    for (const [link, name] of [
      ['Overview', 'overview'],
      ['Teams', 'teams'],
      ['Users', 'users'],
      ['Customers', 'customers'],
      ['Organizations', 'organizations'],
      ['Audit log', 'audit'],
      ['Settings', 'settings'],
    ] as const) {
      await open(link);
      await expect(page.getByRole('alert').count()).resolves.toBe(0);
      await screenshot(name);
    }
    await open('Audit log');
    await page.getByRole('cell', { name: 'ui:master_key' }).first().waitFor();
    // The running config, its provider key and master key masked (the last test reads every response for them).
    await open('Settings');
    const settings = page.getByTestId('settings');
    await settings.filter({ hasText: `${upstream.url}/v1` }).waitFor();
    await expect(settings.textContent()).resolves.toContain('"api_key": "****"');
  });

  it('threw no error in the page, and the Content-Security-Policy blocked nothing', () => {
    expect(pageErrors).toEqual([]);
  });

  it('received no secret: no master key, no provider key, the raw key only where it was made', async () => {
    const responses = await Promise.all(received);
    expect(responses.length).toBeGreaterThan(20);
    for (const response of responses) {
      expect(response.body, response.url).not.toContain(MASTER);
      expect(response.body, response.url).not.toContain(PROVIDER_KEY);
    }
    expect(responses.filter((response) => response.body.includes(rawKey)).map((response) => new URL(response.url).pathname)).toEqual(['/key/generate']);
  });
});
