import { randomUUID } from 'node:crypto';
import {
  type CleanerTickReport,
  createSessionStore,
  isSessError,
  type OperationOutcome,
  type SessionObserver,
  type SessionStore,
} from '@sess/core';
import { readEventStream, readExpiryIndex, StoreGauges } from '@sess/core/internal';
import { createNodeRedisPort, type NodeRedisPort } from '@sess/node-redis';
import { type RedisServer, startRedis } from '@sess/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The observer interface of @sess/core (docs/operations/metrics.md), against a real Redis: what a store tells
// an observer, and the figures read from Redis on demand.

let redis: RedisServer;
let port: NodeRedisPort;
const stores: SessionStore[] = [];

beforeAll(async () => {
  redis = await startRedis({ audit: true });
  port = await createNodeRedisPort({ url: redis.url, onError: () => undefined });
});

afterAll(async () => {
  await Promise.all(stores.map((store) => store.close()));
  await port?.close();
  await redis?.stop();
});

/** An observer that writes down everything it is told. */
function recorder() {
  const seen = {
    attached: [] as SessionStore[],
    started: [] as string[],
    ended: [] as OperationOutcome[],
    events: [] as Array<[string, number]>,
    ticks: [] as CleanerTickReport[],
    leadership: [] as boolean[],
  };
  const observer: SessionObserver = {
    attach: (store) => seen.attached.push(store),
    operationStarted: (operation) => seen.started.push(operation),
    operationEnded: (outcome) => seen.ended.push(outcome),
    eventsWritten: (type, count) => seen.events.push([type, count]),
    cleanerTick: (report) => seen.ticks.push(report),
    cleanerLeadership: (leader) => seen.leadership.push(leader),
  };
  return { seen, observer };
}

function storeWith(
  observer: SessionObserver,
  options: Partial<Parameters<typeof createSessionStore>[0]> = {},
): SessionStore {
  const store = createSessionStore({
    port,
    prefix: `o${randomUUID().slice(0, 8)}`,
    cleaner: false,
    observer,
    ...options,
  });
  stores.push(store);
  return store;
}

describe('SessionObserver', () => {
  it('hears every round trip start and end, the events written and the cleaner', async () => {
    const { seen, observer } = recorder();
    let clock = Date.now() - 35 * 60_000;
    const store = storeWith(observer, {
      now: () => clock,
      cleaner: { interval: 60_000, leaseTtl: 120_000 },
    });
    expect(seen.attached).toEqual([store]);

    const record = await store.create({ a: 1 }, { principal: 'ada' });
    clock = Date.now();
    await store.create({ b: 2 });
    await store.load(record.id);
    await store.count();
    // The sign-in: its session and its event in one round trip; then the rest.
    expect(seen.started).toEqual(['create', 'create', 'load', 'count']);
    expect(seen.ended.map((outcome) => outcome.operation)).toEqual(seen.started);
    for (const outcome of seen.ended) {
      expect(outcome.error).toBeUndefined();
      expect(outcome.durationMs).toBeGreaterThan(0);
      expect(outcome.durationMs).toBeLessThan(1_000);
    }
    // The sign-in's creation only: an anonymous session's creation is not written by default.
    expect(seen.events).toEqual([['created', 1]]);

    const report = await store.cleaner!.runOnce();
    expect(report.expired).toBe(1);
    expect(seen.leadership).toEqual([true]);
    expect(seen.ticks).toEqual([report]);
    expect(seen.events.at(-1)).toEqual(['expired', 1]);
  });

  it('hears failures with their code, and a throwing observer changes nothing', async () => {
    const outcomes: OperationOutcome[] = [];
    const store = storeWith(
      {
        operationStarted: () => {
          throw new Error('observer bug');
        },
        operationEnded: (outcome) => {
          outcomes.push(outcome);
          throw new Error('observer bug');
        },
        eventsWritten: () => {
          throw new Error('observer bug');
        },
      },
      { operationTimeout: 150 },
    );
    const destroyed: string[] = [];
    store.on('destroyed', (event) => destroyed.push(event.id));
    const record = await store.create({ a: 1 });
    expect(await store.destroy(record.id)).toBe(true);
    // The application's own listener still ran after the observer's threw.
    expect(destroyed).toEqual([record.id]);

    redis.pause();
    try {
      const failure = await store.load(record.id).catch((error: unknown) => error);
      expect(isSessError(failure, 'UNAVAILABLE')).toBe(true);
    } finally {
      redis.resume();
    }
    const last = outcomes.at(-1);
    expect(last?.operation).toBe('load');
    expect(last?.error?.code).toBe('UNAVAILABLE');
    expect(last?.durationMs).toBeGreaterThanOrEqual(140);
  });

  it('is not told about events when the stream is off', async () => {
    const { seen, observer } = recorder();
    const store = storeWith(observer, { eventStream: false });
    await store.create({ a: 1 });
    expect(seen.events).toEqual([]);
    expect(seen.ended).toHaveLength(1);
  });
});

describe('figures read from Redis', () => {
  it('counts live and due sessions per bucket, the lag, and the event stream', async () => {
    let clock = Date.now() - 40 * 60_000;
    const store = storeWith(
      {},
      { now: () => clock, buckets: 4, eventStream: { anonymousCreated: true } },
    );
    await store.create({ a: 1 });
    clock = Date.now() - 35 * 60_000;
    await store.create({ a: 2 });
    clock = Date.now();
    await Promise.all([store.create({ a: 3 }), store.create({ a: 4 }), store.create({ a: 5 })]);

    const index = await readExpiryIndex(store);
    expect(index).toMatchObject({ active: 3, due: 2 });
    expect(index.active).toBe(await store.count());
    expect(index.buckets).toHaveLength(4);
    expect(index.buckets.reduce((sum, b) => sum + b.live + b.due, 0)).toBe(5);
    // The oldest due expired 10 minutes ago (created 40 min ago, 30 min idle timeout).
    expect(index.lag).toBeGreaterThan(9.9 * 60_000);
    expect(index.lag).toBeLessThan(10.1 * 60_000);

    const empty = await readEventStream(storeWith({}, { eventStream: false }));
    expect(empty).toMatchObject({ length: 0, deadLetters: 0, groups: [] });
    await port.send({
      command: 'XGROUP',
      keys: [store.keys.events],
      args: ['CREATE', store.keys.events, 'audit', '$'],
    });
    const stream = await readEventStream(store);
    expect(stream).toMatchObject({ key: store.keys.events, length: 5, deadLetters: 0 });
    expect(stream.groups).toEqual([
      { name: 'audit', consumers: 0, pending: 0, lag: 0, lastDeliveredId: expect.any(String) },
    ]);

    const gauges = new StoreGauges(store, { maxAge: 60_000 });
    const first = await gauges.expiryIndex();
    await store.create({ a: 6 });
    expect(await gauges.expiryIndex()).toBe(first); // reused within maxAge
    expect((await new StoreGauges(store, { maxAge: 0 }).expiryIndex()).active).toBe(4);
  });
});
