import { randomUUID } from 'node:crypto';
import {
  createSessionStore,
  isSessError,
  type SessionImporter,
  type SessionStore,
} from '@sess/core';
import { createHttpSessions } from '@sess/core/adapter';
import { createNodeRedisPort, type NodeRedisPort } from '@sess/node-redis';
import { type RedisServer, startRedis } from '@sess/testkit';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scrapeMetrics, sessMetrics } from '../src/index.js';
import { SessMetrics } from '../src/sess-metrics.js';

let server: RedisServer;
let port: NodeRedisPort;
const stores: SessionStore[] = [];

beforeAll(async () => {
  server = await startRedis({ audit: true });
  port = await createNodeRedisPort({ url: server.url });
});

afterAll(async () => {
  await Promise.all(stores.map((store) => store.close()));
  await port?.close();
  await server?.stop();
});

function uniquePrefix(): string {
  return `m${randomUUID().slice(0, 8)}`;
}

/** One sample of a metric, by labels, from the registry's JSON. */
async function sample(
  registry: Registry,
  name: string,
  labels: Record<string, string> = {},
): Promise<number | undefined> {
  const metrics = await registry.getMetricsAsJSON();
  const metric = metrics.find((m) => m.name === name);
  const values = metric?.values ?? [];
  const match = values.find(
    (v) =>
      [undefined, name].includes((v as { metricName?: string }).metricName) &&
      Object.entries(labels).every(([k, value]) => String(v.labels[k]) === value),
  );
  return match?.value;
}

async function histogramCount(registry: Registry, name: string, operation: string) {
  const metrics = await registry.getMetricsAsJSON();
  const metric = metrics.find((m) => m.name === name);
  return metric?.values.find(
    (v) =>
      (v as { metricName?: string }).metricName === `${name}_count` &&
      v.labels.operation === operation &&
      v.labels.outcome === 'ok',
  )?.value;
}

