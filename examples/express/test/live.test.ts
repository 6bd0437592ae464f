import { CookieClient, type RunningExample, startExample } from '@sess/example-shared/testing';
import { LIVE_CLOSE_CODE } from '@sess/live';
import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import { serveWithLiveConnections } from '../src/live-connections.js';
import { LIVE_SOCKET_PATH } from '../src/live-page.js';

// The live page's WebSocket against a real Redis, over HTTP: it is refused without a signed-in
// session, greets its principal, and is closed with 4401 when another device of the same user
// signs out everywhere.

let app: RunningExample;

beforeAll(async () => {
  app = await startExample('live', serveWithLiveConnections);
});

afterAll(async () => {
  await app?.stop();
});

function socketUrl(): string {
  return `${app.base.replace(/^http/, 'ws').replace(/\/$/, '')}${LIVE_SOCKET_PATH}`;
}

function cookieHeader(client: CookieClient): string {
  return [...client.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
}

/** An open socket, and its first message (the greeting, sent as soon as it connects). */
function open(
  cookie: string | undefined,
): Promise<{ socket: WebSocket; greeting: Promise<unknown> }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(socketUrl(), { headers: cookie === undefined ? {} : { cookie } });
    const greeting = new Promise((received) =>
      socket.once('message', (data) => received(JSON.parse(String(data)))),
    );
    socket.once('unexpected-response', (_request, response) => {
      reject(new Error(`refused: ${response.statusCode}`));
      socket.terminate();
    });
    socket.once('error', reject);
    socket.once('open', () => resolve({ socket, greeting }));
  });
}

it('refuses a visitor who is not signed in', async () => {
  await expect(open(undefined)).rejects.toThrow('refused: 401');
});

it('serves the live page to a signed-in user only, with a script of its own origin', async () => {
  const visitor = await new CookieClient(app.base).get('/live');
  expect(visitor.status).toBe(303);
  const ada = new CookieClient(app.base);
  await ada.post('/sign-in', { name: 'Ada' });
  const page = await ada.get('/live');
  expect(page.status).toBe(200);
  expect(page.body).toContain('<script src="/live.js"></script>');
  expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
});

it('greets the socket’s principal, and closes it when another device signs out everywhere', async () => {
  const laptop = new CookieClient(app.base);
  await laptop.post('/sign-in', { name: 'Grace' });
  const phone = new CookieClient(app.base);
  await phone.post('/sign-in', { name: 'Grace' });
  const { socket, greeting } = await open(cookieHeader(laptop));
  expect(await greeting).toEqual({ principal: 'Grace', greeting: 'Hello, Grace.' });
  const closed = new Promise<[number, string]>((resolve) =>
    socket.once('close', (code, reason) => resolve([code, reason.toString()])),
  );
  expect((await phone.post('/sign-out-everywhere')).status).toBe(303);
  expect(await closed).toEqual([LIVE_CLOSE_CODE, 'revoked']);
});
