import {
  createSessionStore,
  type HttpSessionOptions,
  type SessionEvent,
  type SessionStore,
  type SessionStoreOptions,
} from '@sess/core';
import { createNodeRedisPort, type NodeRedisPort } from '@sess/node-redis';
import { type RedisServer, startRedis } from '@sess/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser } from './browser.js';
import { sessList } from './sess-cli.js';

// The standard Passport login and logout, with the framework's real Passport package (passport
// 0.7 with passport-local, @fastify/passport, koa-passport), over HTTP, on a real Redis with
// the command audit on. Each framework's test file only builds its app.

export const SECRET = 'the passport tests secret, 32 characters or more';
export const PASSWORD = 'correct horse battery staple';
export const THIRTY_DAYS = 30 * 24 * 60 * 60 * 1000;

/**
 * What every Passport app serves:
 * - `GET /me`: `{ user, cart }` (`user`: Passport's `req.user.id`, or null);
 * - `POST /cart` (form `item`): writes `cart`;
 * - `POST /login` (form `username`, `password`; `?keep=1`: `keepSessionInfo`): passport-local,
 *   `{ user }`, or 401;
 * - `POST /logout`: Passport's logout, `{ ok }`;
 * - `POST /remember`: the cookie's max age set to 30 days, the framework's way;
 * - `POST /revoke-everywhere`: `{ ended }` of `session.revokeEverywhere()`.
 * The session middleware is given `principalFrom: passportPrincipal()`.
 */
export type StartPassportApp = (
  store: SessionStore,
  extra?: Pick<HttpSessionOptions, 'migrateFrom'>,
) => Promise<{
  readonly url: string;
  close(): Promise<void>;
}>;

export interface PassportFlowOptions {
  /** A login starts from an empty session (express-session, @fastify/session); koa-session keeps the data. */
  readonly loginClearsData: boolean;
}

