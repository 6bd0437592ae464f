import { randomUUID } from 'node:crypto';
import type { RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSessionStore, type SessionStore } from '@sess/core';
import { type AppOptions, type ExampleServer, httpServer } from '@sess/example-shared';
import { CookieClient } from '@sess/example-shared/testing';
import { createNodeRedisPort, type NodeRedisPort } from '@sess/node-redis';
import { sessMetrics } from '@sess/prometheus';
import { type RedisServer, startRedis } from '@sess/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The example apps serve `/metrics` from prom-client's default registry; the store reports to
// it through `observer: sessMetrics()`. Real traffic, then a scrape, as Prometheus would.

let redis: RedisServer;
let port: NodeRedisPort;
const metrics = sessMetrics({ gaugesMaxAge: 0 });

beforeAll(async () => {
  redis = await startRedis({ audit: true });
  port = await createNodeRedisPort({ url: redis.url });
});

afterAll(async () => {
  await port?.close();
  await redis?.stop();
});

/** `name{labels} value` lines of the exposition text, by series. */
function samples(text: string): Map<string, number> {
  const series = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    series.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return series;
}

/**
 * An example's `createApp`, from its source: the examples are apps, not packages with type
 * declarations, and vitest runs their TypeScript as it is.
 */
async function createApp<App>(example: string): Promise<(options: AppOptions) => App> {
  const source = new URL(`../../../examples/${example}/src/app.ts`, import.meta.url);
  const module = (await import(source.pathname)) as { createApp: (options: AppOptions) => App };
  return module.createApp;
}

const apps: Array<[string, (options: AppOptions) => Promise<ExampleServer>]> = [
  [
    'Express',
    async (options) => httpServer((await createApp<RequestListener>('express'))(options)),
  ],
  ['Fastify', async (options) => (await createApp<Promise<ExampleServer>>('fastify'))(options)],
  [
    'Koa',
    async (options) =>
      httpServer((await createApp<{ callback(): RequestListener }>('koa'))(options).callback()),
  ],
];

describe.each(apps)('GET /metrics of the %s example', (name, serve) => {
  let store: SessionStore;
  let server: ExampleServer;
  let client: CookieClient;

  beforeAll(async () => {
    store = createSessionStore({
      port,
      prefix: `metrics-${name}-${randomUUID().slice(0, 8)}`,
      observer: metrics,
    });
    server = await serve({ store });
    await server.listen({ port: 0, host: '127.0.0.1' });
    const { port: listening } = server.server.address() as AddressInfo;
    client = new CookieClient(`http://127.0.0.1:${listening}/`);
  });

  afterAll(async () => {
    await server?.close();
    metrics.detach(store);
    await store?.close();
  });

  it('reports the traffic: latency by operation, events, active sessions', async () => {
    const prefix = store.keys.prefix;
    const before = samples((await client.get('/metrics')).body);
    const count = (text: Map<string, number>, series: string) => text.get(series) ?? 0;

    expect((await client.post('/sign-in', { name: 'ada' })).status).toBe(303);
    for (let i = 0; i < 3; i++) expect((await client.get('/')).status).toBe(200);
    expect((await client.get('/sessions')).status).toBe(200);

    const scrape = await client.get('/metrics');
    expect(scrape.status).toBe(200);
    expect(scrape.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(scrape.body).toMatch(/^# HELP sess_store_operation_duration_seconds /m);
    expect(scrape.body).toMatch(/^# TYPE sess_store_operation_duration_seconds histogram$/m);
    const after = samples(scrape.body);
    const grew = (series: string) => count(after, series) - count(before, series);

    // Three page loads with the cookie: one load each; the counter changes, so commits too.
    const load = 'sess_store_operation_duration_seconds_count{operation="load",outcome="ok"}';
    const commit = 'sess_store_operation_duration_seconds_count{operation="commit",outcome="ok"}';
    expect(grew(load)).toBeGreaterThanOrEqual(4);
    expect(grew(commit)).toBeGreaterThanOrEqual(3);
    // The sign-in: its session and its `created` event, in one round trip.
    expect(
      grew('sess_store_operation_duration_seconds_count{operation="create",outcome="ok"}'),
    ).toBe(1);
    expect(
      grew('sess_store_operation_duration_seconds_count{operation="findByPrincipal",outcome="ok"}'),
    ).toBeGreaterThanOrEqual(1);
    // On loopback every round trip is far below the 1 s deadline: the 1 s bucket holds them all.
    const sum = 'sess_store_operation_duration_seconds_sum{operation="load",outcome="ok"}';
    expect(grew(sum) / grew(load)).toBeGreaterThan(0);
    expect(grew(sum) / grew(load)).toBeLessThan(0.5);
    expect(
      grew('sess_store_operation_duration_seconds_bucket{le="1",operation="load",outcome="ok"}'),
    ).toBe(grew(load));
    expect(grew('sess_events_written_total{type="created"}')).toBe(1);
    expect(after.get('sess_store_operations_in_flight')).toBe(0);
    expect(after.get(`sess_active_sessions{prefix="${prefix}"}`)).toBe(1);
    expect(after.get(`sess_cleaner_due_sessions{prefix="${prefix}"}`)).toBe(0);
    expect(after.get(`sess_cleaner_lag_seconds{prefix="${prefix}"}`)).toBe(0);
    expect(after.get(`sess_cleaner_leader{prefix="${prefix}"}`)).toBeGreaterThanOrEqual(0);
    expect(after.get(`sess_event_stream_length{prefix="${prefix}"}`)).toBe(1);
    expect(count(after, 'sess_store_errors_total{operation="load",code="UNAVAILABLE"}')).toBe(0);

    expect((await client.post('/sign-out')).status).toBe(303);
    const final = samples((await client.get('/metrics')).body);
    expect(final.get(`sess_active_sessions{prefix="${prefix}"}`)).toBe(0);
    expect(count(final, 'sess_events_written_total{type="destroyed"}')).toBeGreaterThanOrEqual(1);
  });
});
