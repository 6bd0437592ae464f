import { existsSync } from 'node:fs';
import { type RunningExample, startExample } from '@sess/example-shared/testing';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveWithLiveConnections } from '../src/live-connections.js';

// A real browser enforces cookie rules an HTTP client does not (HttpOnly, SameSite, Path,
// what it sends back and when). Debian's Chromium, driven by playwright-core.

const CHROMIUM = '/usr/bin/chromium';
const PHONE_AGENT =
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36';
const LAPTOP_AGENT = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';
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
    // Each context is a browser of its own: another cookie jar, and here another user agent.
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
      await phonePage.click('a:has-text("Your devices")');
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

  it('the devices page: revoking the other browser ends its session, and only that one', async () => {
    const phone = await browser.newContext({ userAgent: PHONE_AGENT });
    const laptop = await browser.newContext({ userAgent: LAPTOP_AGENT });
    try {
      const phonePage = await signIn(phone, 'Grace');
      const laptopPage = await signIn(laptop, 'Grace');
      await laptopPage.click('a:has-text("Your devices")');
      await laptopPage.waitForURL(new URL('/sessions', base).href);
      expect(await laptopPage.textContent('#session-count')).toBe('2');
      expect(await laptopPage.textContent('tr.current .device')).toBe('Firefox on Linux');
      const other = laptopPage.locator('tbody tr:not(.current)', { hasText: 'Chrome on Android' });
      expect(await other.count()).toBe(1);
      // The page names the other session by its handle: no session id anywhere in it.
      const [laptopCookie] = await laptop.cookies(base);
      const [phoneCookie] = await phone.cookies(base);
      const html = await laptopPage.content();
      for (const cookie of [laptopCookie, phoneCookie]) {
        expect(cookie?.value).toMatch(/^[\w-]{43}/);
        expect(html).not.toContain(cookie?.value.slice(0, 43));
      }

      await Promise.all([
        laptopPage.waitForURL(new URL('/sessions', base).href),
        other.locator('button:has-text("Revoke")').click(),
      ]);
      expect(await laptopPage.textContent('#session-count')).toBe('1');
      expect(await laptopPage.locator('tbody tr:not(.current)').count()).toBe(0);
      expect(await laptopPage.locator('tr.current').count()).toBe(1);

      // The phone is signed out; the laptop is not.
      await phonePage.reload();
      expect(await phonePage.locator('form[action="/sign-in"]').count()).toBe(1);
      await laptopPage.goto(base);
      expect(await laptopPage.textContent('h1')).toBe('Hello, Grace');
    } finally {
      await phone.close();
      await laptop.close();
    }
  });
});
