import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServeExample } from '../example-server.js';
import { CookieClient, textOf } from './cookie-client.js';
import { type RunningExample, startExample } from './start-example.js';

/**
 * What every example app must do, over HTTP against a real Redis: the same routes, pages and
 * refusals whichever framework serves them. Call it at the top level of a test file.
 */
export function describeExampleApp(framework: string, serve: ServeExample): void {
  describe(`the ${framework} example against a real Redis`, () => {
    let app: RunningExample;

    beforeAll(async () => {
      app = await startExample(framework.toLowerCase(), serve);
    });

    afterAll(async () => {
      await app?.stop();
    });

    async function signIn(name: string, userAgent?: string): Promise<CookieClient> {
      const client = new CookieClient(app.base);
      const headers: Record<string, string> =
        userAgent === undefined ? {} : { 'user-agent': userAgent };
      const reply = await client.post('/sign-in', { name }, headers);
      expect(reply.status).toBe(303);
      expect(reply.location).toBe('/');
      return client;
    }

    it('shows an anonymous visitor the sign-in form and creates no session for them', async () => {
      const before = await app.store.count();
      const reply = await new CookieClient(app.base).get('/');
      expect(reply.status).toBe(200);
      expect(reply.body).toContain('<form method="post" action="/sign-in">');
      expect(reply.setCookie).toEqual([]);
      expect(await app.store.count()).toBe(before);
    });

    it('signs in with a cookie the browser cannot read, and counts page loads in the session', async () => {
      const client = new CookieClient(app.base);
      const reply = await client.post('/sign-in', { name: 'Ada' });
      expect(reply.status).toBe(303);
      const [cookie] = reply.setCookie;
      expect(cookie).toMatch(/^sess=[\w-]{43}(\.|;)/);
      expect(cookie).toMatch(/; HttpOnly/i);
      expect(cookie).toMatch(/; SameSite=Lax/i);
      expect(cookie).toMatch(/; Path=\//i);

      const first = await client.get('/');
      expect(first.body).toContain('Hello, Ada');
      expect(textOf(first.body, 'counter')).toBe('1');
      expect(first.headers.get('cache-control')).toBe('no-store');
      const second = await client.get('/');
      expect(textOf(second.body, 'counter')).toBe('2');
    });

    it('escapes the name it shows', async () => {
      const client = await signIn('<script>alert(1)</script>');
      const page = await client.get('/');
      expect(page.body).toContain('Hello, &lt;script&gt;alert(1)&lt;/script&gt;');
      expect(page.body).not.toContain('<script>');
    });

    it('lists your sessions, marks the current one, and signs out everywhere', async () => {
      const name = `grace-${randomUUID()}`;
      const laptop = await signIn(name);
      const phone = await signIn(name);
      const countBefore = await app.store.count();

      const list = await laptop.get('/sessions');
      expect(list.status).toBe(200);
      expect(textOf(list.body, 'session-count')).toBe('2');
      expect(list.body.match(/<tr class="current">/g)).toHaveLength(1);
      expect(list.body).toContain('(this device)');
      expect(Number(textOf(list.body, 'active-sessions'))).toBe(countBefore);

      const revoked = await phone.post('/sign-out-everywhere');
      expect(revoked.status).toBe(303);
      expect(await app.store.count()).toBe(countBefore - 2);
      const laptopAfter = await laptop.get('/');
      expect(laptopAfter.body).toContain('action="/sign-in"');
      const phoneAfter = await phone.get('/');
      expect(phoneAfter.body).toContain('action="/sign-in"');
    });

    it('a devices page: what each sign-in recorded, a revoke button that ends one, no session ids', async () => {
      const name = `dev-${randomUUID()}`;
      const phone = await signIn(
        name,
        'Mozilla/5.0 (Linux; Android 14) Chrome/126.0 Mobile Safari/537.36',
      );
      const laptop = await signIn(
        name,
        'Mozilla/5.0 (Windows NT 10.0; rv:128.0) Gecko/20100101 Firefox/128.0',
      );
      const stranger = await signIn(`other-${randomUUID()}`);
      const ids = [phone, laptop, stranger].map((client) =>
        [...client.cookies.values()][0]?.slice(0, 43),
      );

      const page = await laptop.get('/sessions');
      expect(page.body).toContain('Chrome on Android');
      expect(page.body).toContain('Firefox on Windows</span> (this device)');
      expect(page.body).toContain('from 127.0.0.0/24');
      for (const id of ids) expect(page.body).not.toContain(id);
      const handles = [...page.body.matchAll(/name="handle" value="([\w-]{22})"/g)].map(
        (match) => match[1] as string,
      );
      expect(handles).toHaveLength(1); // the other device; this one has the sign-out button

      // The stranger's own handle, posted from the laptop: refused, the stranger stays signed in.
      const strangerPage = await stranger.get('/sessions');
      expect(strangerPage.body).not.toContain('name="handle"');
      const countBefore = await app.store.count();
      const [phoneHandle] = handles;
      const forged = await stranger.post('/sessions/revoke', { handle: phoneHandle ?? '' });
      expect(forged.status).toBe(303);
      expect(await app.store.count()).toBe(countBefore);
      expect((await phone.get('/')).body).toContain(`Hello, ${name}`);

      const revoked = await laptop.post('/sessions/revoke', { handle: phoneHandle ?? '' });
      expect(revoked.status).toBe(303);
      expect(revoked.location).toBe('/sessions');
      expect(await app.store.count()).toBe(countBefore - 1);
      expect((await phone.get('/')).body).toContain('action="/sign-in"');
      const after = await laptop.get('/sessions');
      expect(textOf(after.body, 'session-count')).toBe('1');
      expect(after.body).not.toContain('name="handle"');
    });

    it('signs out: the session ends and the cookie is cleared', async () => {
      const client = await signIn('Linus');
      const countBefore = await app.store.count();
      const reply = await client.post('/sign-out');
      expect(reply.status).toBe(303);
      expect(client.cookies.size).toBe(0);
      expect(await app.store.count()).toBe(countBefore - 1);
      expect((await client.get('/')).body).toContain('action="/sign-in"');
    });

    it('refuses an empty name and cross-origin form posts', async () => {
      const client = new CookieClient(app.base);
      const empty = await client.post('/sign-in', { name: '   ' });
      expect(empty.status).toBe(400);
      expect(empty.body).toContain('Type a name');
      const forged = await client.post(
        '/sign-in',
        { name: 'Mallory' },
        { origin: 'http://evil.example' },
      );
      expect(forged.status).toBe(403);
      const opaque = await client.post('/sign-in', { name: 'Mallory' }, { origin: 'null' });
      expect(opaque.status).toBe(403);
      expect(client.cookies.size).toBe(0);
    });

    it('sends a signed-out visitor of the sessions page to the sign-in form', async () => {
      const reply = await new CookieClient(app.base).get('/sessions');
      expect(reply.status).toBe(303);
      expect(reply.location).toBe('/');
    });

    // Last: it kills the server.
    it('answers 503 with a page of its own while Redis is down', async ({ skip }) => {
      if (app.redis.pid === undefined) skip('REDIS_URL names a server this test cannot kill');
      const client = await signIn('Ada');
      await app.redis.kill();
      const reply = await client.get('/');
      expect(reply.status).toBe(503);
      expect(reply.body).toContain('The session store is not answering');
    });
  });
}
