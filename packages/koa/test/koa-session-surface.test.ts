import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSessionStore, type SessionStore } from '@sess/core';
import { createNodeRedisPort, type NodeRedisPort } from '@sess/node-redis';
import { type RedisServer, startRedis } from '@sess/testkit';
import Koa from 'koa';
import Koa2 from 'koa2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { session } from '../src/index.js';

// koa-session's surface on sess' `ctx.session`, one member at a time (koa-passport on it is in
// packages/tests/test/compat).

const DAY = 86_400_000;
let redis: RedisServer;
let port: NodeRedisPort;
let prefixes = 0;
const servers: Server[] = [];

function store(): SessionStore {
  return createSessionStore({
    port,
    prefix: `ks${++prefixes}`,
    cleaner: false,
    lifetimes: {
      browser: { idleTimeout: 600_000, absoluteTimeout: DAY, cookie: 'browser-session' },
    },
  });
}

async function serve(app: Koa): Promise<string> {
  const server = createServer(app.callback()).listen(0, '127.0.0.1');
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
  ['Koa 3', Koa],
  ['Koa 2', Koa2],
])('%s: koa-session on sess', (_name, KoaApplication) => {
  it('ctx.session = object replaces the data, ctx.session = null ends the session', async () => {
    const sessions = store();
    const app = new KoaApplication();
    app.use(session({ store: sessions }));
    app.use(async (ctx) => {
      if (ctx.path === '/replace') ctx.session = { cart: 'tea', theme: 'dark' };
      else if (ctx.path === '/replace-again') ctx.session = { cart: 'coffee' };
      else if (ctx.path === '/end') ctx.session = null;
      ctx.body = ctx.session.toJSON();
    });
    const url = await serve(app);
    const replaced = await fetch(`${url}/replace`);
    expect(await replaced.json()).toEqual({ cart: 'tea', theme: 'dark' });
    const cookie = cookieOf(replaced);
    const again = await fetch(`${url}/replace-again`, { headers: { cookie } });
    expect(await again.json()).toEqual({ cart: 'coffee' });
    expect((await sessions.load(cookie.slice(5)))?.toObject()).toEqual({ cart: 'coffee' });
    const ended = await fetch(`${url}/end`, { headers: { cookie } });
    expect(await ended.json()).toEqual({});
    expect(cookieOf(ended)).toBe('sess=');
    expect(await sessions.load(cookie.slice(5))).toBeNull();
  });

  it("ctx.session.maxAge is the policy's idle timeout; 'session' moves it to a browser-session policy", async () => {
    const sessions = store();
    const app = new KoaApplication();
    app.use(session({ store: sessions }));
    app.use(async (ctx) => {
      ctx.session.n = 1;
      const before = ctx.session.maxAge;
      if (ctx.path === '/browser') ctx.session.maxAge = 'session';
      ctx.body = { before, after: ctx.session.maxAge };
    });
    const url = await serve(app);
    const written = await fetch(url);
    expect(await written.json()).toEqual({ before: 1_800_000, after: 1_800_000 });
    const browser = await fetch(`${url}/browser`, { headers: { cookie: cookieOf(written) } });
    expect(await browser.json()).toEqual({ before: 1_800_000, after: 'session' });
    expect(browser.headers.getSetCookie()[0]).not.toMatch(/Max-Age/);
  });

  it('save() resolves; regenerate(cb) keeps the data under a new id, moved at the commit', async () => {
    const sessions = store();
    const app = new KoaApplication();
    app.use(session({ store: sessions }));
    app.use(async (ctx) => {
      if (ctx.path === '/write') {
        ctx.session.n = 1;
        await ctx.session.save();
      } else {
        await new Promise<void>((resolve, reject) =>
          ctx.session.regenerate((error) => (error ? reject(error) : resolve())),
        );
      }
      ctx.body = { id: ctx.session.id, n: ctx.session.n };
    });
    const url = await serve(app);
    const written = await fetch(`${url}/write`);
    const cookie = cookieOf(written);
    const moved = await fetch(`${url}/regenerate`, { headers: { cookie } });
    const body = (await moved.json()) as { id: string; n: number };
    expect(body.n).toBe(1);
    expect(cookieOf(moved)).toBe(`sess=${body.id}`);
    expect(await sessions.load(cookie.slice(5))).toBeNull();
  });
});
