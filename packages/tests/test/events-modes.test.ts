import {
  createSessionStore,
  type DeadLetter,
  type SessionEvent,
  type SessionStore,
  type SessionStoreOptions,
} from '@sess/core';
import { createNodeRedisPort, type NodeRedisPort } from '@sess/node-redis';
import { type RedisServer, startRedis } from '@sess/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DyingPort } from './dying-port.js';
import { APP_USER } from './least-privilege.js';

// The two subscription modes on a real Redis, each instance with its own connections:
// broadcast gives every instance every event, a group gives each event to one instance.
// Audited: the subscriptions never use keyspace notifications or the forbidden commands.

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

async function instance(
  prefix: string,
  options: Partial<SessionStoreOptions> = {},
  wrap?: (port: NodeRedisPort) => SessionStoreOptions['port'],
): Promise<SessionStore> {
  const port = await createNodeRedisPort({ url: server.urlAs(APP_USER.name) });
  ports.push(port);
  const store = createSessionStore({
    port: wrap ? wrap(port) : port,
    prefix,
    cleaner: false,
    // The traffic here is anonymous sessions: their creations are events to deliver too.
    eventStream: { anonymousCreated: true },
    ...options,
  });
  stores.push(store);
  return store;
}

async function until(condition: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** created, destroyed, regenerated and expired events, from several instances. */
async function traffic(writers: readonly SessionStore[], now: { value: number }) {
  const ids: string[] = [];
  for (let i = 0; i < 12; i++) {
    const store = writers[i % writers.length] as SessionStore;
    const session = await store.create({ i });
    ids.push(session.id);
    if (i % 3 === 1) await store.destroy(session);
    if (i % 3 === 2) await store.regenerate(session);
  }
  // The last few expire, reported by a cleaner run by hand.
  now.value += 3_600_000;
  return ids;
}

describe('broadcast mode', () => {
  it('gives every event to every subscribed instance', async () => {
    const prefix = `sess:bc${++prefixes}`;
    const now = { value: Date.now() };
    const clock = { now: () => now.value };
    const seen: SessionEvent[][] = [[], [], []];
    for (const list of seen) {
      const store = await instance(prefix, clock);
      await store.subscribe({
        mode: 'broadcast',
        block: 500,
        handler: (event) => {
          list.push(event);
        },
      });
    }
    const writers = [await instance(prefix, clock), await instance(prefix, clock)];
    await traffic(writers, now);
    const cleaning = await instance(prefix, {
      ...clock,
      cleaner: { interval: 1_000, leaseTtl: 5_000 },
    });
    await cleaning.cleaner?.runOnce();
    // 12 created, 4 destroyed, 4 regenerated, 8 expired (4 untouched + 4 regenerated).
    await until(() => seen.every((list) => list.length >= 28), 5_000, 'all events');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const signature = (list: SessionEvent[]) => list.map((e) => `${e.type}:${e.id}`);
    expect(seen[0]).toHaveLength(28);
    expect(signature(seen[1]!)).toEqual(signature(seen[0]!));
    expect(signature(seen[2]!)).toEqual(signature(seen[0]!));
    const types = new Map<string, number>();
    for (const event of seen[0]!) types.set(event.type, (types.get(event.type) ?? 0) + 1);
    expect(Object.fromEntries(types)).toEqual({
      created: 12,
      destroyed: 4,
      regenerated: 4,
      expired: 8,
    });
  });
});

describe('group mode', () => {
  it('gives each event to one of the instances of the group, once in total', async () => {
    const prefix = `sess:gr${++prefixes}`;
    const now = { value: Date.now() };
    const clock = { now: () => now.value };
    const byInstance: SessionEvent[][] = [[], [], []];
    for (const [i, list] of byInstance.entries()) {
      const store = await instance(prefix, clock);
      await store.subscribe({
        mode: 'group',
        group: 'workers',
        consumer: `worker-${i}`,
        count: 2,
        block: 500,
        handler: async (event) => {
          list.push(event);
          // Slow enough that the others get their share.
          await new Promise((resolve) => setTimeout(resolve, 5));
        },
      });
    }
    const writers = [await instance(prefix, clock), await instance(prefix, clock)];
    await traffic(writers, now);
    const cleaning = await instance(prefix, {
      ...clock,
      cleaner: { interval: 1_000, leaseTtl: 5_000, eventsPerEntry: 2 },
    });
    await cleaning.cleaner?.runOnce();
    const total = () => byInstance.reduce((sum, list) => sum + list.length, 0);
    await until(() => total() >= 28, 5_000, 'all events');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(total()).toBe(28);
    const all = byInstance.flat().map((e) => `${e.type}:${e.id}`);
    expect(new Set(all).size).toBe(28);
    expect(byInstance.filter((list) => list.length > 0).length).toBeGreaterThan(1);
  });

  it("lets a live consumer take over a dead consumer's pending events", async () => {
    const prefix = `sess:gr${++prefixes}`;
    let doomed: DyingPort | undefined;
    const victim = await instance(prefix, {}, (port) => {
      doomed = new DyingPort(port);
      return doomed;
    });
    const stuck: string[] = [];
    await victim.subscribe({
      mode: 'group',
      group: 'g',
      consumer: 'victim',
      block: 200,
      claimIdle: 300,
      closeTimeout: 50,
      // It takes events and never finishes them: then it dies.
      handler: (event) => {
        stuck.push(event.id);
        return new Promise(() => undefined);
      },
    });
    const writer = await instance(prefix);
    const session = await writer.create({ a: 1 });
    await until(() => stuck.length === 1, 2_000, 'victim got the event');
    doomed?.die();

    const rescued: Array<[string, number]> = [];
    const rescuer = await instance(prefix);
    await rescuer.subscribe({
      mode: 'group',
      group: 'g',
      consumer: 'rescuer',
      block: 100,
      claimIdle: 300,
      handler: (event, delivery) => {
        rescued.push([event.id, delivery.deliveries]);
      },
    });
    await until(() => rescued.length === 1, 3_000, 'rescuer claimed it');
    expect(rescued).toEqual([[session.id, 2]]);
  });

  it('sets an event aside after maxDeliveries and reports it', async () => {
    const prefix = `sess:gr${++prefixes}`;
    const store = await instance(prefix);
    const attempts: number[] = [];
    const letters: DeadLetter[] = [];
    await store.subscribe({
      mode: 'group',
      group: 'g',
      block: 50,
      claimIdle: 100,
      maxDeliveries: 3,
      handler: (_event, delivery) => {
        attempts.push(delivery.deliveries);
        throw new Error('always fails');
      },
      onDeadLetter: (letter) => letters.push(letter),
    });
    const session = await store.create({ a: 1 });
    await until(() => letters.length === 1, 5_000, 'dead letter');
    expect(attempts).toEqual([1, 2, 3]);
    expect(letters[0]).toMatchObject({
      group: 'g',
      deliveries: 4,
      stream: `${prefix}:{events}:dead`,
      events: [expect.objectContaining({ type: 'created', id: session.id })],
    });
  });

  it('closes at once although a read is blocked', async () => {
    const store = await instance(`sess:gr${++prefixes}`);
    const subscription = await store.subscribe({
      mode: 'group',
      group: 'g',
      block: 30_000,
      handler: () => undefined,
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = performance.now();
    await subscription.close();
    expect(performance.now() - started).toBeLessThan(500);
  });
});
