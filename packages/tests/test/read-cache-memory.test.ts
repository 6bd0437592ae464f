import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createSessionStore } from '@sess/core';
import { formatStoredTimes, newSessionId, SESSION_META_FIELDS } from '@sess/core/internal';
import type { PortCall } from '@sess/core/port';
import { createNodeRedisPort, type NodeRedisPort } from '@sess/node-redis';
import { type RedisServer, startRedis } from '@sess/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from './topology-support.js';

// The local cache of session reads under a load of 100,000 distinct sessions: it holds no more
// than its bounds say (entries, estimated bytes), and the heap stops growing once it is full.
// That the estimate is not below the real heap per entry is checked in @sess/node-redis
// (reply-cache.test.ts).

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const SESSIONS = 100_000;
const MAX_ENTRIES = 20_000;
const MAX_BYTES = 4 * 1024 * 1024;

let redis: RedisServer;
let writer: NodeRedisPort;
let reader: NodeRedisPort;
const ids: string[] = [];

beforeAll(async () => {
  // Not audited: MONITOR would see every one of the 200,000 commands.
  redis = await startRedis({ env: false });
  writer = await createNodeRedisPort({ url: redis.url });
  reader = await createNodeRedisPort({
    url: redis.url,
    cache: { maxEntries: MAX_ENTRIES, maxBytes: MAX_BYTES },
    onError: () => {},
  });
  await until('tracking up', 10_000, () => reader.cacheStats()?.trackingUp === 1);
  // 100,000 sessions of five attributes, written straight into their hashes.
  const now = Date.now();
  const times = formatStoredTimes({
    createdAt: now,
    lastAccessAt: now,
    expiresAt: now + 3_600_000,
  });
  for (let i = 0; i < SESSIONS; i += 5_000) {
    const calls: PortCall[] = [];
    for (let n = i; n < i + 5_000; n++) {
      const id = newSessionId();
      ids.push(id);
      const key = `mem:s:{${id}}`;
      calls.push({
        command: 'HSET',
        keys: [key],
        args: [
          key,
          SESSION_META_FIELDS.times,
          times,
          'user',
          `"user-${n}@example.com"`,
          'cart',
          `[${n},${n + 1}]`,
          'locale',
          '"en-GB"',
          'theme',
          '"dark"',
          'page',
          `"/products/${n}"`,
        ],
      });
    }
    await writer.batch(calls);
  }
}, 60_000);

afterAll(async () => {
  await reader?.close();
  await writer?.close();
  await redis?.stop();
});

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

describe('the local cache of session reads under 100,000 distinct sessions', () => {
  it('stays within maxEntries and maxBytes, and the heap stops growing once it is full', async () => {
    const store = createSessionStore({ port: reader, prefix: 'mem', cleaner: false });
    const heaps: number[] = [];
    for (let i = 0; i < SESSIONS; i += 1_000) {
      const loaded = await Promise.all(ids.slice(i, i + 1_000).map((id) => store.load(id)));
      expect(loaded.every((record) => record !== null)).toBe(true);
      const stats = reader.cacheStats()!;
      expect(stats.entries).toBeLessThanOrEqual(MAX_ENTRIES);
      expect(stats.bytes).toBeLessThanOrEqual(MAX_BYTES);
      if ((i + 1_000) % 25_000 === 0) heaps.push(heapAfterGc());
    }
    const stats = reader.cacheStats()!;
    expect(stats.misses).toBe(SESSIONS);
    expect(stats.evictions).toBe(SESSIONS - stats.entries);
    // Full by bytes: sessions of this size cost more than maxBytes / maxEntries each.
    expect(stats.bytes).toBeGreaterThan(MAX_BYTES * 0.9);
    // From 50,000 sessions read to 100,000, the cache full all along: no growth that counts.
    const [, half, , all] = heaps as [number, number, number, number];
    expect(all - half).toBeLessThan(MAX_BYTES / 4);
    // The sessions read last are still there: read again, they are hits.
    const { hits } = reader.cacheStats()!;
    await Promise.all(ids.slice(-100).map((id) => store.load(id)));
    expect(reader.cacheStats()!.hits).toBe(hits + 100);
    await store.close();
  }, 120_000);
});
