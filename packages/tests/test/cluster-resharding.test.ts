import { createSessionStore, type SessionStore } from '@sess/core';
import type { NodeRedisPort } from '@sess/node-redis';
import { keySlot, type RedisClusterSet, type RedisServer, startRedisCluster } from '@sess/testkit';
import { createClient } from 'redis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type LoadOperation, MixedSessionLoad } from './mixed-session-load.js';
import { clusterPort, until } from './topology-support.js';

// Resharding a live Cluster towards a new master, seen from the application: 3 masters with a
// replica each, audited. A mixed load (create, sign-in, load, commit, destroy,
// findByPrincipal, count, and a cleaner expiring sessions) runs while a master is added and
// slots holding sessions, their expiry buckets, principal indexes, event streams and the
// cleaner lease are held half-migrated towards it for seconds, as `redis-cli --cluster
// reshard` would leave them, then handed over. node-redis alone cannot follow an ASK to a
// master its slot map does not list (it serves no slot yet); the port must, and no operation
// may fail. Reproduce: npx vitest run test/cluster-resharding.test.ts (in packages/tests).

/** How long the slots stay half-migrated under load. */
const HOLD_MS = 4_000;

let cluster: RedisClusterSet;
let port: NodeRedisPort;
const stores: SessionStore[] = [];
const portErrors: string[] = [];

beforeAll(async () => {
  cluster = await startRedisCluster({ audit: true });
  port = await clusterPort(cluster, { onError: (error) => portErrors.push(error.message) });
}, 60_000);

afterAll(async () => {
  await Promise.all(stores.map((store) => store.close()));
  await port?.close();
  await cluster?.stop();
}, 30_000);

/** Redirects each master has answered so far (`INFO errorstats`), by kind. */
async function redirectsAnswered(masters: readonly RedisServer[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = { ASK: 0, MOVED: 0 };
  for (const master of masters) {
    const client = createClient({ url: master.url, RESP: 2 });
    await client.connect();
    try {
      const info = String(await client.sendCommand(['INFO', 'errorstats']));
      for (const kind of ['ASK', 'MOVED']) {
        const count = new RegExp(`^errorstat_${kind}:count=(\\d+)`, 'm').exec(info)?.[1];
        counts[kind] = (counts[kind] ?? 0) + Number(count ?? 0);
      }
    } finally {
      client.destroy();
    }
  }
  return counts;
}

it('a slot held half-migrated towards a new master fails no operation and loses no write', async () => {
  const app = createSessionStore({ port, prefix: 'rs', cleaner: false });
  const expiring = createSessionStore({
    port,
    prefix: 'rx',
    idleTimeout: 400,
    touchInterval: 100,
    cleaner: { interval: 100, leaseTtl: 600 },
  });
  stores.push(app, expiring);
  const cleanerErrors: string[] = [];
  expiring.cleaner?.on('error', (error) => cleanerErrors.push(error.message));

  // Sessions to move, then the slots: a share of the sessions' slots, and every other key
  // both stores write (buckets, principal indexes, event streams, the cleaner lease).
  const load = new MixedSessionLoad(app, 6, (operation, id) => onDone(operation, id));
  const populated = await load.populate(1_000);
  const slots = new Set(
    populated.filter((_, i) => i % 3 === 0).map((id) => keySlot(app.keys.session(id))),
  );
  for (const store of [app, expiring]) {
    for (const key of [...store.keys.buckets, store.keys.events, store.keys.lease]) {
      slots.add(keySlot(key));
    }
  }
  for (let w = 0; w < 6; w++) {
    for (const principal of [`worker-${w}-a`, `worker-${w}-b`]) {
      slots.add(keySlot(app.keys.principal(principal)));
    }
  }

  // Operations on sessions of the migrating slots while they are open, counted as they end.
  let migrating = false;
  let onOpenSlots = 0;
  function onDone(_operation: LoadOperation, id: string | undefined): void {
    if (migrating && id !== undefined && slots.has(keySlot(app.keys.session(id)))) onOpenSlots++;
  }

  // Expiring sessions for the cleaner, and cleaner ticks run by hand besides its timer.
  let expiringRunning = true;
  const expiringFailures: string[] = [];
  const expiringLoop = (async () => {
    while (expiringRunning) {
      try {
        await expiring.create({ short: true });
        await expiring.cleaner?.runOnce();
      } catch (error) {
        expiringFailures.push((error as Error).message);
      }
    }
  })();

  load.start();
  await until('the load runs', 10_000, () => load.successes >= 300);
  const masters = await cluster.masters();
  const redirectsBefore = await redirectsAnswered(masters);

  const added = await cluster.addMaster();
  const migration = await cluster.beginSlotMigration([...slots], added);
  migrating = true;
  const movedFirst = await migration.migrateKeys(0.5);
  const holdUntil = Date.now() + HOLD_MS;
  const atOpen = load.successes;
  // Half-way through the hold, more keys move while the load runs.
  await until('the first half of the hold', HOLD_MS, () => Date.now() >= holdUntil - HOLD_MS / 2);
  const movedSecond = await migration.migrateKeys(0.5);
  await until('the end of the hold, under load', HOLD_MS + 10_000, () => Date.now() >= holdUntil);
  const duringHold = load.successes - atOpen;
  const redirectsHeld = await redirectsAnswered(masters);
  await migration.finish();
  migrating = false;
  const atFinish = load.successes;
  await until('the load after the hand-over', 10_000, () => load.successes >= atFinish + 500);
  await load.stop();
  expiringRunning = false;
  await expiringLoop;
  const redirectsAfter = await redirectsAnswered(masters);

  const ask = (redirectsHeld.ASK ?? 0) - (redirectsBefore.ASK ?? 0);
  const moved = (redirectsAfter.MOVED ?? 0) - (redirectsHeld.MOVED ?? 0);
  console.info(
    `Resharding towards a new master: ${slots.size} slots held half-migrated for ${HOLD_MS} ms ` +
      `(${movedFirst} + ${movedSecond} keys moved before the hand-over); ${load.successes} ` +
      `operations (${duringHold} during the hold, ${onOpenSlots} of them on sessions of the open ` +
      `slots), ${ask} ASK and ${moved} MOVED redirects answered; ${load.failures.length} failed`,
  );

  expect(load.failures).toEqual([]);
  expect(expiringFailures).toEqual([]);
  expect(cleanerErrors).toEqual([]);
  expect(portErrors.filter((message) => /Cannot find node/.test(message))).toEqual([]);
  // The load did run into the migration.
  expect(movedFirst).toBeGreaterThan(100);
  expect(duringHold).toBeGreaterThan(500);
  expect(onOpenSlots).toBeGreaterThan(100);
  expect(ask).toBeGreaterThan(100);
  expect(moved).toBeGreaterThan(0);
  for (const operation of [
    'create',
    'signIn',
    'load',
    'commit',
    'destroy',
    'findByPrincipal',
    'count',
  ] as const) {
    expect(load.done.get(operation) ?? 0).toBeGreaterThan(0);
  }
  expect(expiring.cleaner?.stats.expired ?? 0).toBeGreaterThan(0);

  // The new master serves the slots, and every acknowledged write is there.
  for (const slot of slots) expect(await cluster.masterFor(slot)).toBe(added);
  expect(await load.differences()).toEqual([]);
  expect(await app.count()).toBe(load.liveCount);
}, 60_000);

it('the audit saw nothing sess must not send, and no CROSSSLOT, on any node', async () => {
  expect((await cluster.audit()).violations).toEqual([]);
});
