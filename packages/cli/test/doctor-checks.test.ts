import type { RedisReply } from '@sess/core/port';
import { describe, expect, it } from 'vitest';
import type { SentinelNodes } from '../src/connection.js';
import { bucketSpreadCheck } from '../src/doctor/bucket-spread-check.js';
import { clockCheck } from '../src/doctor/clock-check.js';
import { clusterCheck } from '../src/doctor/cluster-check.js';
import { evictionVerdict } from '../src/doctor/eviction-check.js';
import { latencyCheck } from '../src/doctor/latency-check.js';
import { persistenceVerdict } from '../src/doctor/persistence-check.js';
import { replicationVerdict } from '../src/doctor/replication-check.js';
import { sentinelCheck } from '../src/doctor/sentinel-check.js';
import { parseClusterSlots } from '../src/doctor/slot-ranges.js';
import { versionVerdict } from '../src/doctor/version-check.js';
import { parseInfo } from '../src/info-text.js';
import { ProgressBar } from '../src/progress-bar.js';
import type { RedisNode } from '../src/redis-node.js';

// The states that are slow or awkward to bring about with real servers (a master down, no
// quorum, uncovered slots, a lagging replica): each check fed the replies Redis gives then.
// cluster.test.ts and sentinel.test.ts run the healthy paths against real sets.

/** A node answering `answer`, each call after `delayMs(call number)` ms (none by default). */
function node(
  address: string,
  answer: (args: string[]) => RedisReply,
  delayMs: (call: number) => number = () => 0,
  nextCall: () => number = () => 0,
): RedisNode {
  return {
    address,
    call: async (args) => {
      const ms = delayMs(nextCall());
      if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
      return answer(args.map(String));
    },
    close: async () => undefined,
  };
}

function facts(text: string) {
  return { address: 'r:6379', info: parseInfo(text.split(' ').join('\r\n')) };
}

const buckets = Array.from({ length: 16 }, (_, b) => `sess:x:{${b}}`);
const threeMasters = parseClusterSlots([
  [0, 5460, ['10.0.0.1', 7000, 'a'], ['10.0.0.4', 7003, 'd']],
  [5461, 10922, ['10.0.0.2', 7001, 'b'], ['10.0.0.5', 7004, 'e']],
  [10923, 16383, ['10.0.0.3', 7002, 'c']],
]);

describe('cluster checks', () => {
  it('reads slot coverage and replicas per master', async () => {
    const info = (text: string) => node('first', () => text.split(' ').join('\r\n'));
    const healthy = await clusterCheck(
      info(
        'cluster_state:ok cluster_slots_assigned:16384 cluster_slots_ok:16384 cluster_slots_pfail:0 cluster_slots_fail:0',
      ),
      threeMasters,
    );
    expect(healthy.status).toBe('warn'); // 10.0.0.3 has no replica
    expect(healthy.summary).toMatch(/3 masters, 1 without a replica/);
    const broken = await clusterCheck(
      info(
        'cluster_state:fail cluster_slots_assigned:10923 cluster_slots_ok:10923 cluster_slots_pfail:0 cluster_slots_fail:0',
      ),
      threeMasters.slice(0, 2),
    );
    expect(broken).toMatchObject({ status: 'fail' });
    expect(broken.fix).toMatch(/assign every slot/);
  });

  it('maps expiry buckets onto masters', () => {
    const spread = bucketSpreadCheck(buckets, threeMasters);
    expect(spread.status).toBe('pass');
    const perMaster = (spread.details as { perMaster: Record<string, number> }).perMaster;
    expect(Object.values(perMaster).reduce((a, b) => a + b, 0)).toBe(16);
    const few = bucketSpreadCheck(buckets.slice(0, 2), threeMasters);
    expect(few.status).toBe('warn');
    expect(few.fix).toMatch(/at least as many buckets as masters/);
    expect(bucketSpreadCheck(buckets, threeMasters.slice(0, 1)).status).toBe('fail');
  });
});

