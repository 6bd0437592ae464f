import { createSessionStore, type SessionEvent, type SessionStore } from '@sess/core';
import type { NodeRedisPort } from '@sess/node-redis';
import { type RedisSentinelSet, startRedisSentinel } from '@sess/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  describeFailover,
  LOST,
  missing,
  SignInLoop,
  sentinelPort,
  until,
} from './topology-support.js';

// A Sentinel failover under load, seen from the application: 1 master, 2 replicas, 3 Sentinels
// (quorum 2, down-after 1 s), audited. Sign-ins and reads run in a loop while the master is
// killed. Errors are allowed only inside the failover window, all of them UNAVAILABLE; every
// sign-in that succeeded with `waitForReplicas` is there after the failover; the cleaner and
// an event consumer carry on. Reproduce: npx vitest run test/sentinel-failover.test.ts
// (in packages/tests).

let set: RedisSentinelSet;
const ports: NodeRedisPort[] = [];
const stores: SessionStore[] = [];

beforeAll(async () => {
  set = await startRedisSentinel({ audit: true });
}, 60_000);

afterAll(async () => {
  await Promise.all(stores.map((store) => store.close()));
  await Promise.all(ports.map((port) => port.close()));
  await set?.stop();
}, 30_000);

async function port(): Promise<NodeRedisPort> {
  const opened = await sentinelPort(set);
  ports.push(opened);
  return opened;
}

it('the application recovers after the master is killed; only the window sees errors', async () => {
  // A sign-in that no replica confirmed in time is reported, not failed: only confirmed ones
  // are promised to survive.
  const unconfirmed = new Set<string>();
  const app = createSessionStore({
    port: await port(),
    prefix: 'app',
    cleaner: false,
    waitForReplicas: {
      replicas: 1,
      timeoutMs: 50,
      onShortfall: (shortfall) => {
        for (const id of shortfall.ids) unconfirmed.add(id);
      },
    },
  });
  // A second application instance whose sessions expire: its cleaner and an event consumer
  // must carry on after the failover.
  const expiring = createSessionStore({
    port: await port(),
    prefix: 'exp',
    idleTimeout: 600,
    touchInterval: 100,
    operationTimeout: 500,
    cleaner: { interval: 100, leaseTtl: 600 },
  });
  stores.push(app, expiring);
  const expired: SessionEvent[] = [];
  await expiring.subscribe({
    mode: 'group',
    group: 'workers',
    block: 200,
    retryDelay: 100,
    types: ['expired'],
    handler: (event) => {
      expired.push(event);
    },
  });

  const loop = new SignInLoop(app);
  await until('sign-ins before the kill', 5_000, () => loop.successes >= 50);
  const killedAt = loop.now();
  const master = set.master;
  await master.kill();
  const promoted = await set.waitForFailover(master, 30_000);
  const failoverMs = loop.now() - killedAt;
  // Recovered: sign-ins succeed again, and keep succeeding for a while.
  await until('the application recovers', 30_000, () => {
    const report = loop.report(killedAt);
    return report.recoveredAt !== undefined && report.afterRecovery >= 100;
  });
  await loop.stop();
  const report = loop.report(killedAt);
  console.info(describeFailover('Sentinel', failoverMs, report));

  expect(promoted).not.toBe(master);
  // Every failure is "Redis is unavailable now", none is a wrong answer or a crash.
  // Errors only inside the window: none before the kill.
  expect(report.beforeKill.requests).toBeGreaterThanOrEqual(50);
  expect(report.beforeKill.errors).toBe(0);
  // A sign-in the old master acknowledged and lost in the failover counts only if no replica
  // confirmed it (below).
  expect(
    Object.keys(report.codes).filter((code) => code !== 'UNAVAILABLE' && code !== LOST),
  ).toEqual([]);
  // The window closes after the promotion by itself: the client follows the new master
  // (node-redis switches once the Sentinels announce it, within seconds).
  expect(report.lastErrorAt ?? 0).toBeLessThan(failoverMs + 15_000);

  // Every sign-in a replica confirmed (WAIT) survived the failover.
  const confirmed = loop.signedIn.filter((id) => !unconfirmed.has(id));
  // The one loss waitForReplicas allows: a sign-in no replica confirmed, told to onShortfall.
  expect(loop.lost.filter((id) => !unconfirmed.has(id))).toEqual([]);
  expect(confirmed.length).toBeGreaterThanOrEqual(50);
  expect(await missing(app, confirmed)).toEqual([]);
  console.info(
    `Sentinel failover: ${confirmed.length} sign-ins confirmed by a replica before or after the kill, all there after it; ${unconfirmed.size} not confirmed in time`,
  );

  // The other instance, on a client of its own, is back too: its cleaner and its consumer
  // carry on on the new master.
  await until('the second instance answers again', 30_000, () =>
    expiring.count().then(
      () => true,
      () => false,
    ),
  );
  const after = await Promise.all(Array.from({ length: 5 }, () => expiring.create({ n: 1 })));
  const ids = new Set(after.map((session) => session.id));
  await until('expired events after the failover', 10_000, () =>
    [...ids].every((id) => expired.some((event) => event.id === id)),
  );
}, 90_000);

it('the audit saw nothing sess must not send, on any server', async () => {
  expect((await set.audit()).violations).toEqual([]);
});
