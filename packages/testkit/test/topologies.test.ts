import { afterAll, describe, expect, it } from 'vitest';
import {
  CommandAuditError,
  keySlot,
  type RedisClusterSet,
  type RedisSentinelSet,
  startRedisCluster,
  startRedisSentinel,
} from '../src/index.js';
import { RespConnection } from '../src/resp-connection.js';

// The Sentinel set and the Cluster the testkit starts: their shape, fault operations on
// members, and an audit that keeps watching through failovers and sees what MONITOR cannot.

const connections: RespConnection[] = [];
afterAll(async () => {
  await Promise.all(connections.map((connection) => connection.close()));
});

async function connect(server: { host: string; port: number }): Promise<RespConnection> {
  const connection = await RespConnection.open(server);
  connections.push(connection);
  return connection;
}

describe('startRedisSentinel()', () => {
  let set: RedisSentinelSet;

  it('starts 1 master, 2 replicas and 3 Sentinels with quorum 2, all in sync', async () => {
    set = await startRedisSentinel({ audit: true });
    expect(set.replicas).toHaveLength(2);
    expect(set.sentinels).toHaveLength(3);
    expect(set.members()).toHaveLength(6);
    expect(await set.currentMaster()).toBe(set.master);
    const sentinel = await connect(set.sentinels[0]!);
    const master = await sentinel.call(['SENTINEL', 'MASTER', set.masterName]);
    const fields = new Map<string, string>();
    const flat = master as string[];
    for (let i = 0; i + 1 < flat.length; i += 2) fields.set(String(flat[i]), String(flat[i + 1]));
    expect(fields.get('quorum')).toBe('2');
    expect(fields.get('num-slaves')).toBe('2');
    expect(fields.get('num-other-sentinels')).toBe('2');
  }, 60_000);

  it('pauses and resumes a member', async () => {
    const replica = set.replicas[0]!;
    replica.pause();
    expect(replica.paused).toBe(true);
    replica.resume();
    expect(replica.paused).toBe(false);
    expect(await (await connect(replica)).call(['PING'])).toBe('PONG');
  });

  it('audits through CLIENT KILL (as Sentinel does in a failover), and tolerates its CONFIG REWRITE only', async () => {
    const master = await connect(set.master);
    await master.call(['CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes']);
    // A report waits for the audit to watch again (what runs in between is not seen).
    expect((await set.audit()).violations).toEqual([]);
    const fresh = await connect(set.master);
    await fresh.call(['KEYS', 'after-the-kill:*']);
    await fresh.call(['CONFIG', 'REWRITE']).catch(() => undefined);
    await fresh.call(['CONFIG', 'GET', 'maxmemory']);
    const { violations } = await set.audit();
    expect(violations).toHaveLength(2);
    expect(violations.some((v) => v.includes('KEYS "after-the-kill:*"'))).toBe(true);
    expect(violations.some((v) => /CONFIG GET/.test(v) && !/REWRITE/.test(v))).toBe(true);
  });

  it('stop() stops every member and rejects with the violations of all', async () => {
    const error = await set.stop().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandAuditError);
    expect(set.members().every((member) => member.pid === undefined)).toBe(true);
  }, 30_000);
});

describe('startRedisCluster()', () => {
  let cluster: RedisClusterSet;

  it('starts 3 masters with a replica each; masterFor() follows the slot map', async () => {
    cluster = await startRedisCluster({ audit: true });
    expect(cluster.nodes).toHaveLength(6);
    expect(cluster.rootNodes).toHaveLength(6);
    const masters = await cluster.masters();
    expect(masters).toHaveLength(3);
    for (const key of ['a', 'b', 'sess:{events}', 'sess:x:{7}']) {
      const owner = await cluster.masterFor(key);
      expect(masters).toContain(owner);
      expect(await cluster.masterFor(keySlot(key))).toBe(owner);
      const reply = await (await connect(owner)).call(['GET', key]);
      expect(reply).toBeNull(); // no MOVED: it serves the slot
    }
  }, 60_000);

  it('counts commands Redis refused with CROSSSLOT, which MONITOR never shows', async () => {
    const node = await connect(cluster.nodes[0]!);
    const [a, b] = ['{a}x', '{b}x'];
    expect(keySlot(a)).not.toBe(keySlot(b));
    const error = await node.call(['MGET', a, b]).catch((e: unknown) => e);
    expect(String(error)).toMatch(/CROSSSLOT/);
    const { violations } = await cluster.audit();
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatch(/CROSSSLOT/);
  });

  it('a killed master is replaced by its replica; restarted, it rejoins as a replica', async () => {
    const victim = await cluster.masterFor('a');
    await victim.kill();
    await cluster.waitUntilHealthy(30_000);
    const masters = await cluster.masters();
    expect(masters).not.toContain(victim);
    expect(masters).toHaveLength(3);
    await victim.restart();
    const started = Date.now();
    for (;;) {
      const role = (await (await connect(victim)).call(['ROLE'])) as string[];
      if (role[0] === 'slave') break;
      if (Date.now() - started > 10_000) throw new Error('the old master did not rejoin');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }, 60_000);

  it('stop() rejects with the CROSSSLOT violation', async () => {
    await expect(cluster.stop()).rejects.toBeInstanceOf(CommandAuditError);
  }, 30_000);
});
