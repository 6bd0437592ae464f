import { afterEach, describe, expect, it } from 'vitest';
import type { Cleaner } from '../src/cleaner.js';
import { parseEntry } from '../src/event-entry.js';
import { createMemoryPort, type MemoryPort } from '../src/memory-port.js';
import type { RedisPort } from '../src/redis-port.js';
import type { SessionEvent } from '../src/session-events.js';
import { createSessionStore, type SessionStore } from '../src/session-store.js';
import type { SessionStoreOptions } from '../src/store-options.js';

// The cleaner on the memory port: the logic of one tick, with the clock in the test's hands.
// The same behaviour against a real Redis is in packages/tests/test/cleaner*.test.ts.

const stores: SessionStore[] = [];

afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()));
});

function open(port: RedisPort, clock: { now: number }, options: Partial<SessionStoreOptions> = {}) {
  const store = createSessionStore({
    port,
    now: () => clock.now,
    idleTimeout: 60_000,
    touchInterval: 1_000,
    // Started by hand with runOnce(): no timers in these tests.
    cleaner: { interval: 1_000, leaseTtl: 5_000 },
    ...options,
  });
  store.cleaner?.stop();
  stores.push(store);
  return store;
}

function cleanerOf(store: SessionStore): Cleaner {
  if (!store.cleaner) throw new Error('no cleaner');
  return store.cleaner;
}

async function streamEvents(port: MemoryPort, store: SessionStore): Promise<SessionEvent[]> {
  const entries = (await port.send({
    command: 'XRANGE',
    keys: [store.keys.events],
    args: [store.keys.events, '-', '+'],
  })) as Array<[string, string[]]>;
  return entries.flatMap(([, fields]) => parseEntry(fields) ?? []);
}

