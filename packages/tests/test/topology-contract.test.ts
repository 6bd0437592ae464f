import { createSessionStore, isSessError } from '@sess/core';
import { defineScript } from '@sess/core/internal';
import { createNodeRedisPort } from '@sess/node-redis';
import {
  keySlot,
  type RedisClusterSet,
  type RedisSentinelSet,
  redisPortContract,
  startRedisCluster,
  startRedisSentinel,
} from '@sess/testkit';
import { createCluster, createSentinel } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterPort, sentinelPort } from './topology-support.js';

// The RedisPort contract on Sentinel and on Cluster (through @sess/node-redis, every data
// server audited), the clients an application creates itself, and what `nodes()` lists.

let sentinel: RedisSentinelSet;
let cluster: RedisClusterSet;

beforeAll(async () => {
  [sentinel, cluster] = await Promise.all([
    startRedisSentinel({ audit: true }),
    startRedisCluster({ audit: true }),
  ]);
}, 60_000);

afterAll(async () => {
  await Promise.all([sentinel?.stop(), cluster?.stop()]);
}, 30_000);

redisPortContract({
  name: 'node-redis on Sentinel',
  describe,
  it,
  expect,
  createPort: () =>
    createNodeRedisPort({ sentinel: { name: sentinel.masterName, nodes: sentinel.nodes } }),
});

redisPortContract({
  name: 'node-redis on Cluster',
  describe,
  it,
  expect,
  createPort: () => createNodeRedisPort({ cluster: { rootNodes: cluster.rootNodes } }),
});

describe('a client of yours', () => {
  it('Sentinel: createSentinel({ RESP: 2, reserveClient: true }) runs sess; close() leaves it open', async () => {
    const client = createSentinel({
      name: sentinel.masterName,
      sentinelRootNodes: [...sentinel.nodes],
      RESP: 2,
      reserveClient: true,
    });
    client.on('error', () => {});
    const port = await createNodeRedisPort({ client });
    expect(port.topology).toBe('sentinel');
    const store = createSessionStore({ port, cleaner: false });
    const session = await store.create({ user: 'ada' });
    expect((await store.load(session.id))?.get('user')).toBe('ada');
    await store.close();
    await port.close();
    expect(client.isOpen).toBe(true);
    await client.close();
  });

  it('Cluster: createCluster({ RESP: 2 }) runs sess; close() leaves it open', async () => {
    const client = createCluster({ rootNodes: [...cluster.rootNodes], RESP: 2 });
    client.on('error', () => {});
    const port = await createNodeRedisPort({ client });
    expect(port.topology).toBe('cluster');
    expect(port.capabilities.cluster).toBe(true);
    const store = createSessionStore({ port, cleaner: false });
    const session = await store.create({ user: 'ada' });
    expect((await store.load(session.id))?.get('user')).toBe('ada');
    await store.close();
    await port.close();
    expect(client.isOpen).toBe(true);
    await client.close();
  });

  it('a RESP3 Sentinel client is refused (the port asks the server which protocol it speaks)', async () => {
    const client = createSentinel({
      name: sentinel.masterName,
      sentinelRootNodes: [...sentinel.nodes],
      reserveClient: true,
    });
    client.on('error', () => {});
    const error = await createNodeRedisPort({ client }).catch((e: unknown) => e);
    expect(isSessError(error, 'INVALID_OPTION')).toBe(true);
    expect((error as Error).message).toMatch(/^client: sess needs RESP2/);
    await client.close();
  });
});

describe('nodes()', () => {
  it('Sentinel: the master and the Sentinels, each answering', async () => {
    const port = await sentinelPort(sentinel);
    const nodes = await port.nodes();
    const master = await sentinel.currentMaster();
    expect(nodes.map((node) => `${node.role} ${node.address}`).sort()).toEqual(
      [
        `master 127.0.0.1:${master.port}`,
        ...sentinel.nodes.map((node) => `sentinel ${node.host}:${node.port}`),
      ].sort(),
    );
    for (const node of nodes) {
      expect(await node.send({ command: 'PING', keys: [], args: [] })).toBe('PONG');
    }
    await port.close();
  });

  it('Cluster: every master and replica, each answering', async () => {
    const port = await clusterPort(cluster);
    const nodes = await port.nodes();
    expect(nodes.filter((node) => node.role === 'master')).toHaveLength(3);
    expect(nodes.filter((node) => node.role === 'replica')).toHaveLength(3);
    for (const node of nodes) {
      const role = await node.send({ command: 'ROLE', keys: [], args: [] });
      expect((role as string[])[0]).toBe(node.role === 'master' ? 'master' : 'slave');
    }
    await port.close();
  });
});

describe('scripts on a Cluster', () => {
  it('fall back to EVAL per node when a node forgot them (SCRIPT FLUSH on every master)', async () => {
    const port = await clusterPort(cluster);
    const script = defineScript(
      `topology_incr_${Date.now()}`,
      "return redis.call('INCR', KEYS[1])",
      () => 0,
    );
    // One key on each master.
    const keys: string[] = [];
    const masters = new Set<number>();
    for (let i = 0; masters.size < 3; i++) {
      const key = `scripts:{${i}}`;
      const master = (await cluster.masterFor(keySlot(key))).port;
      if (masters.has(master)) continue;
      masters.add(master);
      keys.push(key);
    }
    for (const key of keys) expect(await port.script({ script, keys: [key], args: [] })).toBe(1);
    for (const node of await port.nodes()) {
      if (node.role === 'master') await node.send({ command: 'SCRIPT', keys: [], args: ['FLUSH'] });
    }
    // EVALSHA on every node gets NOSCRIPT: one call at a time, then a batch.
    expect(await port.script({ script, keys: [keys[0]!], args: [] })).toBe(2);
    for (const node of await port.nodes()) {
      if (node.role === 'master') await node.send({ command: 'SCRIPT', keys: [], args: ['FLUSH'] });
    }
    expect(await port.batch(keys.map((key) => ({ script, keys: [key], args: [] })))).toEqual([
      3, 2, 2,
    ]);
    await port.close();
  });
});

it('the audit saw no forbidden command and no keys across slots, on any server', async () => {
  expect((await sentinel.audit()).violations).toEqual([]);
  expect((await cluster.audit()).violations).toEqual([]);
});
