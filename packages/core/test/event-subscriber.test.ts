import { afterEach, describe, expect, it } from 'vitest';
import type { Subscription } from '../src/event-subscriber.js';
import { createMemoryPort, type MemoryPort } from '../src/memory-port.js';
import type { SessionEvent } from '../src/session-events.js';
import { createSessionStore, type SessionStore } from '../src/session-store.js';
import type { DeadLetter } from '../src/subscribe-options.js';

// Subscriptions on the memory port; packages/tests/test/events*.test.ts does the same on Redis.

const stores: SessionStore[] = [];

afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()));
});

async function fleet(size: number): Promise<{ port: MemoryPort; stores: SessionStore[] }> {
  const port = createMemoryPort();
  const opened: SessionStore[] = [];
  for (let i = 0; i < size; i++) {
    // Each instance its own "connection" to the same data.
    const own = i === 0 ? port : await port.dedicated();
    // Anonymous sessions make the traffic here: their creations are events to deliver too.
    opened.push(
      createSessionStore({ port: own, cleaner: false, eventStream: { anonymousCreated: true } }),
    );
  }
  stores.push(...opened);
  return { port, stores: opened };
}

async function until(condition: () => boolean, ms = 3_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('group mode', () => {
  it('gives each event to exactly one consumer of the group', async () => {
    const { stores: instances } = await fleet(3);
    const seen: Array<[number, string]> = [];
    const subscriptions: Subscription[] = [];
    for (const [i, store] of instances.entries()) {
      subscriptions.push(
        await store.subscribe({
          mode: 'group',
          group: 'workers',
          consumer: `c${i}`,
          count: 2,
          block: 200,
          handler: (event) => {
            seen.push([i, event.id]);
          },
        }),
      );
    }
    const created = [];
    for (let i = 0; i < 30; i++) created.push(await instances[i % 3]!.create({ i }));
    await until(() => seen.length >= 30);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seen.map(([, id]) => id).sort()).toEqual(created.map((s) => s.id).sort());
    expect(subscriptions.reduce((sum, s) => sum + s.stats.handled, 0)).toBe(30);
  });

  it('redelivers what a handler failed, then sets it aside after maxDeliveries', async () => {
    const { port, stores: instances } = await fleet(1);
    const store = instances[0]!;
    const attempts: number[] = [];
    const letters: DeadLetter[] = [];
    await store.subscribe({
      mode: 'group',
      group: 'g',
      consumer: 'only',
      claimIdle: 30,
      maxDeliveries: 3,
      block: 20,
      types: ['destroyed'],
      handler: (_event, delivery) => {
        attempts.push(delivery.deliveries);
        throw new Error('handler failed');
      },
      onDeadLetter: (letter) => letters.push(letter),
    });
    const session = await store.create({ a: 1 });
    await store.destroy(session);
    await until(() => letters.length === 1);
    expect(attempts).toEqual([1, 2, 3]);
    expect(letters[0]).toMatchObject({
      deliveries: 4,
      group: 'g',
      events: [expect.objectContaining({ type: 'destroyed', id: session.id })],
      stream: 'sess:{events}:dead',
    });
    const copies = (await port.send({
      command: 'XRANGE',
      keys: ['sess:{events}:dead'],
      args: ['sess:{events}:dead', '-', '+'],
    })) as Array<[string, string[]]>;
    expect(copies).toHaveLength(1);
    expect(copies[0]?.[1]).toEqual(expect.arrayContaining(['sourceId', 'group', 'g']));
    const pending = (await port.send({
      command: 'XPENDING',
      keys: ['sess:{events}'],
      args: ['sess:{events}', 'g'],
    })) as unknown[];
    expect(pending[0]).toBe(0);
  });

  it('lets a live consumer claim what a silent one held', async () => {
    const { stores: instances } = await fleet(2);
    const [a, b] = instances as [SessionStore, SessionStore];
    let release: () => void = () => undefined;
    const stuck = new Promise<void>((resolve) => {
      release = resolve;
    });
    const taken: string[] = [];
    await a.subscribe({
      mode: 'group',
      group: 'g',
      consumer: 'a',
      block: 20,
      claimIdle: 60_000,
      handler: () => stuck,
    });
    const session = await a.create({ x: 1 });
    // b joins after a got the event and hangs on it.
    await new Promise((resolve) => setTimeout(resolve, 30));
    await b.subscribe({
      mode: 'group',
      group: 'g',
      consumer: 'b',
      block: 20,
      claimIdle: 50,
      handler: (event, delivery) => {
        taken.push(`${event.id}:${delivery.deliveries}`);
      },
    });
    await until(() => taken.length === 1);
    expect(taken).toEqual([`${session.id}:2`]);
    release();
  });
});

