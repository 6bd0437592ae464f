import { createSessionStore, isSessError, type SessionRecord, type SessionStore } from '@sess/core';
import { createNodeRedisPort, type NodeRedisPort } from '@sess/node-redis';
import { type RedisServer, startRedis } from '@sess/testkit';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from './topology-support.js';

// Three instances on one Redis, each with the local cache of session reads on. A change, a
// sign-out or a revocation on one instance must never be served from another instance's cache
// once it has returned: each trial reads on the other instances only after the operation
// returned, with those instances holding the session beforehand. Every command is audited.

interface Instance {
  readonly name: string;
  readonly port: NodeRedisPort;
  readonly store: SessionStore;
}

type Admin = ReturnType<typeof createClient>;

/** A Redis, a connection of the test's own to it, and three instances with the cache on. */
interface Fleet {
  readonly redis: RedisServer;
  readonly admin: Admin;
  readonly a: Instance;
  readonly b: Instance;
  readonly c: Instance;
}

async function startFleet(audit: boolean): Promise<Fleet> {
  const redis = await startRedis({ audit, env: false });
  const admin = createClient({ url: redis.url, RESP: 2 });
  admin.on('error', () => {});
  await admin.connect();
  const instance = async (name: string): Promise<Instance> => {
    const port = await createNodeRedisPort({
      url: redis.url,
      cache: true,
      // Its connections show up under this name in CLIENT LIST, so a test can kill them.
      clientOptions: { name: `sess-${name}` },
      onError: () => {},
    });
    const store = createSessionStore({ port, prefix: 'rc', cleaner: false });
    return { name, port, store };
  };
  const [a, b, c] = await Promise.all([instance('a'), instance('b'), instance('c')]);
  const fleet = { redis, admin, a, b, c } as Fleet;
  await trackingUp(a, b, c);
  return fleet;
}

async function stopFleet(fleet: Fleet | undefined): Promise<void> {
  if (fleet === undefined) return;
  for (const one of [fleet.a, fleet.b, fleet.c]) {
    await one.store.close();
    await one.port.close();
  }
  await fleet.admin.close();
  await fleet.redis.stop();
}

function trackingUp(...instances: Instance[]): Promise<void> {
  return until('tracking up', 10_000, () =>
    instances.every((one) => one.port.cacheStats()?.trackingUp === 1),
  );
}

// The 10,000-trial runs go to a server without the command audit (MONITOR would double what
// they cost); the same trials, fewer, run on an audited one.
let plain: Fleet;
let audited: Fleet;

beforeAll(async () => {
  [plain, audited] = await Promise.all([startFleet(false), startFleet(true)]);
});

afterAll(async () => {
  await stopFleet(plain);
  await stopFleet(audited);
});

/** A load, tried again while the instance is reconnecting (a killed connection). */
async function load(one: Instance, id: string): Promise<SessionRecord | null> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      return await one.store.load(id);
    } catch (error) {
      if (!isSessError(error, 'UNAVAILABLE') || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}

type Kind = 'change' | 'sign-out' | 'revoke';

interface Outcome {
  readonly reads: number;
  readonly stale: string[];
}

/**
 * `count` trials over `lanes` lanes running side by side (each lane sequential, on sessions of
 * its own), each trial one of: change an attribute, sign out, revoke the principal. `roles`
 * picks the writer and the readers of trial `i`. The readers hold the session (they read it)
 * before the writer changes it, and read it again once the writer's operation has returned.
 */
async function trials(
  fleet: Fleet,
  count: number,
  lanes: number,
  roles: (i: number) => { writer: Instance; readers: Instance[] },
): Promise<Outcome> {
  const stale: string[] = [];
  let reads = 0;
  let next = 0;
  const readAll = (readers: Instance[], id: string) =>
    Promise.all(readers.map((reader) => load(reader, id)));
  const lane = async (n: number): Promise<void> => {
    const principal = `user-${n}`;
    let kept = await fleet.a.store.create({ n: -1 });
    for (let i = next++; i < count; i = next++) {
      const kind = (['change', 'sign-out', 'revoke'] as const)[i % 3] as Kind;
      const { writer, readers } = roles(i);
      if (kind === 'change') {
        await readAll(readers, kept.id);
        kept.set('n', i);
        expect(await writer.store.commit(kept)).toBe('saved');
        (await readAll(readers, kept.id)).forEach((record, r) => {
          reads += 1;
          if (record?.get('n') !== i) {
            const reader = (readers[r] as Instance).name;
            stale.push(`${kind} #${i} on ${writer.name}: ${reader} read n=${record?.get('n')}`);
          }
        });
        continue;
      }
      const doomed =
        kind === 'sign-out'
          ? await writer.store.create({ n: i })
          : await writer.store.create({ n: i }, { principal });
      if ((await readAll(readers, doomed.id)).includes(null)) throw new Error('not there at first');
      if (kind === 'sign-out') expect(await writer.store.destroy(doomed.id)).toBe(true);
      else expect(await writer.store.revokePrincipal(principal)).toBe(1);
      (await readAll(readers, doomed.id)).forEach((record, r) => {
        reads += 1;
        if (record !== null) {
          const reader = (readers[r] as Instance).name;
          stale.push(`${kind} #${i} on ${writer.name}: ${reader} still read the session`);
        }
      });
      // Now and then another session to change.
      if (i % 100 === 0) kept = await writer.store.create({ n: i });
    }
  };
  await Promise.all(Array.from({ length: lanes }, (_, n) => lane(n)));
  return { reads, stale };
}

/** Every instance writes in turn; the two others read. */
function rotating(fleet: Fleet): (i: number) => { writer: Instance; readers: Instance[] } {
  const all = [fleet.a, fleet.b, fleet.c];
  return (i) => {
    const writer = all[i % 3] as Instance;
    return { writer, readers: all.filter((one) => one !== writer) };
  };
}

/** The connections of an instance, by CLIENT LIST: the tracked data connection and the channel. */
async function connectionsOf(
  fleet: Fleet,
  one: Instance,
): Promise<{ data: string; channel: string }> {
  const list = String(await fleet.admin.sendCommand(['CLIENT', 'LIST']));
  let data: string | undefined;
  let channel: string | undefined;
  for (const line of list.split('\n')) {
    const fields = new Map(
      line
        .trim()
        .split(' ')
        .map((field) => field.split('=') as [string, string]),
    );
    if (fields.get('name') !== `sess-${one.name}`) continue;
    if (fields.get('sub') === '1') channel = fields.get('id');
    else if (fields.get('flags')?.includes('t')) data = fields.get('id');
  }
  if (data === undefined || channel === undefined) {
    throw new Error(`connections of ${one.name} not found in CLIENT LIST:\n${list}`);
  }
  return { data, channel };
}

/**
 * `count` trials in which B only reads, while B's invalidation channel (two kills in three)
 * and B's tracked data connection are killed again and again, each time once tracking is back.
 */
async function trialsWithKills(fleet: Fleet, count: number): Promise<Outcome & { kills: number }> {
  const { a, b, c } = fleet;
  await trackingUp(a, b, c);
  let kills = 0;
  let running = true;
  const killer = (async () => {
    while (running) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      if (!running || b.port.cacheStats()?.trackingUp !== 1) continue;
      const { data, channel } = await connectionsOf(fleet, b);
      await fleet.admin.sendCommand(['CLIENT', 'KILL', 'ID', kills % 3 === 2 ? data : channel]);
      kills += 1;
    }
  })();
  try {
    const outcome = await trials(fleet, count, 48, (i) => ({
      writer: i % 2 === 0 ? a : c,
      readers: i % 2 === 0 ? [b, c] : [b, a],
    }));
    return { ...outcome, kills };
  } finally {
    running = false;
    await killer;
  }
}

