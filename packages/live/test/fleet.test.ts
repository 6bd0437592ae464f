import { type RedisServer, startRedis } from '@sess/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LIVE_CLOSE_CODE } from '../src/index.js';
import {
  type LiveApp,
  type LiveAppOptions,
  post,
  signInWithExpiry,
  startLiveApp,
} from './support/live-app.js';
import { type ClientSocket, nextMessage, openSocket, until } from './support/sockets.js';

// Three app instances (each its own HTTP server, store, connections and LiveSessions) on one
// audited redis-server, with WebSocket clients spread over them: a revocation on one instance
// closes the principal's sockets on all three and no other socket; an expiry reported by the
// cleaner closes them within a cleaner tick and a second; messages keep a session alive past
// its idle timeout.

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

async function fleet(options: Partial<LiveAppOptions> = {}): Promise<LiveApp[]> {
  const prefix = `live:fleet${++prefixes}`;
  const started = await Promise.all(
    [0, 1, 2].map(() => startLiveApp({ redisUrl: redis.url, prefix, ...options })),
  );
  apps.push(...started);
  return started;
}

/** `work` over `items`, `width` at a time, results in order. */
async function inBatches<T, R>(items: readonly T[], width: number, work: (item: T) => Promise<R>) {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += width) {
    results.push(...(await Promise.all(items.slice(i, i + width).map(work))));
  }
  return results;
}

/** The value below which `share` of the sorted values fall (nearest rank). */
function percentile(values: readonly number[], share: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(share * sorted.length) - 1)] as number;
}

interface Tracked {
  readonly principal: string;
  readonly session: number;
  readonly instance: number;
  readonly client: ClientSocket;
}

/** Every socket answers a message: open, and its instance still follows its session. */
async function allAnswer(sockets: readonly Tracked[]): Promise<void> {
  await inBatches(sockets, 100, async ({ client, principal }) => {
    if (client.closedWith !== undefined) {
      throw new Error(`a socket of ${principal} was closed: ${client.closedWith.reason}`);
    }
    const answer = nextMessage(client.socket);
    client.socket.send('who');
    const closed = client.closed.then((how) => {
      throw new Error(`a socket of ${principal} was closed: ${how.reason}`);
    });
    expect(await Promise.race([answer, closed])).toMatchObject({ principal });
  });
}