describe('sentinel check', () => {
  const master = (flags: string, others: number, slaves: number) => [
    'name',
    'mymaster',
    'ip',
    '10.0.0.1',
    'port',
    '6379',
    'flags',
    flags,
    'quorum',
    '2',
    'num-other-sentinels',
    String(others),
    'num-slaves',
    String(slaves),
  ];
  const sentinel = (address: string, view: RedisReply, quorum = true) =>
    node(address, (args) => {
      if (args[1] === 'MASTER') return view;
      if (quorum) return 'OK 3 usable Sentinels. Quorum and failover authorization can be reached';
      throw new Error(
        'NOQUORUM 1 usable Sentinels. Not enough available Sentinels to reach the majority',
      );
    });
  const set = (reachable: RedisNode[], unreachable: string[] = []): SentinelNodes => ({
    master: 'mymaster',
    reachable,
    unreachable: unreachable.map((address) => ({ address, error: 'ECONNREFUSED' })),
  });

  it('passes three healthy sentinels and a master with a replica', async () => {
    const view = master('master', 2, 1);
    const result = await sentinelCheck(
      set([sentinel('s1:26379', view), sentinel('s2:26379', view), sentinel('s3:26379', view)]),
    );
    expect(result.status).toBe('pass');
    expect(result.summary).toMatch(/3 of 3 sentinels answered; quorum 2, 3 sentinels known/);
  });

  it('warns on an unreachable sentinel, fails without quorum or with the master down', async () => {
    const view = master('master', 2, 1);
    expect(
      (await sentinelCheck(set([sentinel('s1:1', view), sentinel('s2:1', view)], ['s3:1']))).status,
    ).toBe('warn');
    const noQuorum = await sentinelCheck(set([sentinel('s1:1', master('master', 0, 1), false)]));
    expect(noQuorum.status).toBe('fail');
    expect(noQuorum.summary).toMatch(/CKQUORUM: NOQUORUM/);
    const down = await sentinelCheck(set([sentinel('s1:1', master('master,o_down', 2, 1))]));
    expect(down.status).toBe('fail');
    expect(down.summary).toMatch(/master flagged down/);
  });
});

describe('node checks', () => {
  it('judges eviction policies by what they can evict', () => {
    expect(evictionVerdict(facts('maxmemory:0 maxmemory_policy:noeviction')).status).toBe('pass');
    expect(evictionVerdict(facts('maxmemory:0 maxmemory_policy:allkeys-lfu')).status).toBe('warn');
    expect(evictionVerdict(facts('maxmemory:100 maxmemory_policy:volatile-ttl')).status).toBe(
      'fail',
    );
  });

  it('knows Valkey from Redis and their minimum versions', () => {
    expect(versionVerdict(facts('redis_version:6.2.14')).status).toBe('fail');
    expect(
      versionVerdict(facts('redis_version:7.2.4 server_name:valkey valkey_version:8.0.1')),
    ).toMatchObject({ status: 'pass', summary: 'Valkey 8.0.1 (sess needs 7.2 or later)' });
  });

  it('accepts RDB snapshots as persistence and flags a lagging replica', () => {
    const now = Date.now();
    const rdb = persistenceVerdict(
      facts(
        `aof_enabled:0 rdb_saves:3 rdb_last_save_time:${Math.floor(now / 1000) - 60} connected_slaves:0`,
      ),
      now,
    );
    expect(rdb.status).toBe('pass');
    expect(rdb.summary).toMatch(/RDB snapshots \(3 since start, last 1 min/);
    const lagging = replicationVerdict(
      facts(
        'role:master connected_slaves:1 master_repl_offset:5000 slave0:ip=10.0.0.2,port=6379,state=online,offset=1000,lag=7',
      ),
    );
    expect(lagging).toMatchObject({ status: 'warn' });
    expect(lagging?.summary).toMatch(/lag 7 s, 4000 bytes behind/);
  });

  it('warns when a restart would lose every session', () => {
    const verdict = persistenceVerdict(facts('aof_enabled:0 rdb_saves:0 connected_slaves:0'), 0);
    expect(verdict.status).toBe('warn');
    expect(verdict.fix).toMatch(/appendonly yes/);
    expect(
      persistenceVerdict(facts('aof_enabled:0 rdb_saves:0 connected_slaves:1'), 0).status,
    ).toBe('pass');
  });

  it('grades round trips: a near Redis passes, a far one warns, spikes near the deadline fail', async () => {
    const quiet = new ProgressBar({ isTTY: false, write: () => true }, 'ping', 0, false);
    const slowNode = (ms: (i: number) => number) => {
      let i = 0;
      return node(
        'r:6379',
        () => 'PONG',
        ms,
        () => i++,
      );
    };
    expect(
      (
        await latencyCheck(
          slowNode(() => 0),
          20,
          quiet,
        )
      ).status,
    ).toBe('pass');
    const far = await latencyCheck(
      slowNode(() => 12),
      20,
      quiet,
    );
    expect(far).toMatchObject({ status: 'warn' });
    expect(far.summary).toMatch(/^p50 \d/);
    expect(
      (
        await latencyCheck(
          slowNode((i) => (i % 10 === 9 ? 300 : 1)),
          20,
          quiet,
        )
      ).status,
    ).toBe('fail');
  });

  it('measures clock skew against TIME and explains why it matters', async () => {
    const skewed = (offsetMs: number) =>
      node('r:6379', () => {
        const ms = Date.now() + offsetMs;
        return [String(Math.floor(ms / 1000)), String((ms % 1000) * 1000)];
      });
    expect((await clockCheck(skewed(0))).status).toBe('pass');
    const ahead = await clockCheck(skewed(30_000));
    expect(ahead).toMatchObject({ status: 'warn' });
    expect(ahead.summary).toMatch(/ahead of this host/);
    expect(ahead.reason).toMatch(/grace/);
    expect((await clockCheck(skewed(-600_000))).status).toBe('fail');
  });
});