describe('SessMetrics', () => {
  it('measures round trips, events, active sessions and the cleaner', async () => {
    const registry = new Registry();
    let clock = Date.now();
    const metrics = sessMetrics({ registry, gaugesMaxAge: 0 });
    const store = createSessionStore({
      port,
      prefix: uniquePrefix(),
      buckets: 4,
      idleTimeout: 60_000,
      touchInterval: 1_000,
      now: () => clock,
      observer: metrics,
      cleaner: { interval: 60_000, leaseTtl: 120_000 },
    });
    stores.push(store);
    expect(metrics.stores).toEqual([store]);

    const created = await Promise.all(
      Array.from({ length: 5 }, (_, i) => store.create({ n: i }, { principal: 'ada' })),
    );
    expect(await store.load(created[0]!.id)).not.toBeNull();
    expect(await store.destroy(created[1]!.id)).toBe(true);

    // Each sign-in: its session and its `created` event, in one round trip.
    expect(await histogramCount(registry, 'sess_store_operation_duration_seconds', 'create')).toBe(
      5,
    );
    expect(await histogramCount(registry, 'sess_store_operation_duration_seconds', 'load')).toBe(1);
    // destroy: take, then unindex + event
    expect(await histogramCount(registry, 'sess_store_operation_duration_seconds', 'destroy')).toBe(
      2,
    );
    expect(await sample(registry, 'sess_store_operations_in_flight')).toBe(0);
    expect(await sample(registry, 'sess_events_written_total', { type: 'created' })).toBe(5);
    expect(await sample(registry, 'sess_events_written_total', { type: 'destroyed' })).toBe(1);
    expect(await sample(registry, 'sess_active_sessions', { prefix: store.keys.prefix })).toBe(4);
    expect(await sample(registry, 'sess_cleaner_due_sessions', { prefix: store.keys.prefix })).toBe(
      0,
    );
    expect(await sample(registry, 'sess_cleaner_lag_seconds', { prefix: store.keys.prefix })).toBe(
      0,
    );
    expect(await sample(registry, 'sess_cleaner_leader', { prefix: store.keys.prefix })).toBe(0);

    // Past the idle timeout: four sessions are due, 10 s behind.
    clock += 70_000;
    expect(await sample(registry, 'sess_active_sessions', { prefix: store.keys.prefix })).toBe(0);
    expect(await sample(registry, 'sess_cleaner_due_sessions', { prefix: store.keys.prefix })).toBe(
      4,
    );
    expect(
      await sample(registry, 'sess_cleaner_lag_seconds', { prefix: store.keys.prefix }),
    ).toBeCloseTo(10, 0);

    const report = await store.cleaner!.runOnce();
    expect(report.expired).toBe(4);
    expect(await sample(registry, 'sess_cleaner_leader', { prefix: store.keys.prefix })).toBe(1);
    expect(await sample(registry, 'sess_cleaner_expired_sessions_total')).toBe(4);
    expect(await sample(registry, 'sess_events_written_total', { type: 'expired' })).toBe(4);
    expect(await sample(registry, 'sess_cleaner_due_sessions', { prefix: store.keys.prefix })).toBe(
      0,
    );
    const text = (await scrapeMetrics(registry)).body;
    expect(text).toMatch(/^sess_cleaner_tick_duration_seconds_count 1$/m);
    expect(text).toMatch(/^# HELP sess_active_sessions /m);
    expect(text).toMatch(/^# TYPE sess_store_errors_total counter$/m);
  });

  it('counts failed round trips by operation and code', async () => {
    const registry = new Registry();
    const metrics = sessMetrics({ registry, gauges: 'never' });
    const store = createSessionStore({
      port,
      prefix: uniquePrefix(),
      operationTimeout: 150,
      observer: metrics,
      cleaner: false,
    });
    stores.push(store);
    const record = await store.create({ a: 1 });
    server.pause();
    try {
      const pending = store.load(record.id).catch((error: unknown) => error);
      // Redis does not answer: the load is in flight until its deadline.
      expect(await sample(registry, 'sess_store_operations_in_flight')).toBe(1);
      const failure = await pending;
      expect(isSessError(failure, 'UNAVAILABLE')).toBe(true);
    } finally {
      server.resume();
    }
    expect(
      await sample(registry, 'sess_store_errors_total', {
        operation: 'load',
        code: 'UNAVAILABLE',
      }),
    ).toBe(1);
    expect(await sample(registry, 'sess_store_operations_in_flight')).toBe(0);
    // gauges: 'never' reads nothing from Redis.
    const text = (await scrapeMetrics(registry)).body;
    expect(text).not.toMatch(/^sess_active_sessions\{/m);
    // The connection comes back once the server answers again.
    await expect.poll(() => store.load(record.id).then(Boolean), { timeout: 5_000 }).toBe(true);
  });

  it('counts refused event writes, dropped repairs and unreadable sessions', async () => {
    const registry = new Registry();
    const metrics = sessMetrics({ registry, gauges: 'never' });
    const store = createSessionStore({
      port,
      prefix: uniquePrefix(),
      observer: metrics,
      cleaner: false,
    });
    stores.push(store);
    const record = await store.create({ a: 1 }, { principal: 'bo' });
    // The stream replaced by a string: Redis refuses the sign-out's event (for good).
    const stream = store.keys.events;
    await port.send({ command: 'DEL', keys: [stream], args: [stream] });
    await port.send({ command: 'SET', keys: [stream], args: [stream, 'not a stream'] });
    expect(await store.destroy(record.id)).toBe(true);
    expect(await sample(registry, 'sess_event_write_failures_total', { type: 'destroyed' })).toBe(
      1,
    );
    expect(await sample(registry, 'sess_repairs_dropped_total')).toBe(1);

    const other = await store.create({ b: 1 });
    const key = store.keys.session(other.id);
    await port.send({ command: 'DEL', keys: [key], args: [key] });
    await port.send({ command: 'SET', keys: [key], args: [key, 'x'] });
    expect(await store.load(other.id)).toBeNull();
    expect(await sample(registry, 'sess_unreadable_sessions_total')).toBe(1);
  });

  it('counts sessions imported from another library, and failed imports, by library', async () => {
    const registry = new Registry();
    const metrics = sessMetrics({ registry, gauges: 'never' });
    const store = createSessionStore({
      port,
      prefix: uniquePrefix(),
      observer: metrics,
      cleaner: false,
      maxAttributeBytes: 1_024,
    });
    stores.push(store);
    const importer: SessionImporter = {
      source: 'old-lib',
      cookieNames: ['old'],
      oldSessionId: (header) => /old=(\w+)/.exec(header)?.[1],
      read: async (id, context) => {
        await context.read(`old:${id}`);
        return { data: { payload: id === 'big' ? 'x'.repeat(2_000) : id } };
      },
      clearCookies: () => ['old=; Max-Age=0'],
    };
    const sessions = createHttpSessions({ store, migrateFrom: importer });
    for (const cookie of ['old=a', 'old=b', 'old=big', 'other=1']) {
      const scope = await sessions.open({ cookie });
      await scope.commit();
    }
    expect(await sample(registry, 'sess_sessions_imported_total', { source: 'old-lib' })).toBe(2);
    expect(
      await sample(registry, 'sess_session_import_failures_total', {
        source: 'old-lib',
        code: 'TOO_LARGE',
      }),
    ).toBe(1);
    // The reads of the old sessions are round trips of their own: `import`.
    expect(await histogramCount(registry, 'sess_store_operation_duration_seconds', 'import')).toBe(
      3,
    );
  });

  it('reports consumer groups: pending entries and consumers', async () => {
    const registry = new Registry();
    const metrics = sessMetrics({ registry, gaugesMaxAge: 0 });
    const store = createSessionStore({
      port,
      prefix: uniquePrefix(),
      observer: metrics,
      cleaner: false,
    });
    stores.push(store);
    const seen: string[] = [];
    const subscription = await store.subscribe({
      mode: 'group',
      group: 'mailer',
      handler: (event) => {
        seen.push(event.id);
        throw new Error('not now');
      },
      onError: () => undefined,
    });
    try {
      await store.create({ a: 1 }, { principal: 'ada' });
      await store.create({ a: 2 }, { principal: 'bob' });
      await expect.poll(() => seen.length, { timeout: 5_000 }).toBe(2);
      const labels = { prefix: store.keys.prefix, group: 'mailer' };
      await expect
        .poll(() => sample(registry, 'sess_event_group_pending', labels), { timeout: 5_000 })
        .toBe(2);
      expect(await sample(registry, 'sess_event_group_consumers', labels)).toBe(1);
      expect(await sample(registry, 'sess_event_group_lag', labels)).toBe(0);
      expect(
        await sample(registry, 'sess_event_stream_length', { prefix: store.keys.prefix }),
      ).toBe(2);
    } finally {
      await subscription.close();
    }
  });

  it('reports Redis figures only from the cleanup leader with gauges: "leader"', async () => {
    const registry = new Registry();
    const metrics = sessMetrics({ registry, gauges: 'leader', gaugesMaxAge: 0 });
    const prefix = uniquePrefix();
    const follower = createSessionStore({ port, prefix, observer: metrics, cleaner: false });
    stores.push(follower);
    await follower.create({ a: 1 });
    expect(await sample(registry, 'sess_active_sessions', { prefix })).toBeUndefined();
    const leader = createSessionStore({
      port,
      prefix,
      observer: metrics,
      cleaner: { interval: 60_000, leaseTtl: 120_000 },
    });
    stores.push(leader);
    expect((await leader.cleaner!.runOnce()).leader).toBe(true);
    expect(await sample(registry, 'sess_active_sessions', { prefix })).toBe(1);
  });

  it('is one instance per registry and prefix, and validates its options', () => {
    const registry = new Registry();
    expect(sessMetrics({ registry })).toBe(sessMetrics({ registry }));
    expect(sessMetrics({ registry })).not.toBe(sessMetrics({ registry, prefix: 'other_' }));
    expect(sessMetrics({ registry })).toBeInstanceOf(SessMetrics);
    expect(() => sessMetrics({ registry, prefix: 'bad-name' })).toThrow(/prefix/);
    expect(() => sessMetrics({ registry, latencyBuckets: [1, 0.5] })).toThrow(/latencyBuckets/);
    expect(() => sessMetrics({ registry, gauges: 'some' as 'always' })).toThrow(/gauges/);
  });
});
