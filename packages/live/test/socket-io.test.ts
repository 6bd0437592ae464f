import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSessionStore } from '@sess/core';
import { createHttpSessions } from '@sess/core/adapter';
import { createNodeRedisPort } from '@sess/node-redis';
import { type RedisServer, startRedis } from '@sess/testkit';
import { Server as SocketIoServer } from 'socket.io';
import { type Socket as ClientSocket, io as connect } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionPolicyOptions } from '../src/connection-policy.js';
import { createLiveSessions, type LiveSessions } from '../src/index.js';
import { liveSocketIo, SESSION_ENDED_EVENT, type SessionEndedNotice } from '../src/socket-io.js';
import { post, SECRETS, sessionRoutes, signIn } from './support/live-app.js';
import { until } from './support/sockets.js';

// Socket.IO through `liveSocketIo`: refusals reach the client's connect_error with a status, a
// session's end reaches it as `sess:ended` and a server disconnect, and events keep the session
// alive. Real HTTP (both transports), real (audited) Redis.

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

interface SocketIoApp {
  readonly url: string;
  readonly live: LiveSessions;
  readonly io: SocketIoServer;
}

async function start(policy: ConnectionPolicyOptions = {}): Promise<SocketIoApp> {
  const port = await createNodeRedisPort({ url: redis.url });
  cleanups.push(() => port.close());
  const store = createSessionStore({ port, prefix: `live:io${++prefixes}`, touchInterval: 100 });
  cleanups.push(() => store.close());
  const live = await createLiveSessions({ store });
  cleanups.push(() => live.close());
  const sessions = createHttpSessions({ store, secrets: SECRETS });
  const server = createServer(sessionRoutes(sessions));
  const io = new SocketIoServer(server);
  io.use(liveSocketIo({ live, sessions, ...policy }));
  io.on('connection', (socket) => {
    socket.on('who', (reply: (who: unknown) => void) => {
      const followed = live.sessionOf(socket);
      reply({ id: followed?.id ?? null, principal: followed?.principal ?? null });
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanups.push(() => io.close());
  const { port: httpPort } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${httpPort}`, live, io };
}

function client(
  url: string,
  cookie: string | undefined,
  options: { websocketOnly?: boolean; origin?: string } = {},
): ClientSocket {
  const headers: Record<string, string> = {};
  if (cookie !== undefined) headers.cookie = cookie;
  if (options.origin !== undefined) headers.origin = options.origin;
  const socket = connect(url, {
    extraHeaders: headers,
    reconnection: false,
    ...(options.websocketOnly ? { transports: ['websocket'] } : {}),
  });
  cleanups.push(async () => socket.disconnect());
  return socket;
}

function connected(socket: ClientSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
}

async function connectError(socket: ClientSocket): Promise<{ message: string; status: number }> {
  const [error] = (await once(socket as never, 'connect_error')) as [
    Error & { data?: { status: number } },
  ];
  return { message: error.message, status: error.data?.status ?? 0 };
}

describe('socket.io', () => {
  it('refuses anonymous and cross-site connections with a status in connect_error', async () => {
    const app = await start();
    expect(await connectError(client(app.url, undefined))).toEqual({
      message: 'Sign in first.',
      status: 401,
    });
    const cookie = await signIn(app.url, 'ada');
    expect(
      await connectError(client(app.url, cookie, { origin: 'https://evil.example' })),
    ).toMatchObject({ status: 403 });
    expect(app.live.stats.connections).toBe(0);
  });

  for (const websocketOnly of [false, true]) {
    it(`tells the client sess:ended and disconnects it on sign-out (${websocketOnly ? 'websocket' : 'polling first'})`, async () => {
      const app = await start();
      const ada = await signIn(app.url, 'ada');
      const bob = await signIn(app.url, 'bob');
      const adaSocket = client(app.url, ada, { websocketOnly });
      const bobSocket = client(app.url, bob, { websocketOnly });
      await Promise.all([connected(adaSocket), connected(bobSocket)]);
      expect(app.live.stats.connections).toBe(2);
      const seen: string[] = [];
      adaSocket.on(SESSION_ENDED_EVENT, (notice: SessionEndedNotice) => seen.push(notice.reason));
      adaSocket.on('disconnect', (reason) => seen.push(reason));
      await post(app.url, '/sign-out', ada);
      await until(() => seen.length === 2, 2_000, 'the notice and the disconnect');
      expect(seen).toEqual(['destroyed', 'io server disconnect']);
      expect(bobSocket.connected).toBe(true);
      await until(() => app.live.stats.connections === 1, 2_000, 'unregistered');
    });
  }

  it('follows a regenerate, and keeps the session alive on events', async () => {
    const app = await start();
    const first = await signIn(app.url, 'ada');
    const socket = client(app.url, first);
    await connected(socket);
    const before = (await socket.emitWithAck('who')) as { id: string };
    const second = (await post(app.url, '/regenerate', first)).cookie;
    await until(() => app.live.stats.moved === 1, 2_000, 'the move');
    const after = (await socket.emitWithAck('who')) as { id: string; principal: string };
    expect(after.id).not.toBe(before.id);
    expect(after.principal).toBe('ada');
    // Events past the touch interval move the session's expiry.
    await until(
      () => {
        socket.emit('ping');
        return app.live.stats.touches > 0;
      },
      2_000,
      'a touch',
    );
    const ended = new Promise<SessionEndedNotice>((resolve) =>
      socket.once(SESSION_ENDED_EVENT, resolve),
    );
    await post(app.url, '/revoke-everywhere', second);
    expect(await ended).toEqual({ reason: 'revoked' });
  });
});