export function passportFlow(
  framework: string,
  start: StartPassportApp,
  { loginClearsData }: PassportFlowOptions,
): void {
  describe(`${framework}: Passport on sess, over HTTP and real Redis`, () => {
    let server: RedisServer;
    let port: NodeRedisPort;
    let store: SessionStore;
    let app: { url: string; close(): Promise<void> };
    const prefix = 'sess:passport';

    beforeAll(async () => {
      server = await startRedis({ audit: true });
      port = await createNodeRedisPort({ url: server.url });
      const options: SessionStoreOptions = {
        port,
        prefix,
        cleaner: false,
        lifetimes: {
          remember: {
            idleTimeout: THIRTY_DAYS,
            absoluteTimeout: 3 * THIRTY_DAYS,
            cookie: 'persistent',
          },
        },
      };
      store = createSessionStore(options);
      app = await start(store);
    });

    afterAll(async () => {
      await app?.close();
      await store?.close();
      await port?.close();
      await server?.stop(); // fails if the audit saw a forbidden command
    });

    const idOf = (browser: Browser): string | undefined => browser.jar.get('sess')?.slice(0, 43);

    /** The session events of this store while `run` runs. */
    async function eventsDuring(run: () => Promise<unknown>): Promise<SessionEvent[]> {
      const seen: SessionEvent[] = [];
      const listener = (event: SessionEvent) => seen.push(event);
      for (const type of ['created', 'regenerated', 'destroyed', 'revoked'] as const) {
        store.on(type, listener);
      }
      try {
        await run();
      } finally {
        for (const type of ['created', 'regenerated', 'destroyed', 'revoked'] as const) {
          store.off(type, listener);
        }
      }
      return seen;
    }

    async function signedIn(user: string, keep = false): Promise<Browser> {
      const browser = new Browser(app.url);
      expect((await browser.post('/cart', { item: 'tea' })).status).toBe(200);
      const login = await browser.post(`/login${keep ? '?keep=1' : ''}`, {
        username: user,
        password: PASSWORD,
      });
      expect(login.status, await login.clone().text()).toBe(200);
      return browser;
    }

    it('a wrong password: 401 at once, the session and its data left as they were', async () => {
      const browser = new Browser(app.url);
      await browser.post('/cart', { item: 'tea' });
      const before = idOf(browser);
      const started = performance.now();
      const response = await browser.post('/login', { username: 'ada', password: 'wrong' });
      expect(response.status).toBe(401);
      expect(performance.now() - started).toBeLessThan(2_000);
      expect(idOf(browser)).toBe(before);
      expect(await browser.json('/me')).toEqual({ user: null, cart: 'tea' });
    });

    it('a login is one sign-in: a new session id, the principal recorded, listed by `sess list --principal`', async () => {
      const browser = new Browser(app.url);
      await browser.post('/cart', { item: 'tea' });
      const anonymous = idOf(browser) as string;
      expect(anonymous).toMatch(/^[A-Za-z0-9_-]{43}$/);
      let status = 0;
      const events = await eventsDuring(async () => {
        const response = await browser.post('/login', { username: 'ada', password: PASSWORD });
        status = response.status;
        expect(await response.json()).toEqual({ user: 'ada' });
      });
      expect(status).toBe(200);
      const signedIn = idOf(browser) as string;
      expect(signedIn).not.toBe(anonymous);
      // One move of the anonymous session to the new id, signed in: nothing else was created.
      expect(
        events.map(({ type, id, newId, principal, reason }) => ({
          type,
          id,
          newId,
          principal,
          reason,
        })),
      ).toEqual([
        {
          type: 'regenerated',
          id: anonymous,
          newId: signedIn,
          principal: 'ada',
          reason: 'sign-in',
        },
      ]);
      expect(await store.load(anonymous)).toBeNull();
      expect(await browser.json('/me')).toEqual({
        user: 'ada',
        cart: loginClearsData ? null : 'tea',
      });
      expect((await store.findByPrincipal('ada')).map((record) => record.id)).toContain(signedIn);
      expect(await sessList(server.url, prefix, 'ada')).toContain(signedIn);
    });

    it.skipIf(!loginClearsData)('keepSessionInfo: the login keeps the data', async () => {
      const browser = await signedIn('bea', true);
      expect(await browser.json('/me')).toEqual({ user: 'bea', cart: 'tea' });
      expect(await sessList(server.url, prefix, 'bea')).toEqual([idOf(browser)]);
    });

    it('logout ends the signed-in session in Redis', async () => {
      const browser = await signedIn('cy');
      const id = idOf(browser) as string;
      expect(await sessList(server.url, prefix, 'cy')).toEqual([id]);
      const response = await browser.post('/logout');
      expect(response.status).toBe(200);
      expect(await store.load(id)).toBeNull();
      expect(await store.findByPrincipal('cy')).toEqual([]);
      expect(await sessList(server.url, prefix, 'cy')).toEqual([]);
      expect((await browser.json('/me')).user).toBeNull();
    });

    it('revokeEverywhere ends every session of the Passport user', async () => {
      const laptop = await signedIn('dee');
      const phone = await signedIn('dee');
      expect((await sessList(server.url, prefix, 'dee')).sort()).toEqual(
        [idOf(laptop), idOf(phone)].sort(),
      );
      const revoked = await phone.post('/revoke-everywhere');
      expect(await revoked.json()).toEqual({ ended: 2 });
      expect((await laptop.json('/me')).user).toBeNull();
      expect((await phone.json('/me')).user).toBeNull();
      expect(await sessList(server.url, prefix, 'dee')).toEqual([]);
    });

    it('the store revoking the principal (an admin, `sess revoke`) signs the Passport user out', async () => {
      const browser = await signedIn('eve');
      expect(await store.revokePrincipal('eve')).toBe(1);
      expect((await browser.json('/me')).user).toBeNull();
    });

    it('remember me: a cookie max age of 30 days moves the session to the policy of 30 days', async () => {
      const browser = await signedIn('fay');
      const response = await browser.post('/remember');
      expect(response.status, await response.clone().text()).toBe(200);
      const [cookie] = response.headers.getSetCookie();
      expect(cookie).toMatch(
        new RegExp(
          `^sess=${idOf(browser)}\\.[^;]+; Max-Age=(${THIRTY_DAYS / 1000}|${THIRTY_DAYS / 1000 - 1});`,
        ),
      );
      const [record] = await store.findByPrincipal('fay');
      expect(record?.lifetime).toBe('remember');
    });
  });
}
