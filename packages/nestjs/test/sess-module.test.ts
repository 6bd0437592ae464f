import type { IncomingMessage, ServerResponse } from 'node:http';
import { Injectable, type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import { createSessionStore, isSessError } from '@sess/core';
import { createNodeRedisPort, type NodeRedisPort } from '@sess/node-redis';
import { type RedisServer, startRedis } from '@sess/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_STORE, type Session, type SessionStore, SessModule } from '../src/index.js';
import { CookieClient } from './cookie-client.js';
import { PLATFORMS, type RunningNestApp, startNestApp } from './test-app.js';

// The module on both of Nest's HTTP platforms, over real HTTP against a real redis-server
// whose command audit fails the run on anything sess must not send.

const SECRET = 'a test secret of 32 characters or more';

let redis: RedisServer;
let port: NodeRedisPort;
let prefixes = 0;
const running: RunningNestApp[] = [];

beforeAll(async () => {
  redis = await startRedis({ audit: true });
  port = await createNodeRedisPort({ url: redis.url });
});

afterEach(async () => {
  await Promise.all(running.splice(0).map(({ app }) => app.close()));
});

afterAll(async () => {
  await port?.close();
  await redis?.stop();
});

function newStore(): SessionStore {
  return createSessionStore({ port, prefix: `n${++prefixes}`, cleaner: false });
}

async function start(...args: Parameters<typeof startNestApp>): Promise<RunningNestApp> {
  const app = await startNestApp(...args);
  running.push(app);
  return app;
}

describe.each(PLATFORMS)('SessModule on %s', (platform) => {
  it('gives handlers the session: written, sent as a cookie, read back on the next request', async () => {
    const { url } = await start(platform, [
      SessModule.forRoot({ store: newStore(), secrets: SECRET }),
    ]);
    const client = new CookieClient(url);

    const anonymous = await client.get('/peek');
    expect(anonymous).toMatchObject({ status: 200, body: { id: null, visits: null } });
    expect(anonymous.setCookie).toEqual([]);

    const first = await client.get('/visits');
    expect(first).toMatchObject({ status: 200, body: { visits: 1, user: null } });
    expect(first.setCookie[0]).toMatch(/^sess=[\w-]{43}\.[\w-]+; /);
    expect(first.setCookie[0]).toMatch(/; HttpOnly/i);

    expect((await client.get('/visits')).body).toEqual({ visits: 2, user: null });
    const peek = await client.get('/peek');
    expect(peek.body).toMatchObject({ visits: 2 });
    expect(peek.setCookie).toEqual([]);
  });

  it('signs in on a new session id, keeping the data, and the guard lets the principal through', async () => {
    const { url } = await start(platform, [
      SessModule.forRoot({ store: newStore(), secrets: SECRET }),
    ]);
    const client = new CookieClient(url);

    expect(await client.get('/me')).toMatchObject({
      status: 401,
      body: { statusCode: 401, message: 'Unauthorized' },
    });
    await client.get('/visits');
    const signIn = await client.post('/sign-in/ada');
    expect(signIn.status).toBe(200);
    const { before, after } = signIn.body as { before: string; after: string };
    expect(after).not.toBe(before);
    expect(signIn.setCookie[0]).toContain(after);

    expect(await client.get('/me')).toMatchObject({ status: 200, body: { user: 'ada' } });
    expect((await client.get('/visits')).body).toEqual({ visits: 2, user: 'ada' });

    const signOut = await client.post('/sign-out');
    expect(signOut.body).toEqual({ user: null });
    expect(signOut.setCookie[0]).toMatch(/^sess=;.*Max-Age=0/i);
    expect(client.cookie).toBeUndefined();
    expect((await client.get('/me')).status).toBe(401);
  });

  it("revokes a user's sessions from a service the store is injected into", async () => {
    const { url } = await start(platform, [
      SessModule.forRoot({ store: newStore(), secrets: SECRET }),
    ]);
    const laptop = new CookieClient(url);
    const phone = new CookieClient(url);
    const other = new CookieClient(url);
    await laptop.post('/sign-in/grace');
    await phone.post('/sign-in/grace');
    await other.post('/sign-in/alan');
    const admin = new CookieClient(url);
    expect((await admin.get('/accounts/grace')).body).toEqual({ sessions: 2 });

    expect((await admin.post('/accounts/grace/sign-out-everywhere')).body).toEqual({ revoked: 2 });

    expect((await admin.get('/accounts/grace')).body).toEqual({ sessions: 0 });
    expect((await laptop.get('/me')).status).toBe(401);
    expect((await phone.get('/me')).status).toBe(401);
    expect(await other.get('/me')).toMatchObject({ status: 200, body: { user: 'alan' } });
  });

  it('takes its options from forRootAsync, with a provider of an imported module injected', async () => {
    const store = newStore();
    @Injectable()
    class SessionSettings {
      readonly secret = SECRET;
      readonly cookieName = 'nest-sid';
    }
    @Module({ providers: [SessionSettings], exports: [SessionSettings] })
    class SettingsModule {}

    const { url } = await start(platform, [
      SessModule.forRootAsync({
        imports: [SettingsModule],
        inject: [SessionSettings],
        useFactory: async (settings: SessionSettings) => ({
          store,
          secrets: [settings.secret],
          cookie: { name: settings.cookieName },
        }),
      }),
    ]);
    const client = new CookieClient(url);
    const first = await client.get('/visits');
    expect(first.setCookie[0]).toMatch(/^nest-sid=/);
    expect((await client.get('/visits')).body).toEqual({ visits: 2, user: null });
  });

  it('closes the store it made at shutdown, and the port too when told to', async () => {
    const ownPort = await createNodeRedisPort({ url: redis.url });
    const { app, url } = await start(platform, [
      SessModule.forRoot({
        storeOptions: { port: ownPort, prefix: `n${++prefixes}`, cleaner: false },
        secrets: SECRET,
        onShutdown: 'close-store-and-port',
      }),
    ]);
    const store = app.get<SessionStore>(SESSION_STORE);
    await new CookieClient(url).get('/visits');
    expect(await store.count()).toBe(1);

    running.splice(running.length - 1);
    await app.close();

    await expect(store.count()).rejects.toSatisfy((error) => isSessError(error, 'CLOSED'));
    await expect(ownPort.send({ command: 'PING', keys: [], args: [] })).rejects.toSatisfy((error) =>
      isSessError(error, 'UNAVAILABLE'),
    );
  });

  it('closes a given store at shutdown and leaves its port open, by default', async () => {
    const store = newStore();
    const { app } = await start(platform, [SessModule.forRoot({ store })]);
    running.splice(running.length - 1);
    await app.close();

    await expect(store.count()).rejects.toSatisfy((error) => isSessError(error, 'CLOSED'));
    expect(await port.send({ command: 'PING', keys: [], args: [] })).toBe('PONG');
  });

  it("leaves the store open with onShutdown: 'leave-open'", async () => {
    const store = newStore();
    const { app } = await start(platform, [
      SessModule.forRoot({ store, onShutdown: 'leave-open' }),
    ]);
    running.splice(running.length - 1);
    await app.close();

    expect(await store.count()).toBe(0);
    await store.close();
  });
});

describe('SessModule on express, with the middleware of other modules', () => {
  it('runs first: their middleware sees the session', async () => {
    @Module({})
    class AuditModule implements NestModule {
      configure(consumer: MiddlewareConsumer): void {
        const tag = (
          req: IncomingMessage & { session?: Session },
          res: ServerResponse,
          next: () => void,
        ) => {
          res.setHeader('x-principal', req.session?.principal ?? 'nobody');
          next();
        };
        consumer.apply(tag).forRoutes('*');
      }
    }
    const { url } = await start('express', [
      AuditModule,
      SessModule.forRoot({ store: newStore(), secrets: SECRET }),
    ]);
    const client = new CookieClient(url);
    await client.post('/sign-in/ada');
    const response = await fetch(`${url}/peek`, { headers: { cookie: client.cookie ?? '' } });
    expect(response.headers.get('x-principal')).toBe('ada');
  });
});
