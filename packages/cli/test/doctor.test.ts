import { createNodeRedisPort } from '@sess/node-redis';
import { type RedisServer, startRedis } from '@sess/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { runSessHere, runSessHereJson, runSessJson } from './support/run-sess.js';

const servers: RedisServer[] = [];

afterAll(async () => {
  // Each stop() rejects if the doctor sent a forbidden command (CONFIG above all).
  await Promise.all(servers.map((server) => server.stop()));
});

async function server(args: string[] = []): Promise<RedisServer> {
  const started = await startRedis({ audit: true, args });
  servers.push(started);
  return started;
}

interface DoctorJson {
  status: 'pass' | 'warn' | 'fail';
  counts: { pass: number; warn: number; fail: number };
  checks: Array<{
    id: string;
    status: 'pass' | 'warn' | 'fail';
    summary: string;
    reason: string;
    fix?: string;
    details?: Record<string, unknown>;
  }>;
}

function check(json: DoctorJson, id: string) {
  const found = json.checks.find((c) => c.id === id);
  if (!found) throw new Error(`no ${id} check in ${json.checks.map((c) => c.id).join(', ')}`);
  return found;
}

describe.concurrent('sess doctor', () => {
  it('passes a sane server: noeviction, AOF on, close by, clocks in sync', async () => {
    const sane = await server(['--appendonly', 'yes', '--maxmemory-policy', 'noeviction']);
    const { code, json } = await runSessJson<DoctorJson>(['doctor', '--url', sane.url]);
    expect(code).toBe(0);
    expect(json.checks.map((c) => c.id)).toEqual([
      'redis-version',
      'eviction-policy',
      'persistence',
      'latency',
      'clock-skew',
    ]);
    expect(json.status).toBe('pass');
    expect(json.checks.every((c) => c.status === 'pass' && c.reason !== '')).toBe(true);
    expect(check(json, 'latency').details).toMatchObject({ pings: 50 });
    expect(Math.abs(check(json, 'clock-skew').details?.skewMs as number)).toBeLessThan(1_000);

    const text = await runSessHere(['doctor', '--url', sane.url, '--pings', '5']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^PASS {2}Eviction policy\s+noeviction/m);
    expect(text.stdout).toMatch(/^PASS {2}Persistence and replicas\s+AOF on, 0 replicas$/m);
    expect(text.stdout).toMatch(/over 5 PINGs/);
    // The verdict is the JSON run's above; five PINGs on a loaded test machine may show a
    // stall (a latency warning), which is not what this run checks: the text's shape.
    const tally = /^(\d) passed, (\d) warnings?, 0 failed$/m.exec(text.stdout);
    expect(Number(tally?.[1]) + Number(tally?.[2])).toBe(5);
    if (tally?.[2] !== '0') expect(text.stdout).toMatch(/^WARN {2}Round-trip latency/m);
  });

  it('warns about maxmemory-policy allkeys-lru, explaining why and what to do', async () => {
    const lru = await server(['--maxmemory-policy', 'allkeys-lru']);
    const { code, json } = await runSessJson<DoctorJson>(['doctor', '--url', lru.url]);
    expect(code).toBe(0); // warnings alone do not fail
    const eviction = check(json, 'eviction-policy');
    expect(eviction).toMatchObject({ status: 'warn', details: { policy: 'allkeys-lru' } });
    expect(eviction.reason).toMatch(/evicts any key/);
    expect(eviction.fix).toMatch(/noeviction/);

    const text = await runSessHere(['doctor', '--url', lru.url, '--pings', '5']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^WARN {2}Eviction policy\s+maxmemory-policy allkeys-lru/m);
    expect(text.stdout).toMatch(/^\s+why: allkeys-lru evicts any key/m);
    expect(text.stdout).toMatch(/^\s+fix: Set maxmemory-policy to noeviction/m);
  });

  it('fails (exit 1) once a memory limit makes the policy evict sessions', async () => {
    const limited = await server(['--maxmemory-policy', 'volatile-lru', '--maxmemory', '64mb']);
    const { code, json } = await runSessJson<DoctorJson>(['doctor', '--url', limited.url]);
    expect(code).toBe(1);
    expect(json.status).toBe('fail');
    expect(check(json, 'eviction-policy')).toMatchObject({ status: 'fail' });
    expect(check(json, 'eviction-policy').reason).toMatch(/every session hash has one/);
    expect(check(json, 'memory')).toMatchObject({ status: 'pass' });
  });

  it('checks replicas from the master, and fails on a connection to a replica', async () => {
    // No 5 s wait before the first (diskless) sync.
    const master = await server(['--repl-diskless-sync-delay', '0']);
    const replica = await server(['--replicaof', master.host, String(master.port)]);
    const port = await createNodeRedisPort({ url: master.url });
    try {
      const online = async () =>
        /slave0:.*state=online/.test(
          String(await port.send({ command: 'INFO', keys: [], args: ['replication'] })),
        );
      await expect.poll(online, { timeout: 10_000, interval: 50 }).toBe(true);
    } finally {
      await port.close();
    }
    const { json } = await runSessHereJson<DoctorJson>([
      'doctor',
      '--url',
      master.url,
      '--pings',
      '1',
    ]);
    expect(check(json, 'persistence').summary).toMatch(/1 replica to fail over to/);
    expect(check(json, 'replication').summary).toMatch(/online, lag \d+ s/);

    const onReplica = await runSessJson<DoctorJson>([
      'doctor',
      '--url',
      replica.url,
      '--pings',
      '1',
    ]);
    expect(onReplica.code).toBe(1);
    expect(check(onReplica.json, 'replication')).toMatchObject({ status: 'fail' });
    expect(check(onReplica.json, 'replication').summary).toMatch(/this is a replica of/);
  });
});