describe('three instances', () => {
  it('revokeEverywhere on one closes that principal’s sockets on all three within 1 s (p99), and no other', async () => {
    const instances = await fleet();
    const principals = Array.from({ length: 10 }, (_, i) => (i === 0 ? 'target' : `user-${i}`));
    // 10 principals × 10 sessions × 10 sockets; sessions signed in and sockets opened round-robin.
    const sessions = await inBatches(
      principals.flatMap((principal) => Array.from({ length: 10 }, () => principal)),
      20,
      async (principal) => {
        const instance = instances[Math.floor(Math.random() * 3)] as LiveApp;
        return { principal, ...(await signInWithExpiry(instance.url, principal)) };
      },
    );
    const plan = sessions.flatMap((session, s) =>
      Array.from({ length: 10 }, (_, k) => ({ ...session, session: s, instance: (s + k) % 3 })),
    );
    const opening = performance.now();
    const sockets: Tracked[] = await inBatches(plan, 50, async (planned) => ({
      principal: planned.principal,
      session: planned.session,
      instance: planned.instance,
      client: await openSocket((instances[planned.instance] as LiveApp).wsUrl, planned.cookie),
    }));
    const openedIn = performance.now() - opening;
    expect(sockets).toHaveLength(1_000);
    expect(instances.reduce((sum, app) => sum + app.live.stats.connections, 0)).toBe(1_000);

    const targets = sockets.filter((socket) => socket.principal === 'target');
    const others = sockets.filter((socket) => socket.principal !== 'target');
    expect(targets).toHaveLength(100);
    expect(new Set(targets.map((socket) => socket.instance)).size).toBe(3);

    const a = instances[0] as LiveApp;
    const cookie = (
      sessions.find((session) => session.principal === 'target') as { cookie: string }
    ).cookie;
    const revoked = await post(a.url, '/revoke-everywhere', cookie);
    expect(revoked.body).toBe(10);
    const returnedAt = a.revokeReturnedAt[0] as number;
    await until(
      () => targets.every((socket) => socket.client.closedWith !== undefined),
      5_000,
      'every socket of the principal closed',
    );
    const closes = await Promise.all(targets.map((socket) => socket.client.closed));
    for (const closed of closes)
      expect(closed).toMatchObject({ code: LIVE_CLOSE_CODE, reason: 'revoked' });
    // From revokeEverywhere returning on A to each client's close event; a socket of A may close
    // before the route gets its turn again (counted as 0).
    const latencies = closes.map((closed) => Math.max(0, closed.at - returnedAt));
    const p99 = percentile(latencies, 0.99);
    console.log(
      `fleet: 1000 sockets opened in ${openedIn.toFixed(0)} ms; revokeEverywhere → close over 3 instances: ` +
        `p50 ${percentile(latencies, 0.5).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms`,
    );
    expect(p99).toBeLessThan(1_000);

    // Every instance has seen every revocation (each had target sockets); none closed another.
    await allAnswer(others);
    expect(others.every((socket) => socket.client.closedWith === undefined)).toBe(true);
    expect(instances.map((app) => app.live.stats.ended).reduce((x, y) => x + y)).toBe(100);
    await until(
      () => instances.reduce((sum, app) => sum + app.live.stats.connections, 0) === 900,
      2_000,
      'the closed sockets unregistered',
    );
  });

  it('closes the sockets of expired sessions within a cleaner tick and a second, and keeps the busy ones', async () => {
    const idleTimeout = 2_000;
    const interval = 400;
    const instances = await fleet({
      store: { idleTimeout, touchInterval: 200, cleaner: { interval, leaseTtl: 2_000 } },
    });
    // 20 idle sessions and 10 busy ones, 5 sockets each over the three instances; one socket
    // of each busy session sends a message every 100 ms, the others of it stay silent.
    const kinds = [
      ...Array.from({ length: 20 }, (_, i) => `idle-${i % 4}`),
      ...Array.from({ length: 10 }, (_, i) => `busy-${i % 2}`),
    ];
    const sessions = await inBatches(kinds, 10, async (principal) => ({
      principal,
      ...(await signInWithExpiry((instances[0] as LiveApp).url, principal)),
    }));
    const sockets: Tracked[] = await inBatches(
      sessions.flatMap((session, s) =>
        Array.from({ length: 5 }, (_, k) => ({ ...session, session: s, instance: (s + k) % 3 })),
      ),
      50,
      async (planned) => ({
        principal: planned.principal,
        session: planned.session,
        instance: planned.instance,
        client: await openSocket((instances[planned.instance] as LiveApp).wsUrl, planned.cookie),
      }),
    );
    const idle = sockets.filter((socket) => socket.principal.startsWith('idle'));
    const busy = sockets.filter((socket) => socket.principal.startsWith('busy'));
    const talkers = busy.filter(
      (socket, i) => busy.findIndex((s) => s.session === socket.session) === i,
    );
    const chatter = setInterval(() => {
      for (const { client } of talkers) client.socket.send('still here');
    }, 100);
    try {
      await until(
        () => idle.every((socket) => socket.client.closedWith !== undefined),
        idleTimeout + 5_000,
        'every socket of an idle session closed',
      );
      const closes = await Promise.all(idle.map((socket) => socket.client.closed));
      for (const closed of closes)
        expect(closed).toMatchObject({ code: LIVE_CLOSE_CODE, reason: 'expired' });
      // How long after its session's expiry each idle socket closed (epoch ms on both sides).
      const lateness = idle.map((socket, i) => {
        const expiresAt = (sessions[socket.session] as { expiresAt: number }).expiresAt;
        return (closes[i] as { epoch: number }).epoch - expiresAt;
      });
      const bound = interval * 1.2 + 1_000;
      console.log(
        `fleet: expiry → close: max ${Math.max(...lateness).toFixed(0)} ms after the expiry (bound ${bound} ms: a cleaner tick and a second)`,
      );
      expect(Math.max(...lateness)).toBeLessThan(bound);
      expect(Math.min(...lateness)).toBeGreaterThanOrEqual(0);

      // Well past the idle timeout of the busy sessions too: their sockets are all open.
      const signedInBy = Math.max(...sessions.map((session) => session.expiresAt)) - idleTimeout;
      await until(
        () => Date.now() > signedInBy + 2 * idleTimeout,
        5 * idleTimeout,
        'two idle timeouts',
      );
      await allAnswer(busy);
      expect(busy.every((socket) => socket.client.closedWith === undefined)).toBe(true);
      const store = (instances[0] as LiveApp).store;
      for (const session of new Set(busy.map((socket) => sessions[socket.session]))) {
        const expiresAt = (session as { expiresAt: number }).expiresAt;
        expect(expiresAt).toBeLessThan(Date.now());
      }
      const alive = await Promise.all(
        talkers.map((socket) =>
          store.findByPrincipal(socket.principal).then((records) => records.length),
        ),
      );
      expect(alive.every((count) => count === 5)).toBe(true);
    } finally {
      clearInterval(chatter);
    }
  });
});
