import type { AddressInfo } from 'node:net';
import websocket from '@fastify/websocket';
import { createSessionStore, type SessionStore } from '@sess/core';
import { sessPlugin } from '@sess/fastify';
import { createNodeRedisPort, type NodeRedisPort } from '@sess/node-redis';
import { type RedisServer, startRedis } from '@sess/testkit';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { liveUpgradeGuard, trackWebSocket } from '../src/fastify.js';
import { createLiveSessions, LIVE_CLOSE_CODE, type LiveSessions } from '../src/index.js';
import { post, SECRETS, signIn } from './support/live-app.js';
import { nextMessage, openSocket, RefusedUpgrade, until } from './support/sockets.js';

// @fastify/websocket with @sess/fastify: the guard refuses before the upgrade, the route's
// handler tracks the socket from `request.session`. Real HTTP, real (audited) Redis.

let redis: RedisServer;
const cleanups: Array<() => Promise<unknown>> = [];
let prefixes = 0;

beforeAll(async () => {
  redis = await startRedis({ audit: true });
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

afterAll(async () => {
  await redis?.stop();
});

interface FastifyLiveApp {
  readonly url: string;
  readonly wsUrl: string;
  readonly live: LiveSessions;
  readonly store: SessionStore;
}

async function start(guard: Parameters<typeof liveUpgradeGuard>[0] = {}): Promise<FastifyLiveApp> {
  const port: NodeRedisPort = await createNodeRedisPort({ url: redis.url });
  cleanups.push(() => port.close());
  const store = createSessionStore({ port, prefix: `live:fy${++prefixes}` });
  cleanups.push(() => store.close());
  const live = await createLiveSessions({ store });
  cleanups.push(() => live.close());

  const app: FastifyInstance = Fastify();
  await app.register(sessPlugin, { store, secrets: SECRETS });
  await app.register(websocket);
  app.post<{ Querystring: { name?: string } }>('/sign-in', async (request) => {
    await request.session.signIn(request.query.name ?? 'someone');
    return null;
  });
  app.post('/sign-out', async (request) => {
    await request.session.signOut();
    return null;
  });
  app.post('/regenerate', async (request) => {
    await request.session.regenerate();
    return null;
  });
  app.get(
    '/live',
    { websocket: true, preValidation: liveUpgradeGuard(guard) },
    (socket, request) => {
      trackWebSocket(live, socket, request.session);
      socket.on('message', () => {
        const followed = live.sessionOf(socket);
        socket.send(
          JSON.stringify({ id: followed?.id ?? null, principal: followed?.principal ?? null }),
        );
      });
    },
  );
  await app.listen({ port: 0, host: '127.0.0.1' });
  cleanups.push(() => app.close());
  const { port: httpPort } = app.server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${httpPort}`,
    wsUrl: `ws://127.0.0.1:${httpPort}/live`,
    live,
    store,
  };
}

async function refusal(promise: Promise<unknown>): Promise<number> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(RefusedUpgrade);
  return (error as RefusedUpgrade).status;
}

describe('@fastify/websocket', () => {
  it('refuses anonymous and cross-site upgrades before they happen', async () => {
    const app = await start();
    expect(await refusal(openSocket(app.wsUrl, undefined))).toBe(401);
    const cookie = await signIn(app.url, 'ada');
    expect(await refusal(openSocket(app.wsUrl, cookie, { origin: 'https://evil.example' }))).toBe(
      403,
    );
    expect(app.live.stats.connections).toBe(0);
  });

  it('closes the socket with 4401 on sign-out, after following a regenerate', async () => {
    const app = await start();
    const first = await signIn(app.url, 'ada');
    const client = await openSocket(app.wsUrl, first);
    expect(app.live.stats.connections).toBe(1);
    const second = (await post(app.url, '/regenerate', first)).cookie;
    await until(() => app.live.stats.moved === 1, 2_000, 'the move');
    client.socket.send('who');
    expect(await nextMessage(client.socket)).toMatchObject({ principal: 'ada' });
    await post(app.url, '/sign-out', second);
    expect(await client.closed).toMatchObject({ code: LIVE_CLOSE_CODE, reason: 'destroyed' });
    await until(() => app.live.stats.connections === 0, 2_000, 'unregistered');
  });

  it('lets an anonymous visitor in with anonymous: allow, tracking nothing', async () => {
    const app = await start({ anonymous: 'allow' });
    const client = await openSocket(app.wsUrl, undefined);
    client.socket.send('who');
    expect(await nextMessage(client.socket)).toEqual({ id: null, principal: null });
    expect(app.live.stats.connections).toBe(0);
    client.socket.close();
  });
});