describe('batch entries', () => {
  it('hands each event of a batch entry to the handler, and acks the entry once', async () => {
    const port = createMemoryPort();
    const clock = { now: Date.now() };
    const store = createSessionStore({
      port,
      now: () => clock.now,
      idleTimeout: 10_000,
      touchInterval: 1_000,
      cleaner: { interval: 1_000, leaseTtl: 5_000, eventsPerEntry: 7 },
    });
    await store.cleaner?.stop();
    stores.push(store);
    const seen: string[] = [];
    const broadcast: string[] = [];
    await store.subscribe({
      mode: 'group',
      group: 'g',
      block: 50,
      types: ['expired'],
      handler: (event) => {
        seen.push(event.id);
      },
    });
    await store.subscribe({
      mode: 'broadcast',
      block: 50,
      types: ['expired'],
      handler: (event) => {
        broadcast.push(event.id);
      },
    });
    const ids = [];
    for (let i = 0; i < 30; i++) ids.push((await store.create({ i })).id);
    clock.now += 10_000;
    await store.cleaner?.runOnce();
    await until(() => seen.length === 30 && broadcast.length === 30);
    expect(seen.sort()).toEqual([...ids].sort());
    expect(broadcast.sort()).toEqual([...ids].sort());
    const pending = (await port.send({
      command: 'XPENDING',
      keys: [],
      args: ['sess:{events}', 'g'],
    })) as unknown[];
    expect(pending[0]).toBe(0);
  });
});

describe('broadcast mode', () => {
  it('gives every event to every subscriber, from when it subscribed', async () => {
    const { stores: instances } = await fleet(3);
    const before = await instances[0]!.create({ early: true });
    const seen: SessionEvent[][] = [[], [], []];
    for (const [i, store] of instances.entries()) {
      await store.subscribe({
        mode: 'broadcast',
        block: 200,
        handler: (event) => {
          seen[i]!.push(event);
        },
      });
    }
    const ids = [];
    for (let i = 0; i < 10; i++) ids.push((await instances[i % 3]!.create({ i })).id);
    await until(() => seen.every((list) => list.length >= 10));
    for (const list of seen) {
      expect(list.map((event) => event.id)).toEqual(ids);
      expect(list.map((event) => event.id)).not.toContain(before.id);
    }
  });
});

describe('closing', () => {
  it('ends a blocked read at once', async () => {
    const { stores: instances } = await fleet(1);
    const subscription = await instances[0]!.subscribe({
      mode: 'broadcast',
      block: 60_000,
      handler: () => undefined,
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const started = Date.now();
    await subscription.close();
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('is done by store.close()', async () => {
    const { stores: instances } = await fleet(1);
    const store = instances[0]!;
    const subscription = await store.subscribe({
      mode: 'group',
      group: 'g',
      block: 60_000,
      handler: () => undefined,
    });
    await store.close();
    const started = Date.now();
    await subscription.close();
    expect(Date.now() - started).toBeLessThan(50);
  });

  it('validates its options', async () => {
    const { stores: instances } = await fleet(1);
    await expect(
      instances[0]!.subscribe({ mode: 'group', group: '', handler: () => undefined }),
    ).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining('group') });
    await expect(
      instances[0]!.subscribe({ mode: 'broadcast', handler: () => undefined, count: 0 }),
    ).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining('count') });
  });
});