describe('cleaner tick', () => {
  it('expires due sessions: one event each, data and index entry gone', async () => {
    const port = createMemoryPort();
    const clock = { now: Date.now() };
    const store = open(port, clock);
    const ended = await store.create({ a: 1 }, { principal: 'ada' });
    const alive = await store.create({ b: 2 });
    clock.now += 30_000;
    const touched = await store.load(alive.id);
    await store.commit(touched!, { force: true });
    clock.now += 31_000;

    const report = await cleanerOf(store).runOnce();
    expect(report).toMatchObject({ leader: true, expired: 1, gone: 0, extended: 0 });
    expect(report.lag).toBe(1_000);

    const events = (await streamEvents(port, store)).filter((e) => e.type === 'expired');
    expect(events).toEqual([
      {
        type: 'expired',
        id: ended.id,
        principal: 'ada',
        at: ended.expiresAt,
        reason: 'idle',
      },
    ]);
    expect(
      await port.send({ command: 'EXISTS', keys: [], args: [store.keys.session(ended.id)] }),
    ).toBe(0);
    const bucket = store.keys.bucketOf(ended.id);
    expect(await port.send({ command: 'ZSCORE', keys: [bucket], args: [bucket, ended.id] })).toBe(
      null,
    );
    expect(await store.load(alive.id)).not.toBeNull();

    // Nothing left: the next tick writes nothing.
    expect(await cleanerOf(store).runOnce()).toMatchObject({ expired: 0, lag: 0 });
  });

  it('says absolute when the absolute timeout ended the session', async () => {
    const port = createMemoryPort();
    const clock = { now: Date.now() };
    const store = open(port, clock, { absoluteTimeout: 10_000 });
    const session = await store.create({ a: 1 });
    clock.now += 10_000;
    await cleanerOf(store).runOnce();
    expect(await streamEvents(port, store)).toContainEqual(
      expect.objectContaining({ type: 'expired', id: session.id, reason: 'absolute' }),
    );
  });

  it('moves an index entry that lags behind its session forward, without an event', async () => {
    const port = createMemoryPort();
    const clock = { now: Date.now() };
    const store = open(port, clock);
    const session = await store.create({ a: 1 });
    const bucket = store.keys.bucketOf(session.id);
    // As if the commit's ZADD had been lost: the index says it is due, the hash says not.
    await port.send({ command: 'ZADD', keys: [bucket], args: [bucket, clock.now - 1, session.id] });

    expect(await cleanerOf(store).runOnce()).toMatchObject({ expired: 0, extended: 1 });
    expect(await port.send({ command: 'ZSCORE', keys: [bucket], args: [bucket, session.id] })).toBe(
      String(session.expiresAt),
    );
    expect((await streamEvents(port, store)).filter((e) => e.type === 'expired')).toEqual([]);
  });

  it('reports a session whose hash Redis already deleted, from what the index knew', async () => {
    const port = createMemoryPort();
    const clock = { now: Date.now() };
    const store = open(port, clock, { grace: 1_000 });
    const session = await store.create({ a: 1 });
    await port.send({ command: 'DEL', keys: [], args: [store.keys.session(session.id)] });
    clock.now += 61_000; // past expiry + grace: only the hash TTL could have removed it

    expect(await cleanerOf(store).runOnce()).toMatchObject({ expired: 1, gone: 1 });
    expect(await streamEvents(port, store)).toContainEqual({
      type: 'expired',
      id: session.id,
      at: session.expiresAt,
      reason: 'unknown',
    });
  });

  it('leaves a missing hash within its grace to the destroy that took it', async () => {
    const port = createMemoryPort();
    const clock = { now: Date.now() };
    const store = open(port, clock, { operationTimeout: 50 });
    const session = await store.create({ a: 1 });
    // A destroy between its take and its ZREM: hash gone, entry still there.
    await port.send({ command: 'DEL', keys: [], args: [store.keys.session(session.id)] });
    clock.now += 60_000;
    expect(await cleanerOf(store).runOnce()).toMatchObject({ expired: 0 });
    const bucket = store.keys.bucketOf(session.id);
    await port.send({ command: 'ZREM', keys: [bucket], args: [bucket, session.id] });
    expect(await cleanerOf(store).runOnce()).toMatchObject({ expired: 0 });

    // An entry nobody removes within one deadline expires like any other.
    const orphan = await store.create({ a: 1 });
    await port.send({ command: 'DEL', keys: [], args: [store.keys.session(orphan.id)] });
    clock.now += 60_000;
    expect(await cleanerOf(store).runOnce()).toMatchObject({ expired: 0 });
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(await cleanerOf(store).runOnce()).toMatchObject({ expired: 1, gone: 1 });
  });

  it('runs more rounds while buckets are full, within the tick budget', async () => {
    const port = createMemoryPort();
    const clock = { now: Date.now() };
    const store = open(port, clock, {
      buckets: 2,
      cleaner: { interval: 1_000, leaseTtl: 5_000, batchSize: 3, tickBudget: 1_000 },
    });
    for (let i = 0; i < 20; i++) await store.create({ i });
    clock.now += 60_000;
    const report = await cleanerOf(store).runOnce();
    expect(report).toMatchObject({ expired: 20, truncated: false });
    expect(report.rounds).toBeGreaterThan(3);
    expect(await store.count()).toBe(0);
  });

  it('never lets a commit bring an expired session back', async () => {
    const port = createMemoryPort();
    const clock = { now: Date.now() };
    const store = open(port, clock);
    const session = await store.create({ a: 1 });
    const loaded = await store.load(session.id);
    clock.now += 60_000;
    await cleanerOf(store).runOnce();
    loaded?.set('a', 2);
    expect(await store.commit(loaded!)).toBe('gone');
    expect(
      await port.send({ command: 'EXISTS', keys: [], args: [store.keys.session(session.id)] }),
    ).toBe(0);
  });

  it('writes many expired events per stream entry', async () => {
    const port = createMemoryPort();
    const clock = { now: Date.now() };
    const store = open(port, clock, {
      cleaner: { interval: 1_000, leaseTtl: 5_000, eventsPerEntry: 50 },
    });
    const ids = new Set<string>();
    for (let i = 0; i < 120; i++) ids.add((await store.create({ i })).id);
    clock.now += 60_000;
    await port.send({ command: 'DEL', keys: [], args: [store.keys.events] });
    expect(await cleanerOf(store).runOnce()).toMatchObject({ expired: 120 });
    expect(await port.send({ command: 'XLEN', keys: [], args: [store.keys.events] })).toBe(3);
    const events = await streamEvents(port, store);
    expect(new Set(events.map((e) => e.id))).toEqual(ids);
    expect(events.every((e) => e.type === 'expired' && e.reason === 'idle')).toBe(true);
  });

  it('writes no event when the stream is off, and still cleans up', async () => {
    const port = createMemoryPort();
    const clock = { now: Date.now() };
    const store = open(port, clock, { eventStream: false });
    await store.create({ a: 1 });
    clock.now += 60_000;
    expect(await cleanerOf(store).runOnce()).toMatchObject({ expired: 1 });
    expect(await port.send({ command: 'EXISTS', keys: [], args: [store.keys.events] })).toBe(0);
    expect(await store.count()).toBe(0);
  });
});

