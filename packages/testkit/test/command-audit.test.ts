import { afterEach, describe, expect, it } from 'vitest';
import {
  CommandAuditError,
  commandViolations,
  keySlot,
  type RedisServer,
  startRedis,
} from '../src/index.js';
import { RespConnection } from '../src/resp-connection.js';
import { isAlive } from './support/redis-probe.js';

const servers: RedisServer[] = [];
const connections: RespConnection[] = [];

async function audited(): Promise<{ server: RedisServer; redis: RespConnection }> {
  const server = await startRedis({ env: false, audit: true });
  servers.push(server);
  const redis = await RespConnection.open({ host: server.host, port: server.port });
  connections.push(redis);
  return { server, redis };
}

afterEach(async () => {
  await Promise.all(connections.splice(0).map((connection) => connection.close()));
  // Tests that expect violations stop their server themselves; this only cleans up.
  await Promise.allSettled(servers.splice(0).map((server) => server.stop()));
});

// Two keys known to hash to different slots.
const A = 'audit:a';
const B = 'audit:b';

describe('command audit on a live server', () => {
  it('a clean run reports no violations and counts the commands', async () => {
    const { server, redis } = await audited();
    await redis.call(['SET', '{u1}:x', '1']);
    await redis.call(['MGET', '{u1}:x', '{u1}:y']);
    await redis.call(['DEL', '{u1}:x', '{u1}:y']);
    await redis.call([
      'EVAL',
      "redis.call('SET', KEYS[1], ARGV[1]) return redis.call('GET', KEYS[2])",
      2,
      '{u1}:x',
      '{u1}:y',
      'v',
    ]);
    await redis.pipeline([
      ['HSET', 'h', 'f', 'v'],
      ['ZADD', 'z', 1, 'm'],
    ]);
    const report = await server.audit();
    expect(report.violations).toEqual([]);
    // 6 sent + the 2 the script ran.
    expect(report.commands).toBe(8);
    await expect(server.stop()).resolves.toBeUndefined();
  });

  it('reports KEYS, CONFIG GET, a cross-slot EVAL and a cross-slot DEL', async () => {
    const { server, redis } = await audited();
    expect(keySlot(A)).not.toBe(keySlot(B));
    await redis.call(['KEYS', 'audit:*']);
    await redis.call(['CONFIG', 'GET', 'maxmemory']);
    await redis.call(['EVAL', 'return 1', 2, A, B]);
    await redis.call(['DEL', A, B]);

    const { violations } = await server.audit();
    expect(violations).toHaveLength(4);
    expect(violations).toContainEqual('forbidden command: KEYS "audit:*"');
    expect(violations.some((v) => /forbidden command: CONFIG GET .*commandstats/.test(v))).toBe(
      true,
    );
    expect(violations.some((v) => v.startsWith('keys in different hash slots: EVAL'))).toBe(true);
    expect(violations.some((v) => v.startsWith('keys in different hash slots: DEL'))).toBe(true);
  });

  it('stop() rejects with the violations, after stopping the server anyway', async () => {
    const { server, redis } = await audited();
    const pid = server.pid as number;
    await redis.call(['KEYS', '*']);
    await redis.call(['KEYS', '*']);
    await redis.call(['MSET', A, '1', B, '2']);
    await redis.close();
    const failure = await server.stop().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(CommandAuditError);
    expect((failure as Error).message).toMatch(/found 2 violations/);
    expect((failure as Error).message).toMatch(/forbidden command: KEYS "\*" \(2 times\)/);
    expect((failure as CommandAuditError).report.violations[1]).toMatch(/MSET/);
    expect(isAlive(pid)).toBe(false);
  });

  it('reports the other forbidden commands: SCAN, SMEMBERS, FLUSHDB, FLUSHALL, RENAME, RENAMENX, DEBUG', async () => {
    const { server, redis } = await audited();
    await redis.call(['SET', '{r}:1', 'v']);
    const commands = [
      ['SCAN', 0],
      ['SMEMBERS', 's'],
      ['RENAME', '{r}:1', '{r}:2'],
      ['RENAMENX', '{r}:2', '{r}:3'],
      ['FLUSHDB'],
      ['FLUSHALL'],
      ['DEBUG', 'SLEEP', 0],
    ];
    // DEBUG is refused by Redis 7 by default, and still counted.
    await redis.pipeline(commands);
    const { violations } = await server.audit();
    for (const [name] of commands) {
      expect(violations.some((v) => v.startsWith(`forbidden command: ${name}`))).toBe(true);
    }
    expect(violations).toHaveLength(commands.length);
  });

  it('reports keyspace notification subscriptions, not other channels', async () => {
    const { server } = await audited();
    for (const args of [
      ['PSUBSCRIBE', '__keyevent@0__:expired'],
      ['SUBSCRIBE', '__keyspace@0__:sess:s:x'],
      ['SUBSCRIBE', 'app-events'],
    ]) {
      const subscriber = await RespConnection.open({ host: server.host, port: server.port });
      connections.push(subscriber);
      await subscriber.call(args);
    }
    const { violations } = await server.audit();
    expect(violations).toEqual([
      'keyspace notifications are forbidden: PSUBSCRIBE "__keyevent@0__:expired"',
      'keyspace notifications are forbidden: SUBSCRIBE "__keyspace@0__:sess:s:x"',
    ]);
  });

  it('reports commands a script runs on keys outside the slot of its keys', async () => {
    const { server, redis } = await audited();
    await redis.call(['EVAL', "return redis.call('SET', 'elsewhere', '1')", 1, '{t}:a']);
    await redis.call(['EVAL', "return redis.call('GET', 'undeclared')", 0]);
    await redis.call(['EVAL', "return redis.call('KEYS', '*')", 0]);
    await redis.call(['EVAL', "return redis.call('SET', KEYS[1] .. ':more', '1')", 1, '{t}:a']);
    const { violations } = await server.audit();
    expect(violations).toHaveLength(3);
    expect(violations[0]).toMatch(/a script touched a key in another hash slot.*SET "elsewhere"/);
    expect(violations[1]).toMatch(/a script touched a key it did not declare.*GET "undeclared"/);
    expect(violations[2]).toBe('forbidden command: KEYS "*" (run by a script)');
  });

  it('keeps watching across kill() and restart()', async () => {
    const { server, redis } = await audited();
    await redis.call(['KEYS', 'before']);
    await redis.close();
    await server.kill();
    await server.restart();
    const again = await RespConnection.open({ host: server.host, port: server.port });
    connections.push(again);
    await again.call(['CONFIG', 'GET', 'save']);
    await again.call(['SMEMBERS', 'after']);
    const { violations } = await server.audit();
    expect(violations).toHaveLength(3);
    expect(violations[0]).toBe('forbidden command: KEYS "before"');
  });

  it('waits for MONITOR to catch up: a command sent just before audit() is in it', async () => {
    const { server, redis } = await audited();
    const many = Array.from({ length: 2_000 }, (_, i) => ['SET', `k${i}`, 'v'] as const);
    await redis.pipeline([...many, ['KEYS', 'last']]);
    const report = await server.audit();
    expect(report.commands).toBe(2_001);
    expect(report.violations).toEqual(['forbidden command: KEYS "last"']);
  });
});

