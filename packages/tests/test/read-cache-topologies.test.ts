import { createSessionStore, isSessError, type SessionStore } from '@sess/core';
import type { NodeRedisPort } from '@sess/node-redis';
import {
  keySlot,
  type RedisClusterSet,
  type RedisSentinelSet,
  startRedisCluster,
  startRedisSentinel,
} from '@sess/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterPort, sentinelPort, until } from './topology-support.js';

// The local cache of session reads on Sentinel and on Cluster: two instances with the cache
// on, one changing and ending sessions, the other holding them. On Cluster, tracking runs on
// every master; on Sentinel, it follows the master across a failover. Every command is audited
// on every data server.

interface Pair {
  readonly writer: SessionStore;
  readonly reader: SessionStore;
  readonly readerPort: NodeRedisPort;
  close(): Promise<void>;
}

async function pair(connect: () => Promise<NodeRedisPort>, prefix: string): Promise<Pair> {
  const [writerPort, readerPort] = await Promise.all([connect(), connect()]);
  const writer = createSessionStore({ port: writerPort, prefix, cleaner: false });
  const reader = createSessionStore({ port: readerPort, prefix, cleaner: false });
  return {
    writer,
    reader,
    readerPort,
    async close() {
      await Promise.all([writer.close(), reader.close()]);
      await Promise.all([writerPort.close(), readerPort.close()]);
    },
  };
}

/** A load, tried again while a failover settles. */
async function load(store: SessionStore, id: string) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      return await store.load(id);
    } catch (error) {
      if (!isSessError(error, 'UNAVAILABLE') || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/**
 * Sessions held by the reader (its second read of each is a hit), changed, then ended, on the
 * writer: the reader sees each change and each end at once.
 */
async function expectInvalidations({ writer, reader, readerPort }: Pair, count: number) {
  const created = await Promise.all(Array.from({ length: count }, (_, n) => writer.create({ n })));
  for (const session of created) await load(reader, session.id);
  const { hits } = readerPort.cacheStats()!;
  for (const session of created) await load(reader, session.id);
  expect(readerPort.cacheStats()!.hits).toBe(hits + count);

  for (const session of created) {
    session.set('n', 'changed');
    expect(await writer.commit(session)).toBe('saved');
  }
  for (const session of created) expect((await load(reader, session.id))?.get('n')).toBe('changed');
  for (const session of created) await load(reader, session.id);
  for (const session of created) expect(await writer.destroy(session.id)).toBe(true);
  for (const session of created) expect(await load(reader, session.id)).toBeNull();
  return created.map((session) => session.id);
}

describe('Sentinel', () => {
  let set: RedisSentinelSet;
  beforeAll(async () => {
    set = await startRedisSentinel({ audit: true });
  }, 60_000);
  afterAll(() => set?.stop(), 30_000);

  it('invalidates on the master, and again on the new master after a failover', async () => {
    const sessions = await pair(() => sentinelPort(set, { cache: true }), 'rcs');
    try {
      const tracked = () => sessions.readerPort.cacheStats()?.trackingUp === 1;
      await until('tracking up', 10_000, tracked);
      await expectInvalidations(sessions, 10);

      const master = await set.currentMaster();
      await master.kill();
      await set.waitForFailover(master);
      await until('tracking down', 10_000, () => !tracked());
      await until('tracking up on the new master', 20_000, tracked);
      await expectInvalidations(sessions, 10);
    } finally {
      await sessions.close();
    }
    expect((await set.audit()).violations).toEqual([]);
  }, 60_000);
});

describe('Cluster', () => {
  let cluster: RedisClusterSet;
  beforeAll(async () => {
    cluster = await startRedisCluster({ audit: true });
  }, 60_000);
  afterAll(() => cluster?.stop(), 30_000);

  it('tracks on every master and invalidates sessions of every slot', async () => {
    const sessions = await pair(() => clusterPort(cluster, { cache: true }), 'rcc');
    try {
      await until('tracking up on the three masters', 10_000, () => {
        const stats = sessions.readerPort.cacheStats();
        return stats?.trackingUp === 3 && stats.trackingDown === 0;
      });
      const ids = await expectInvalidations(sessions, 30);
      const masters = new Set(
        await Promise.all(ids.map(async (id) => (await cluster.masterFor(`rcc:s:{${id}}`)).port)),
      );
      expect(masters.size).toBe(3);
      // Random ids: two of 30 share one of 16,384 slots a few times in a hundred runs, so the
      // check is that they spread over many slots, not that each has its own.
      expect(new Set(ids.map((id) => keySlot(`rcc:s:{${id}}`))).size).toBeGreaterThanOrEqual(25);
    } finally {
      await sessions.close();
    }
    expect((await cluster.audit()).violations).toEqual([]);
  }, 60_000);
});
