import { createSessionStore } from '@sess/core';
import { createNodeRedisPort, type NodeRedisPort } from '@sess/node-redis';
import { type RedisServer, startRedis } from '@sess/testkit';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessMetrics } from '../src/index.js';

// The figures of a port's local cache of session reads, read from the port at scrape time.

let server: RedisServer;
let cached: NodeRedisPort;
let plain: NodeRedisPort;

beforeAll(async () => {
  server = await startRedis({ audit: true });
  [cached, plain] = await Promise.all([
    createNodeRedisPort({ url: server.url, cache: { maxEntries: 2 }, onError: () => {} }),
    createNodeRedisPort({ url: server.url }),
  ]);
  const deadline = Date.now() + 5_000;
  while (cached.cacheStats()?.trackingUp !== 1) {
    if (Date.now() > deadline) throw new Error('tracking not up within 5 s');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
});

afterAll(async () => {
  await cached?.close();
  await plain?.close();
  await server?.stop();
});

async function values(registry: Registry): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  for (const metric of await registry.getMetricsAsJSON()) {
    for (const value of metric.values) {
      const labels = Object.entries(value.labels)
        .map(([name, label]) => `${name}=${label}`)
        .join(',');
      found.set(labels ? `${metric.name}{${labels}}` : metric.name, value.value);
    }
  }
  return found;
}

describe('cache metrics', () => {
  it('reports hits, misses, invalidations, evictions, size and tracking of the ports', async () => {
    const registry = new Registry();
    const metrics = sessMetrics({ registry, gauges: 'never' });
    const reader = createSessionStore({
      port: cached,
      prefix: 'cm',
      cleaner: false,
      observer: metrics,
    });
    const writer = createSessionStore({ port: plain, prefix: 'cm', cleaner: false });
    // A second store on the same port: the port's figures count once.
    const other = createSessionStore({
      port: cached,
      prefix: 'cm2',
      cleaner: false,
      observer: metrics,
    });
    try {
      const [first, second, third] = await Promise.all([
        writer.create({ n: 1 }),
        writer.create({ n: 2 }),
        writer.create({ n: 3 }),
      ]);
      await reader.load(first!.id);
      await reader.load(first!.id);
      // Changed by another instance: Redis invalidates the reader's copy.
      first!.set('n', 10);
      await writer.commit(first!);
      await until(() => cached.cacheStats()!.invalidations >= 1);
      await reader.load(second!.id);
      await reader.load(third!.id);
      await reader.load(first!.id);

      const seen = await values(registry);
      expect(seen.get('sess_cache_hits_total')).toBe(1);
      expect(seen.get('sess_cache_misses_total')).toBe(4);
      expect(seen.get('sess_cache_invalidations_total')).toBe(1);
      expect(seen.get('sess_cache_evictions_total')).toBe(1);
      expect(seen.get('sess_cache_entries')).toBe(2);
      expect(seen.get('sess_cache_bytes')).toBe(cached.cacheStats()!.bytes);
      expect(seen.get('sess_cache_tracking_connections{state=up}')).toBe(1);
      expect(seen.get('sess_cache_tracking_connections{state=down}')).toBe(0);
    } finally {
      await Promise.all([reader.close(), writer.close(), other.close()]);
    }
  });

  it('reports zeros and no tracking state when no port has a cache', async () => {
    const registry = new Registry();
    const metrics = sessMetrics({ registry, gauges: 'never' });
    const store = createSessionStore({
      port: plain,
      prefix: 'cm3',
      cleaner: false,
      observer: metrics,
    });
    try {
      const seen = await values(registry);
      expect(seen.get('sess_cache_hits_total')).toBe(0);
      expect(seen.get('sess_cache_entries')).toBe(0);
      expect([...seen.keys()].some((name) => name.startsWith('sess_cache_tracking'))).toBe(false);
    } finally {
      await store.close();
    }
  });
});

async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('not within 5 s');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