/** B holds a new session after two reads: the second is a hit. */
async function expectHits(fleet: Fleet): Promise<void> {
  await trackingUp(fleet.b);
  const record = await fleet.a.store.create({ n: 1 });
  await load(fleet.b, record.id);
  const hits = fleet.b.port.cacheStats()!.hits;
  expect(await load(fleet.b, record.id)).not.toBeNull();
  expect(fleet.b.port.cacheStats()!.hits).toBe(hits + 1);
}

describe('the local cache of session reads, three instances on one Redis', () => {
  it('serves no stale read in 10,000 trials of change, sign-out and revoke', async () => {
    const before = plain.b.port.cacheStats()!;
    const outcome = await trials(plain, 10_000, 48, rotating(plain));
    expect(outcome.stale).toEqual([]);
    expect(outcome.reads).toBe(20_000);
    // The cache did serve: the readers held each session before it changed.
    const after = plain.b.port.cacheStats()!;
    expect(after.hits - before.hits).toBeGreaterThan(3_000);
    expect(after.invalidations - before.invalidations).toBeGreaterThan(3_000);
  }, 120_000);

  it("serves no stale read in 10,000 trials while B's connections are killed", async () => {
    const before = plain.b.port.cacheStats()!;
    const outcome = await trialsWithKills(plain, 10_000);
    expect(outcome.stale).toEqual([]);
    expect(outcome.kills).toBeGreaterThanOrEqual(3);
    // Between the kills, the cache served.
    expect(plain.b.port.cacheStats()!.hits - before.hits).toBeGreaterThan(100);
    // Tracking came back after the last kill, and the cache serves again.
    await expectHits(plain);
  }, 120_000);

  it('passes the command audit, with and without kills', async () => {
    const outcome = await trials(audited, 600, 8, rotating(audited));
    expect(outcome.stale).toEqual([]);
    const killed = await trialsWithKills(audited, 600);
    expect(killed.stale).toEqual([]);
    await expectHits(audited);
    expect((await audited.redis.audit()).violations).toEqual([]);
  }, 60_000);

  it('drops the cache while tracking is down and reads from Redis until it is back', async () => {
    const { a, b } = audited;
    await trackingUp(b);
    const record = await a.store.create({ n: 1 });
    await load(b, record.id);
    await load(b, record.id);
    expect(b.port.cacheStats()!.entries).toBeGreaterThan(0);

    const { channel } = await connectionsOf(audited, b);
    await audited.admin.sendCommand(['CLIENT', 'KILL', 'ID', channel]);
    await until('tracking down', 5_000, () => b.port.cacheStats()!.trackingDown === 1);
    expect(b.port.cacheStats()!.entries).toBe(0);
    // The session changes on A meanwhile; B reads it from Redis.
    const changed = await a.store.load(record.id);
    changed!.set('n', 2);
    await a.store.commit(changed!);
    const { hits, misses } = b.port.cacheStats()!;
    expect((await load(b, record.id))?.get('n')).toBe(2);
    expect(b.port.cacheStats()!.hits).toBe(hits);
    expect(b.port.cacheStats()!.misses).toBe(misses + 1);
    await expectHits(audited);
  });
});
