import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSessionStore, type SessionStore, type SessionStoreOptions } from '@sess/core';
import { applyCommitHeaders, createHttpSessions, type HttpSessions } from '@sess/core/adapter';
import { createNodeRedisPort, type NodeRedisPort } from '@sess/node-redis';
import { WebSocketServer } from 'ws';
import {
  type ConnectionPolicyOptions,
  createLiveSessions,
  type LiveSessions,
} from '../../src/index.js';
import type { LiveSessionsOptions } from '../../src/live-sessions-options.js';
import { liveUpgrade } from '../../src/ws.js';

export const SECRETS = ['a test secret that is long enough to sign cookies'];

/** One app instance: an HTTP server with sign-in routes and a `ws` endpoint, its own store. */
export interface LiveApp {
  readonly url: string;
  readonly wsUrl: string;
  readonly store: SessionStore;
  readonly live: LiveSessions;
  readonly sessions: HttpSessions;
  readonly wss: WebSocketServer;
  /** `performance.now()` each time a `revokeEverywhere` of this instance returned. */
  readonly revokeReturnedAt: number[];
  close(): Promise<void>;
}

export interface LiveAppOptions {
  readonly redisUrl: string;
  readonly prefix: string;
  readonly store?: Partial<SessionStoreOptions>;
  readonly live?: Omit<LiveSessionsOptions, 'store'>;
  readonly policy?: ConnectionPolicyOptions;
}

/** An app instance with `sessionRoutes` and the WebSocket endpoint `/live`, taken by `liveUpgrade`. */
export async function startLiveApp(options: LiveAppOptions): Promise<LiveApp> {
  const port: NodeRedisPort = await createNodeRedisPort({ url: options.redisUrl });
  const store = createSessionStore({ port, prefix: options.prefix, ...options.store });
  const live = await createLiveSessions({ store, ...options.live });
  const sessions = createHttpSessions({ store, secrets: SECRETS });
  const revokeReturnedAt: number[] = [];

  const server: Server = createServer(sessionRoutes(sessions, revokeReturnedAt));
  const wss = new WebSocketServer({ noServer: true });
  wss.on('connection', (socket) => {
    // An echo of who the socket is, so a test can see the session follow a move.
    socket.on('message', () => {
      const followed = live.sessionOf(socket);
      socket.send(
        JSON.stringify({ id: followed?.id ?? null, principal: followed?.principal ?? null }),
      );
    });
  });
  const upgrade = liveUpgrade({ live, sessions, server: wss, ...options.policy });
  server.on('upgrade', (request, socket, head) => {
    if (request.url === '/live') upgrade(request, socket, head);
    else socket.destroy();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port: httpPort } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${httpPort}`,
    wsUrl: `ws://127.0.0.1:${httpPort}/live`,
    store,
    live,
    sessions,
    wss,
    revokeReturnedAt,
    async close() {
      for (const client of wss.clients) client.terminate();
      const closed = once(server, 'close');
      server.close();
      server.closeAllConnections();
      await closed;
      await live.close();
      await store.close();
      await port.close();
    },
  };
}

/** POSTs to `path` with `cookie`; returns the session cookie the response set, or `cookie`. */
export async function post(
  url: string,
  path: string,
  cookie?: string,
): Promise<{ cookie: string | undefined; status: number; body: unknown }> {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: cookie === undefined ? {} : { cookie },
  });
  const body: unknown = await response.json().catch(() => null);
  return { cookie: sessionCookie(response) ?? cookie, status: response.status, body };
}

/** `name=value` of the session cookie a response set (not one that clears it). */
function sessionCookie(response: Response): string | undefined {
  for (const header of response.headers.getSetCookie()) {
    const pair = header.split(';')[0] ?? '';
    if (pair.endsWith('=') || /max-age=0/i.test(header)) continue;
    return pair;
  }
  return undefined;
}

/** Signs `name` in on `url`: a fresh session, its cookie. */
export async function signIn(url: string, name: string): Promise<string> {
  const { cookie, status } = await post(url, `/sign-in?name=${encodeURIComponent(name)}`);
  if (cookie === undefined || status !== 200) throw new Error(`sign-in failed: ${status}`);
  return cookie;
}

/** Signs `name` in on `url`: the cookie, and when the session expires unless touched (epoch ms). */
export async function signInWithExpiry(
  url: string,
  name: string,
): Promise<{ cookie: string; expiresAt: number }> {
  const { cookie, status, body } = await post(url, `/sign-in?name=${encodeURIComponent(name)}`);
  if (cookie === undefined || status !== 200) throw new Error(`sign-in failed: ${status}`);
  return { cookie, expiresAt: (body as { expiresAt: number }).expiresAt };
}

/**
 * The HTTP routes of a test app (all POST but `/whoami`): `/sign-in?name=`, `/sign-out`,
 * `/regenerate`, `/revoke-everywhere` (its return time pushed to `revokeReturnedAt`), `/write`
 * (starts an anonymous session).
 */
export function sessionRoutes(
  sessions: HttpSessions,
  revokeReturnedAt: number[] = [],
): (request: IncomingMessage, response: ServerResponse) => void {
  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const scope = await sessions.openRequest(request);
    const session = scope.session;
    const url = new URL(request.url ?? '/', 'http://app');
    let body: unknown = null;
    switch (`${request.method} ${url.pathname}`) {
      case 'POST /sign-in':
        await session.signIn(url.searchParams.get('name') ?? 'someone');
        body = { expiresAt: session.expiresAt };
        break;
      case 'POST /sign-out':
        await session.signOut();
        break;
      case 'POST /regenerate':
        await session.regenerate();
        break;
      case 'POST /revoke-everywhere':
        body = await session.revokeEverywhere();
        revokeReturnedAt.push(performance.now());
        break;
      case 'POST /write':
        (session as unknown as Record<string, unknown>).note = 'anonymous';
        break;
      case 'GET /whoami':
        body = { id: session.id ?? null, principal: session.principal ?? null };
        break;
      default:
        response.statusCode = 404;
    }
    applyCommitHeaders(response, await scope.commit());
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify(body));
  }
  return (request, response) => {
    route(request, response).catch((error: unknown) => {
      response.statusCode = (error as { status?: number }).status ?? 500;
      response.end(String(error));
    });
  };
}
