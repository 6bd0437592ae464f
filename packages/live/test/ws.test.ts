import { type RedisServer, startRedis } from '@sess/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LIVE_CLOSE_CODE } from '../src/index.js';
import {
  type LiveApp,
  type LiveAppOptions,
  post,
  signIn,
  startLiveApp,
} from './support/live-app.js';
import { nextMessage, openSocket, RefusedUpgrade, until } from './support/sockets.js';

// `ws` through `liveUpgrade` over real HTTP and a real (audited) Redis: who may connect, and
// what a socket does when its session is signed out, moved, or signed in as someone else.

let redis: RedisServer;
const apps: LiveApp[] = [];
let prefixes = 0;

beforeAll(async () => {
  redis = await startRedis({ audit: true });
});

afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

afterAll(async () => {
  await redis?.stop();
});

async function app(options: Partial<LiveAppOptions> = {}): Promise<LiveApp> {
  const started = await startLiveApp({
    redisUrl: redis.url,
    prefix: `live:ws${++prefixes}`,
    ...options,
  });
  apps.push(started);
  return started;
}

async function refusal(promise: Promise<unknown>): Promise<number> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(RefusedUpgrade);
  return (error as RefusedUpgrade).status;
}

describe('who may connect', () => {
  it('refuses a request without a signed-in session with 401, by default', async () => {
    const instance = await app();
    expect(await refusal(openSocket(instance.wsUrl, undefined))).toBe(401);
    const anonymous = await post(instance.url, '/write');
    expect(anonymous.cookie).toBeDefined();
    expect(await refusal(openSocket(instance.wsUrl, anonymous.cookie))).toBe(401);
    // A forged cookie reads as no session at all.
    expect(await refusal(openSocket(instance.wsUrl, 'sess=forged'))).toBe(401);
  });

  it('refuses another site with 403 and lets the same host and non-browsers in', async () => {
    const instance = await app();
    const cookie = await signIn(instance.url, 'ada');
    expect(
      await refusal(openSocket(instance.wsUrl, cookie, { origin: 'https://evil.example' })),
    ).toBe(403);
    const sameHost = await openSocket(instance.wsUrl, cookie, { origin: instance.url });
    const noOrigin = await openSocket(instance.wsUrl, cookie);
    expect(instance.live.stats.connections).toBe(2);
    sameHost.socket.close();
    noOrigin.socket.close();
    await until(() => instance.live.stats.connections === 0, 2_000, 'unregistered on close');
    expect(instance.live.stats.sessions).toBe(0);
  });

  it('takes listed origins only when given a list', async () => {
    const instance = await app({ policy: { origins: ['https://app.example'] } });
    const cookie = await signIn(instance.url, 'ada');
    expect(await refusal(openSocket(instance.wsUrl, cookie, { origin: instance.url }))).toBe(403);
    const listed = await openSocket(instance.wsUrl, cookie, { origin: 'https://app.example' });
    listed.socket.close();
  });

  it('with anonymous: allow, follows an anonymous session into its sign-in', async () => {
    const instance = await app({ policy: { anonymous: 'allow' } });
    const nobody = await openSocket(instance.wsUrl, undefined);
    expect(instance.live.sessionOf([...instance.wss.clients][0] as object)).toBeUndefined();
    const anonymous = await post(instance.url, '/write');
    const client = await openSocket(instance.wsUrl, anonymous.cookie);
    const signedIn = await post(instance.url, '/sign-in?name=grace', anonymous.cookie);
    await until(
      () =>
        [...instance.wss.clients].some((s) => instance.live.sessionOf(s)?.principal === 'grace'),
      2_000,
      'the socket follows the sign-in',
    );
    client.socket.send('who');
    expect(await nextMessage(client.socket)).toMatchObject({ principal: 'grace' });
    await post(instance.url, '/sign-out', signedIn.cookie);
    expect(await client.closed).toMatchObject({ code: LIVE_CLOSE_CODE, reason: 'destroyed' });
    expect(nobody.closedWith).toBeUndefined();
    nobody.socket.close();
  });
});

describe('when the session changes', () => {
  it('closes the sockets of a signed-out session with 4401 "destroyed", and no other', async () => {
    const instance = await app();
    const ada = await signIn(instance.url, 'ada');
    const bob = await signIn(instance.url, 'bob');
    const adaTabs = [await openSocket(instance.wsUrl, ada), await openSocket(instance.wsUrl, ada)];
    const bobTab = await openSocket(instance.wsUrl, bob);
    expect(instance.live.stats).toMatchObject({ sessions: 2, connections: 3 });
    await post(instance.url, '/sign-out', ada);
    for (const tab of adaTabs) {
      expect(await tab.closed).toMatchObject({ code: LIVE_CLOSE_CODE, reason: 'destroyed' });
    }
    bobTab.socket.send('still there?');
    expect(await nextMessage(bobTab.socket)).toMatchObject({ principal: 'bob' });
    expect(bobTab.closedWith).toBeUndefined();
    expect(instance.live.stats).toMatchObject({ sessions: 1, connections: 1, ended: 2 });
  });

  it('follows a regenerate to the new id, and closes on the new id ending', async () => {
    const instance = await app();
    const before = await signIn(instance.url, 'ada');
    const client = await openSocket(instance.wsUrl, before);
    client.socket.send('who');
    const first = (await nextMessage(client.socket)) as { id: string };
    const after = (await post(instance.url, '/regenerate', before)).cookie;
    expect(after).not.toBe(before);
    await until(() => instance.live.stats.moved === 1, 2_000, 'the move');
    client.socket.send('who');
    const second = (await nextMessage(client.socket)) as { id: string; principal: string };
    expect(second.id).not.toBe(first.id);
    expect(second.principal).toBe('ada');
    expect(client.closedWith).toBeUndefined();
    await post(instance.url, '/revoke-everywhere', after);
    expect(await client.closed).toMatchObject({ code: LIVE_CLOSE_CODE, reason: 'revoked' });
  });

  it('closes with "principal-changed" when the session signs in as someone else', async () => {
    const instance = await app();
    const ada = await signIn(instance.url, 'ada');
    const client = await openSocket(instance.wsUrl, ada);
    await post(instance.url, '/sign-in?name=mallory', ada);
    expect(await client.closed).toMatchObject({
      code: LIVE_CLOSE_CODE,
      reason: 'principal-changed',
    });
  });

  it('uses the close code the app chose', async () => {
    const instance = await app({ live: { closeCode: 1008 } });
    const ada = await signIn(instance.url, 'ada');
    const client = await openSocket(instance.wsUrl, ada);
    await post(instance.url, '/sign-out', ada);
    expect(await client.closed).toMatchObject({ code: 1008, reason: 'destroyed' });
  });
});

describe('when Redis does not answer', () => {
  it('refuses the upgrade with 503 within the deadline, and accepts again afterwards', async () => {
    const errors: string[] = [];
    const instance = await app({
      store: { operationTimeout: 300 },
      live: { onError: (_error, context) => errors.push(context.phase) },
    });
    const ada = await signIn(instance.url, 'ada');
    redis.pause();
    try {
      const started = performance.now();
      expect(await refusal(openSocket(instance.wsUrl, ada))).toBe(503);
      expect(performance.now() - started).toBeLessThan(2_000);
    } finally {
      redis.resume();
    }
    expect(errors).toContain('upgrade');
    const client = await openSocket(instance.wsUrl, ada);
    client.socket.close();
  });
});