describe('cleaner lease', () => {
  it('lets one cleaner of many work; the others do nothing', async () => {
    const port = createMemoryPort();
    const clock = { now: Date.now() };
    const fleet = [open(port, clock), open(port, clock), open(port, clock)];
    const reports = [];
    for (const store of fleet) reports.push(await cleanerOf(store).runOnce());
    expect(reports.map((r) => r.leader)).toEqual([true, false, false]);
    expect(fleet.map((s) => s.cleaner?.leader)).toEqual([true, false, false]);
  });

  it('gives the lease back on stop, so another takes it at once', async () => {
    const port = createMemoryPort();
    const clock = { now: Date.now() };
    const first = open(port, clock);
    const second = open(port, clock);
    const leadership: boolean[] = [];
    cleanerOf(first).on('leadership', (held) => leadership.push(held));
    await cleanerOf(first).runOnce();
    await first.close();
    expect(leadership).toEqual([true, false]);
    expect((await cleanerOf(second).runOnce()).leader).toBe(true);
  });

  it('works on its own timer with jittered ticks and reports each tick', async () => {
    const port = createMemoryPort();
    const store = createSessionStore({
      port,
      idleTimeout: 200,
      touchInterval: 50,
      cleaner: { interval: 20, leaseTtl: 200 },
    });
    stores.push(store);
    const session = await store.create({ a: 1 });
    const ticks: number[] = [];
    cleanerOf(store).on('tick', (report) => ticks.push(report.expired));
    const deadline = Date.now() + 3_000;
    while (Date.now() < deadline && !ticks.some((n) => n > 0)) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(ticks.reduce((a, b) => a + b, 0)).toBe(1);
    expect(await store.load(session.id)).toBeNull();
    expect(cleanerOf(store).stats).toMatchObject({ leader: true, expired: 1 });
  });
});

describe('cleaner options', () => {
  const port = createMemoryPort();
  it.each([
    ['cleaner.interval', { interval: 0 }],
    ['cleaner.leaseTtl', { interval: 1_000, leaseTtl: 1_000 }],
    ['cleaner.batchSize', { batchSize: 0 }],
    ['cleaner.tickBudget', { interval: 1_000, tickBudget: 2_000 }],
    ['cleaner.eventsPerEntry', { eventsPerEntry: 0 }],
  ])('names the bad option: %s', (name, cleaner) => {
    expect(() => createSessionStore({ port, cleaner } as never)).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION', message: expect.stringContaining(name) }),
    );
  });

  function messageOf(cleaner: Record<string, unknown>): string {
    try {
      createSessionStore({ port, cleaner } as never);
    } catch (error) {
      expect(error).toMatchObject({ code: 'INVALID_OPTION' });
      return (error as Error).message;
    }
    throw new Error('no error');
  }

  it('blames the lease option that was set, not one left at its default', () => {
    expect(messageOf({ leaseTtl: 5_000 })).toMatch(
      /^cleaner\.leaseTtl: 5000 ms is too short: the lease must outlast 1\.2 × interval \+ tickBudget \(7000 ms, from cleaner\.interval \(5000 ms, its default\) and cleaner\.tickBudget \(1000 ms, its default\)\).*\(default 30000 ms, 30 seconds\)$/,
    );
    expect(messageOf({ interval: 30_000 })).toMatch(
      /^cleaner\.interval: 30000 ms is too long for cleaner\.leaseTtl \(30000 ms, its default\).*\(default 5000 ms, 5 seconds\)$/,
    );
    expect(messageOf({ interval: 5, leaseTtl: 30 })).toMatch(
      /^cleaner\.interval: expected a whole number of milliseconds, 10 to 86400000; got 5/,
    );
    expect(messageOf({ interval: 2_000, leaseTtl: 2_000 })).toMatch(
      /^cleaner\.leaseTtl: 2000 ms is too short/,
    );
    expect(messageOf({ interval: 1_000, tickBudget: 2_000 })).toMatch(
      /^cleaner\.tickBudget: 2000 ms is longer than cleaner\.interval \(1000 ms, also set\)/,
    );
  });

  it('is on by default and off with false', async () => {
    const on = createSessionStore({ port });
    const off = createSessionStore({ port, cleaner: false });
    expect(on.cleaner?.options).toEqual({
      interval: 5_000,
      leaseTtl: 30_000,
      batchSize: 500,
      tickBudget: 1_000,
      eventsPerEntry: 50,
    });
    expect(off.cleaner).toBeUndefined();
    await on.close();
  });
});
