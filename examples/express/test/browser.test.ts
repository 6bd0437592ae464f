import { existsSync } from 'node:fs';
import { type RunningExample, startExample } from '@sess/example-shared/testing';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveWithLiveConnections } from '../src/live-connections.js';

// A real browser enforces cookie rules an HTTP client does not (HttpOnly, SameSite, Path,
// what it sends back and when). Debian's Chromium, driven by playwright-core.

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

// Locally a missing Chromium skips this test; in CI it must run (and fails if it cannot).
const skip = !existsSync(CHROMIUM) && !process.env.CI;
if (skip) {
  console.warn(
    `Skipping the browser test: no Chromium at ${CHROMIUM} (install it with apt-get install chromium). In CI it is required.`,
  );
}

describe.skipIf(skip)('the Express example in Chromium', () => {
  let app: RunningExample;
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    app = await startExample('browser', serveWithLiveConnections);
    base = app.base;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
    });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  async function signIn(context: BrowserContext, name: string): Promise<Page> {
    const page = await context.newPage();
    await page.goto(base);
    await page.fill('input[name="name"]', name);
    await Promise.all([page.waitForURL(base), page.click('button:has-text("Sign in")')]);
    return page;
  }

  function counterOf(page: Page): Promise<string | null> {
    return page.textContent('#counter');
  }

  it('signs in through the form, counts reloads, and "sign out everywhere" ends the other browser', async () => {
    const laptop = await browser.newContext();
    const phone = await browser.newContext();
    try {
      const laptopPage = await signIn(laptop, 'Ada');
      expect(await laptopPage.textContent('h1')).toBe('Hello, Ada');
      expect(await counterOf(laptopPage)).toBe('1');
      await laptopPage.reload();
      expect(await counterOf(laptopPage)).toBe('2');
      await laptopPage.reload();
      expect(await counterOf(laptopPage)).toBe('3');

      // On http://127.0.0.1 the cookie cannot be Secure, so no __Host- prefix either.
      const cookies = await laptop.cookies(base);
      expect(cookies).toHaveLength(1);
      const [cookie] = cookies;
      expect(cookie).toMatchObject({
        name: 'sess',
        domain: '127.0.0.1',
        path: '/',
        httpOnly: true,
        secure: false,
        sameSite: 'Lax',
      });
      expect(cookie?.expires).toBeGreaterThan(Date.now() / 1000);
      // HttpOnly: page scripts cannot read it.
      expect(await laptopPage.evaluate<string>('document.cookie')).toBe('');

      const phonePage = await signIn(phone, 'Ada');
      expect(await counterOf(phonePage)).toBe('1');
      await phonePage.click('a:has-text("Your sessions")');
      await phonePage.waitForURL(new URL('/sessions', base).href);
      expect(await phonePage.textContent('#session-count')).toBe('2');
      expect(await phonePage.locator('tr.current').count()).toBe(1);
      await Promise.all([
        phonePage.waitForURL(base),
        phonePage.click('button:has-text("Sign out everywhere")'),
      ]);
      expect(await phonePage.locator('form[action="/sign-in"]').count()).toBe(1);

      await laptopPage.reload();
      expect(await laptopPage.locator('form[action="/sign-in"]').count()).toBe(1);
      expect(await laptopPage.locator('#counter').count()).toBe(0);
    } finally {
      await laptop.close();
      await phone.close();
    }
  });

  it('the live page of one browser learns at once that another signed out everywhere', async () => {
    const laptop = await browser.newContext();
    const phone = await browser.newContext();
    try {
      const laptopPage = await signIn(laptop, 'Grace');
      await laptopPage.goto(new URL('/live', base).href);
      const status = laptopPage.locator('#live-status');
      await status.filter({ hasText: 'Connected as Grace.' }).waitFor();
      await laptopPage.click('#hello');
      await laptopPage.locator('#reply', { hasText: 'Hello, Grace.' }).waitFor();

      const phonePage = await signIn(phone, 'Grace');
      await phonePage.goto(new URL('/sessions', base).href);
      await Promise.all([
        phonePage.waitForURL(base),
        phonePage.click('button:has-text("Sign out everywhere")'),
      ]);
      // No reload: the WebSocket was closed with 4401 and the reason.
      await status.filter({ hasText: 'Your session ended (revoked). Sign in again.' }).waitFor();
      expect(await status.getAttribute('data-code')).toBe('4401');
    } finally {
      await laptop.close();
      await phone.close();
    }
  });
});