describe('commandViolations', () => {
  it('knows where the keys of multi-key commands are', () => {
    expect(commandViolations(['MGET', A, B])).toHaveLength(1);
    expect(commandViolations(['MSET', '{x}1', A, '{x}2', B])).toEqual([]);
    expect(commandViolations(['MSET', A, '{x}', B, '{x}'])).toHaveLength(1);
    expect(commandViolations(['EXISTS', A, B])).toHaveLength(1);
    expect(commandViolations(['UNLINK', A, B])).toHaveLength(1);
    expect(commandViolations(['TOUCH', A])).toEqual([]);
    expect(commandViolations(['EVALSHA', 'sha', '2', '{s}a', '{s}b', A, B])).toEqual([]);
    expect(commandViolations(['FCALL', 'f', '2', A, B])).toHaveLength(1);
    expect(commandViolations(['XREAD', 'COUNT', '1', 'STREAMS', A, B, '0-0', '0-0'])).toHaveLength(
      1,
    );
    expect(commandViolations(['XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', A, '>'])).toEqual([]);
    expect(commandViolations(['ZUNIONSTORE', '{z}d', '2', '{z}a', '{z}b'])).toEqual([]);
    expect(commandViolations(['ZUNIONSTORE', A, '2', '{z}a', '{z}b'])).toHaveLength(1);
    expect(commandViolations(['SINTER', A, B])).toHaveLength(1);
    // One-key commands cannot cross slots, whatever their arguments look like.
    expect(commandViolations(['HSET', A, B, 'v'])).toEqual([]);
  });

  it('matches command names in any case', () => {
    expect(commandViolations(['keys', '*'])).toEqual(['forbidden command: KEYS "*"']);
    expect(commandViolations(['psubscribe', '__key*__:*'])).toHaveLength(1);
  });
});
