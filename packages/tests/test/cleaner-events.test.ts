import {
  createSessionStore,
  type SessionEvent,
  type SessionStore,
  type SessionStoreOptions,
} from '@sess/core';
import { createNodeRedisPort, type NodeRedisPort } from '@sess/node-redis';
import { type RedisServer, startRedis } from '@sess/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DyingPort, isDueSessionRead, isExpiredEventWrite } from './dying-port.js';
import { APP_USER } from './least-privilege.js';

// Every session that expires yields exactly one `expired` event per consumer group, none for
// sessions that were extended or destroyed, and none is lost when the cleaner is killed
// between reading and deleting (a duplicate is allowed there, and counted). Real Redis,
// audited: no keyspace notifications, CONFIG, KEYS, SCAN or SMEMBERS.

const IDLE = 800;
const CLEANER = { interval: 100, leaseTtl: 600 } as const;

let server: RedisServer;
const ports: NodeRedisPort[] = [];
const stores: SessionStore[] = [];
let prefixes = 0;

beforeAll(async () => {
  server = await startRedis({ audit: true, users: [APP_USER] });
});

afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()));
  await Promise.all(ports.splice(0).map((port) => port.close()));
});

afterAll(async () => {
  await server?.stop();
});

async function connect(): Promise<NodeRedisPort> {
  const port = await createNodeRedisPort({ url: server.urlAs(APP_USER.name) });
  ports.push(port);
  return port;
}

function open(
  port: SessionStoreOptions['port'],
  prefix: string,
  options: Partial<SessionStoreOptions> = {},
): SessionStore {
  const store = createSessionStore({
    port,
    prefix,
    idleTimeout: IDLE,
    touchInterval: 50,
    operationTimeout: 300,
    cleaner: false,
    ...options,
  });
  stores.push(store);
  return store;
}

/** Group `name` with `consumers` consumers, each on an instance of its own; collects expired events. */
async function group(prefix: string, name: string, consumers: number): Promise<SessionEvent[]> {
  const received: SessionEvent[] = [];
  for (let i = 0; i < consumers; i++) {
    const store = open(await connect(), prefix);
    await store.subscribe({
      mode: 'group',
      group: name,
      consumer: `${name}-${i}`,
      block: 200,
      types: ['expired'],
      handler: (event) => {
        received.push(event);
      },
    });
  }
  return received;
}

