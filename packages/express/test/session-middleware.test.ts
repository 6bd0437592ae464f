import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSessionStore, isSessError, type SessionStore } from '@sess/core';
import { createHttpSessions } from '@sess/core/adapter';
import { createNodeRedisPort, type NodeRedisPort } from '@sess/node-redis';
import { type RedisServer, startRedis } from '@sess/testkit';
import express, { type ErrorRequestHandler, type Express } from 'express';
import express4 from 'express4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { session } from '../src/index.js';

// What is particular to Express: the response is held until the commit, whatever way the app
// sends it. The behaviour shared with the other adapters is tested in packages/tests/test/adapters.

let redis: RedisServer;
let port: NodeRedisPort;
let prefixes = 0;
const servers: Server[] = [];

function store(options: { maxAttributeBytes?: number } = {}): SessionStore {
  return createSessionStore({ port, prefix: `e${++prefixes}`, cleaner: false, ...options });
}

async function serve(app: Express): Promise<string> {
  const server = createServer(app).listen(0, '127.0.0.1');
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
  ['Express 5', express],
  ['Express 4', express4],
])('%s', (_name, createApp) => {
  it('holds a streamed response until the commit: the cookie is on it, the body intact', async () => {
    const app = createApp();
    app.use(session({ store: store() }));
    app.get('/stream', (req, res) => {
      req.session.n = 1;
      res.setHeader('content-type', 'text/plain');
      res.write('first ');
      setImmediate(() => res.end('last'));
    });
    const response = await fetch(`${await serve(app)}/stream`);
    expect(response.headers.getSetCookie()[0]).toMatch(/^sess=/);
    expect(await response.text()).toBe('first last');
  });

  it('holds an explicit writeHead, keeping its headers and the cookies the app set', async () => {
    const app = createApp();
    app.use(session({ store: store() }));
    app.get('/head', (req, res) => {
      req.session.n = 1;
      res.cookie('theme', 'dark');
      res.writeHead(201, { 'x-custom': 'yes' });
      res.end('made');
    });
    const response = await fetch(`${await serve(app)}/head`);
    expect(response.status).toBe(201);
    expect(response.headers.get('x-custom')).toBe('yes');
    const cookies = response.headers.getSetCookie();
    expect(cookies).toHaveLength(2);
    expect(cookies[0]).toMatch(/^theme=dark/);
    expect(cookies[1]).toMatch(/^sess=/);
    expect(await response.text()).toBe('made');
  });

  it('a failed commit reaches the error handler before anything was written', async () => {
    const app = createApp();
    app.use(session({ store: store({ maxAttributeBytes: 10 }) }));
    app.get('/big', (req, res) => {
      req.session.n = 'x'.repeat(100);
      res.send('should not be seen');
    });
    const handler: ErrorRequestHandler = (error, _req, res, _next) => {
      res.status(500).json({ code: isSessError(error) ? error.code : 'other' });
    };
    app.use(handler);
    const response = await fetch(`${await serve(app)}/big`);
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ code: 'TOO_LARGE' });
  });

  it('holds responses sent from a mounted sub-app, and leaves routes before it alone', async () => {
    const app = createApp();
    app.get('/before', (_req, res) => {
      res.send('no session here');
    });
    app.use(session({ store: store() }));
    const api = createApp();
    api.get('/write', (req, res) => {
      req.session.n = 2;
      res.json({ ok: true });
    });
    app.use('/api', api);
    const url = await serve(app);
    for (let i = 0; i < 2; i++) {
      const before = await fetch(`${url}/before`);
      expect(before.headers.getSetCookie()).toEqual([]);
      expect(await before.text()).toBe('no session here');
      const written = await fetch(`${url}/api/write`);
      expect(written.headers.getSetCookie()[0]).toMatch(/^sess=/);
      expect(await written.json()).toEqual({ ok: true });
    }
  });

  it('holds a response that a middleware before it wrapped, from the first request on', async () => {
    const app = createApp();
    const ends: string[] = [];
    app.use((_req, res, next) => {
      const end = res.end;
      res.end = function wrappedEnd(this: typeof res, ...args: unknown[]) {
        ends.push(String(res.getHeader('set-cookie') ?? 'no cookie'));
        return Reflect.apply(end, this, args);
      } as typeof res.end;
      next();
    });
    app.use(session({ store: store() }));
    app.get('/', (req, res) => {
      req.session.n = 3;
      res.send('wrapped');
    });
    const url = await serve(app);
    for (let i = 0; i < 2; i++) {
      const response = await fetch(url);
      expect(response.headers.getSetCookie()[0]).toMatch(/^sess=/);
      expect(await response.text()).toBe('wrapped');
    }
    // sess wrapped the app's wrapper: the cookie was on the response before it reached it.
    expect(ends).toHaveLength(2);
    for (const seen of ends) expect(seen).toMatch(/^sess=/);
  });

  it('one HttpSessions can serve several apps', async () => {
    const sessions = createHttpSessions({ store: store() });
    const writer = createApp();
    writer.use(session(sessions));
    writer.get('/', (req, res) => {
      req.session.from = 'writer';
      res.end();
    });
    const reader = createApp();
    reader.use(session(sessions));
    reader.get('/', (req, res) => {
      res.json({ from: req.session.from ?? null });
    });
    const cookie = (await fetch(await serve(writer))).headers.getSetCookie()[0]!.split(';')[0]!;
    const read = await fetch(await serve(reader), { headers: { cookie } });
    expect(await read.json()).toEqual({ from: 'writer' });
  });
});

declare module '@sess/core' {
  interface SessionData {
    n: number | string;
    from: string;
  }
}
