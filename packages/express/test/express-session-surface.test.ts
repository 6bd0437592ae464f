import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSessionStore, type SessionStore } from '@sess/core';
import { createNodeRedisPort, type NodeRedisPort } from '@sess/node-redis';
import { type RedisServer, startRedis } from '@sess/testkit';
import express, { type Express } from 'express';
import express4 from 'express4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { session } from '../src/index.js';

// express-session's surface on sess' `req.session`, one member at a time (Passport,
// connect-flash and csrf-sync on it are in packages/tests/test/compat).

declare module '@sess/core' {
  interface SessionData {
    cart: string;
  }
}

const DAY = 86_400_000;
let redis: RedisServer;
let port: NodeRedisPort;
let prefixes = 0;
const servers: Server[] = [];

function store(): SessionStore {
  return createSessionStore({
    port,
    prefix: `x${++prefixes}`,
    cleaner: false,
    lifetimes: {
      remember: { idleTimeout: 30 * DAY, absoluteTimeout: 90 * DAY, cookie: 'persistent' },
      browser: { idleTimeout: 600_000, absoluteTimeout: DAY, cookie: 'browser-session' },
    },
  });
}

async function serve(app: Express): Promise<string> {
  const server = createServer(app).listen(0, '127.0.0.1');
  servers.push(server);
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function cookieOf(response: Response): string {
  return (response.headers.getSetCookie()[0] ?? '').split(';')[0] ?? '';
}

beforeAll(async () => {
  redis = await startRedis({ audit: true });
  port = await createNodeRedisPort({ url: redis.url });
});

afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    server.close();
  }
  await port?.close();
  await redis?.stop();
});

describe.each([
  ['Express 5', express],
  ['Express 4', express4],
])('%s: express-session on sess', (_name, createApp) => {
  it('req.sessionID: an id on every request, the one the cookie carries once something is written', async () => {
    const app = createApp();
    app.use(session({ store: store() }));
    app.get('/id', (req, res) => {
      const first = req.sessionID;
      if (req.query.write === '1') req.session.n = 1;
      res.json({ first, again: req.sessionID, id: req.session.id });
    });
    const url = await serve(app);
    const anonymous = await fetch(`${url}/id`);
    const seen = (await anonymous.json()) as Record<string, string>;
    expect(seen.first).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(seen.again).toBe(seen.first);
    expect(seen.id).toBe(seen.first);
    expect(anonymous.headers.getSetCookie()).toEqual([]);
    const written = await fetch(`${url}/id?write=1`);
    const { first } = (await written.json()) as Record<string, string>;
    expect(cookieOf(written)).toBe(`sess=${first}`);
  });

  it('req.session.cookie reads the lifetime policy; maxAge, originalMaxAge and expires move the session to another', async () => {
    const sessions = store();
    const app = createApp();
    app.use(session({ store: sessions }));
    app.post('/write', (req, res) => {
      req.session.n = 1;
      res.json(req.session.cookie);
    });
    app.post('/remember', (req, res) => {
      req.session.cookie.maxAge = 30 * DAY;
      res.json({
        maxAge: req.session.cookie.maxAge,
        originalMaxAge: req.session.cookie.originalMaxAge,
      });
    });
    app.post('/browser', (req, res) => {
      req.session.cookie.expires = null;
      res.json({ maxAge: req.session.cookie.maxAge, expires: req.session.cookie.expires });
    });
    app.post('/odd', (req, res, next) => {
      try {
        req.session.cookie.maxAge = 12_345;
        res.json({});
      } catch (error) {
        next(error);
      }
    });
    app.post('/attribute', (req, res, next) => {
      try {
        req.session.cookie.secure = true;
        res.json({});
      } catch (error) {
        next(error);
      }
    });
    const url = await serve(app);
    const written = await fetch(`${url}/write`, { method: 'POST' });
    const cookie = cookieOf(written);
    expect(await written.json()).toMatchObject({
      originalMaxAge: 1_800_000,
      httpOnly: true,
      path: '/',
      sameSite: 'lax',
      secure: false,
    });
    const remember = await fetch(`${url}/remember`, { method: 'POST', headers: { cookie } });
    const facts = (await remember.json()) as { maxAge: number; originalMaxAge: number };
    expect(facts.originalMaxAge).toBe(30 * DAY);
    expect(facts.maxAge).toBeGreaterThan(30 * DAY - 5_000);
    expect(remember.headers.getSetCookie()[0]).toMatch(/Max-Age=259(1999|2000);/);
    expect((await sessions.load(cookie.slice(5)))?.lifetime).toBe('remember');
    const browser = await fetch(`${url}/browser`, { method: 'POST', headers: { cookie } });
    expect(await browser.json()).toEqual({ maxAge: null, expires: null });
    expect(browser.headers.getSetCookie()[0]).not.toMatch(/Max-Age|Expires/);
    expect((await sessions.load(cookie.slice(5)))?.lifetime).toBe('browser');
    const odd = await fetch(`${url}/odd`, { method: 'POST', headers: { cookie } });
    expect(odd.status).toBe(500);
    expect(await odd.text()).toMatch(/none has idleTimeout 12345 with a persistent cookie/);
    const attribute = await fetch(`${url}/attribute`, { method: 'POST', headers: { cookie } });
    expect(await attribute.text()).toMatch(
      /options of the session middleware \(`cookie: \{ secure \}`\)/,
    );
  });

  it('regenerate(cb), save(cb), reload(cb), destroy(cb), touch(): callbacks called, express-session semantics', async () => {
    const sessions = store();
    const app = createApp();
    app.use(session({ store: sessions }));
    app.post('/write', (req, res) => {
      req.session.cart = 'tea';
      res.json({});
    });
    app.post('/regenerate', (req, res, next) => {
      const before = req.session;
      req.session.regenerate((error) => {
        if (error) return next(error);
        res.json({ same: before === req.session, old: before.cart, now: req.session.cart ?? null });
      });
    });
    app.post('/save-reload', (req, res, next) => {
      req.session.cart = 'coffee';
      req.session.touch().resetMaxAge();
      req.session.save((error) => {
        if (error) return next(error);
        req.session.reload((reloadError) => {
          if (reloadError) return next(reloadError);
          res.json({ cart: req.session.cart });
        });
      });
    });
    app.post('/destroy', (req, res, next) => {
      req.session.destroy((error) =>
        error ? next(error) : res.json({ id: req.session.id ?? null }),
      );
    });
    const url = await serve(app);
    const cookie = cookieOf(await fetch(`${url}/write`, { method: 'POST' }));
    const saved = await fetch(`${url}/save-reload`, { method: 'POST', headers: { cookie } });
    // save() writes at the commit: reload in between reads what Redis has.
    expect(await saved.json()).toEqual({ cart: 'tea' });
    const regenerated = await fetch(`${url}/regenerate`, { method: 'POST', headers: { cookie } });
    expect(await regenerated.json()).toEqual({ same: false, old: 'tea', now: null });
    // Nothing written to the new session: the old one ended, the cookie cleared.
    expect(regenerated.headers.getSetCookie()[0]).toMatch(/^sess=; Max-Age=0;/);
    expect(await sessions.load(cookie.slice(5))).toBeNull();
    const other = cookieOf(await fetch(`${url}/write`, { method: 'POST' }));
    const destroyed = await fetch(`${url}/destroy`, { method: 'POST', headers: { cookie: other } });
    expect(await destroyed.json()).toEqual({ id: null });
    expect(await sessions.load(other.slice(5))).toBeNull();
  });
});