async function until(condition: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function counts(events: readonly SessionEvent[]): Map<string, number> {
  const map = new Map<string, number>();
  for (const event of events) map.set(event.id, (map.get(event.id) ?? 0) + 1);
  return map;
}

describe('expired events', () => {
  it('one per expired session per group; none for extended or destroyed sessions', async () => {
    const prefix = `sess:ev${++prefixes}`;
    const groupA = await group(prefix, 'a', 2);
    const groupB = await group(prefix, 'b', 1);
    // Three application instances, all with a cleaner; one of them works at a time.
    const apps = [];
    for (let i = 0; i < 3; i++) {
      apps.push(open(await connect(), prefix, { cleaner: CLEANER }));
    }
    const [first] = apps as [SessionStore, ...SessionStore[]];
    const expiring = [];
    const extended = [];
    const destroyed = [];
    for (let i = 0; i < 20; i++) {
      expiring.push(await first.create({ i }, { principal: `user${i}` }));
      extended.push(await first.create({ i }));
      destroyed.push(await first.create({ i }));
    }
    for (const session of destroyed) await first.destroy(session);

    // Keep the extended ones alive until every expiring one was reported twice over.
    const expectedIds = new Set(expiring.map((s) => s.id));
    const reported = (events: SessionEvent[]) =>
      [...expectedIds].every((id) => events.some((e) => e.id === id));
    const deadline = Date.now() + 8_000;
    while (!(reported(groupA) && reported(groupB))) {
      if (Date.now() > deadline) throw new Error('expired events missing');
      for (const session of extended) {
        const loaded = await first.load(session.id);
        expect(loaded).not.toBeNull();
        await first.commit(loaded!, { force: true });
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // Two more ticks: a duplicate would show up now.
    await new Promise((resolve) => setTimeout(resolve, 300));

    for (const received of [groupA, groupB]) {
      expect(counts(received)).toEqual(new Map([...expectedIds].map((id) => [id, 1])));
      for (const event of received) {
        const session = expiring.find((s) => s.id === event.id);
        expect(event).toMatchObject({ type: 'expired', reason: 'idle' });
        expect(event.principal).toBe(`user${expiring.indexOf(session!)}`);
      }
    }
    // The expired sessions are gone from Redis, not just unreadable.
    const port = ports[0]!;
    const exists = await port.batch(
      expiring.map((s) => ({
        command: 'EXISTS',
        keys: [first.keys.session(s.id)],
        args: [first.keys.session(s.id)],
      })),
    );
    expect(exists.every((reply) => reply === 0)).toBe(true);
    expect(await first.count()).toBe(20);
  });

  it.each([
    ['after reading, before writing the events', isDueSessionRead],
    ['after writing the events, before deleting', isExpiredEventWrite],
  ])('loses no event when the cleaner is killed %s', async (_, trigger) => {
    const prefix = `sess:ev${++prefixes}`;
    const groupA = await group(prefix, 'a', 2);
    const groupB = await group(prefix, 'b', 1);
    const victimPort = new DyingPort(await connect());
    const victim = open(victimPort, prefix, { cleaner: CLEANER });
    await until(() => victim.cleaner?.leader === true, 2_000, 'victim leads');
    // Killed right after the chosen step: no more commands, its timers stop, no release.
    victimPort.dieAfter(trigger, () => void victim.cleaner?.stop());
    const survivors = [];
    for (let i = 0; i < 2; i++) survivors.push(open(await connect(), prefix, { cleaner: CLEANER }));

    const sessions = [];
    for (let i = 0; i < 30; i++) sessions.push(await survivors[0]!.create({ i }));
    const ids = sessions.map((s) => s.id);
    const complete = (events: SessionEvent[]) => ids.every((id) => events.some((e) => e.id === id));
    await until(() => complete(groupA) && complete(groupB), 8_000, 'every expired event');
    await new Promise((resolve) => setTimeout(resolve, 300));

    expect(victimPort.dead).toBe(true);
    for (const received of [groupA, groupB]) {
      const perId = counts(received);
      expect([...perId.keys()].sort()).toEqual([...ids].sort());
      const duplicates = [...perId.values()].filter((n) => n > 1).length;
      // Killed before writing: the next holder writes each once. After: some come twice.
      if (trigger === isDueSessionRead) expect(duplicates).toBe(0);
      expect(Math.max(...perId.values())).toBeLessThanOrEqual(2);
      console.info(`killed ${_}: ${duplicates} duplicate(s) of ${ids.length} in one group`);
    }
    expect(await survivors[0]!.count()).toBe(0);
  });

  it('reports sessions whose hash Redis deleted before the cleaner came', async () => {
    const prefix = `sess:ev${++prefixes}`;
    const received = await group(prefix, 'a', 1);
    const writer = open(await connect(), prefix, { grace: 50, idleTimeout: 200 });
    const sessions = [];
    for (let i = 0; i < 5; i++) sessions.push(await writer.create({ i }, { principal: 'p' }));
    // Past expiry + grace: Redis' own TTL has removed the hashes.
    await new Promise((resolve) => setTimeout(resolve, 400));
    open(await connect(), prefix, { grace: 50, idleTimeout: 200, cleaner: CLEANER });
    await until(() => received.length >= 5, 3_000, 'expired events');
    expect(received.map((e) => e.id).sort()).toEqual(sessions.map((s) => s.id).sort());
    for (const event of received) {
      const session = sessions.find((s) => s.id === event.id)!;
      expect(event).toEqual({
        type: 'expired',
        id: session.id,
        at: session.expiresAt,
        reason: 'unknown',
      });
    }
  });

  it('deletes a session whose times do not parse, reporting its indexed expiry', async () => {
    const prefix = `sess:ev${++prefixes}`;
    const received = await group(prefix, 'a', 1);
    const writer = open(await connect(), prefix, { grace: 60_000 });
    const broken = await writer.create({ i: 1 });
    const valid = await writer.create({ i: 2 });
    const port = await connect();
    const key = writer.keys.session(broken.id);
    await port.send({ command: 'HSET', keys: [key], args: [key, '#t', 'not:times'] });
    open(await connect(), prefix, { grace: 60_000, cleaner: CLEANER });
    await until(() => received.length >= 2, 3_000, 'two expired events');
    const byId = new Map(received.map((event) => [event.id, event]));
    expect(byId.get(broken.id)).toEqual({
      type: 'expired',
      id: broken.id,
      at: broken.expiresAt,
      reason: 'unknown',
    });
    expect(byId.get(valid.id)).toMatchObject({ at: valid.expiresAt, reason: 'idle' });
    for (const id of [broken.id, valid.id]) {
      const gone = writer.keys.session(id);
      expect(await port.send({ command: 'EXISTS', keys: [gone], args: [gone] })).toBe(0);
    }
  });
});
