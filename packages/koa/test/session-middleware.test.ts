import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSessionStore, isSessError, type SessionStore } from '@sess/core';
import { createHttpSessions } from '@sess/core/adapter';
import { createNodeRedisPort, type NodeRedisPort } from '@sess/node-redis';
import { type RedisServer, startRedis } from '@sess/testkit';
import Koa from 'koa';
import Koa2 from 'koa2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { session } from '../src/index.js';

// What is particular to Koa: error responses are rebuilt from scratch (`err.headers`), and
// errors reach `app.on('error')`. The behaviour shared with the other adapters is tested in
// packages/tests/test/adapters.

declare module '@sess/core' {
  interface SessionData {
    n: number | string;
  }
}

let redis: RedisServer;
let port: NodeRedisPort;
let prefixes = 0;
const servers: Server[] = [];

function store(options: { maxAttributeBytes?: number } = {}): SessionStore {
  return createSessionStore({ port, prefix: `k${++prefixes}`, cleaner: false, ...options });
}

async function serve(app: Koa): Promise<string> {
  const server = createServer(app.callback()).listen(0, '127.0.0.1');
  servers.push(server);
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
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
])('%s', (_name, KoaApp) => {
  it('an error response carries the cookie next to the headers of the error', async () => {
    const app = new KoaApp();
    app.silent = true;
    app.use(session({ store: store() }));
    app.use(async (ctx) => {
      ctx.session.n = 1;
      ctx.cookies.set('lost', 'yes'); // Koa drops headers set before an error
      const error = Object.assign(new Error('nope'), {
        status: 418,
        expose: true,
        headers: { 'Set-Cookie': 'theme=dark', 'x-reason': 'teapot' },
      });
      throw error;
    });
    const response = await fetch(await serve(app));
    expect(response.status).toBe(418);
    expect(await response.text()).toBe('nope');
    expect(response.headers.get('x-reason')).toBe('teapot');
    const cookies = response.headers.getSetCookie();
    expect(cookies).toHaveLength(2);
    expect(cookies[0]).toBe('theme=dark');
    expect(cookies[1]).toMatch(/^sess=/);
  });

  it('keeps the cookies the app set on a normal response', async () => {
    const app = new KoaApp();
    app.use(session({ store: store() }));
    app.use(async (ctx) => {
      ctx.cookies.set('theme', 'dark');
      ctx.session.n = 1;
      ctx.body = { ok: true };
    });
    const cookies = (await fetch(await serve(app))).headers.getSetCookie();
    expect(cookies.map((c) => c.split('=')[0])).toEqual(['theme', 'sess']);
  });

  it("a failed commit goes through Koa's error handling", async () => {
    const app = new KoaApp();
    const errors: unknown[] = [];
    app.on('error', (error: unknown) => errors.push(error));
    app.use(session(createHttpSessions({ store: store({ maxAttributeBytes: 10 }) })));
    app.use(async (ctx) => {
      ctx.session.n = 'x'.repeat(100);
      ctx.body = 'should not be seen';
    });
    const response = await fetch(await serve(app));
    expect(response.status).toBe(500);
    expect(await response.text()).toBe('Internal Server Error');
    expect(errors).toHaveLength(1);
    expect(isSessError(errors[0], 'TOO_LARGE')).toBe(true);
  });
});
