import type { RedisReply } from '@sess/core/port';
import { type ContractContext, cmd, expectRejection, portTest } from './contract-context.js';

/** `send`: the commands sess uses, with the exact RESP2 replies Redis gives. */
export function commandContract(ctx: ContractContext): void {
  const { expect } = ctx;

  portTest(ctx, 'SET, GET, GET of a missing key', async (port, keys) => {
    const key = keys.key('string');
    expect(await port.send(cmd('SET', [key], key, 'value'))).toBe('OK');
    expect(await port.send(cmd('GET', [key], key))).toBe('value');
    expect(await port.send(cmd('GET', [keys.key('missing')], keys.key('missing')))).toBeNull();
  });

  portTest(ctx, 'SET of a non-ASCII value reads back unchanged', async (port, keys) => {
    const key = keys.key('utf8');
    const value = 'héllo wörld ✓ 🗝 "quoted" \\ \r\n\t';
    await port.send(cmd('SET', [key], key, value));
    expect(await port.send(cmd('GET', [key], key))).toBe(value);
  });

  portTest(ctx, 'SET NX PX: only the first one sets', async (port, keys) => {
    const key = keys.key('lease');
    expect(await port.send(cmd('SET', [key], key, 'a', 'NX', 'PX', 10_000))).toBe('OK');
    expect(await port.send(cmd('SET', [key], key, 'b', 'NX', 'PX', 10_000))).toBeNull();
    expect(await port.send(cmd('GET', [key], key))).toBe('a');
    const ttl = (await port.send(cmd('PTTL', [key], key))) as number;
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(10_000);
  });

  portTest(
    ctx,
    'HSET, HGETALL (flat field/value array), HGETALL of a missing key',
    async (port, keys) => {
      const key = keys.key('hash');
      expect(await port.send(cmd('HSET', [key], key, 'a', '1', 'b', 'two'))).toBe(2);
      expect(await port.send(cmd('HSET', [key], key, 'b', '2', 'c', '3'))).toBe(1);
      const all = await port.send(cmd('HGETALL', [key], key));
      expect(Array.isArray(all)).toBe(true);
      expect(pairs(all)).toEqual([
        ['a', '1'],
        ['b', '2'],
        ['c', '3'],
      ]);
      expect(await port.send(cmd('HGETALL', [keys.key('none')], keys.key('none')))).toEqual([]);
    },
  );

  portTest(ctx, 'HMGET with missing fields, HGET, HDEL, HINCRBY', async (port, keys) => {
    const key = keys.key('hash');
    await port.send(cmd('HSET', [key], key, 'a', '1', 'b', '2'));
    expect(await port.send(cmd('HMGET', [key], key, 'a', 'nope', 'b'))).toEqual(['1', null, '2']);
    expect(await port.send(cmd('HMGET', [keys.key('none')], keys.key('none'), 'a'))).toEqual([
      null,
    ]);
    expect(await port.send(cmd('HGET', [key], key, 'b'))).toBe('2');
    expect(await port.send(cmd('HGET', [key], key, 'nope'))).toBeNull();
    expect(await port.send(cmd('HINCRBY', [key], key, 'n', 5))).toBe(5);
    expect(await port.send(cmd('HINCRBY', [key], key, 'n', -2))).toBe(3);
    expect(await port.send(cmd('HDEL', [key], key, 'a', 'nope'))).toBe(1);
    expect(await port.send(cmd('HLEN', [key], key))).toBe(2);
  });

  portTest(ctx, 'INCR, EXISTS, DEL', async (port, keys) => {
    const key = keys.key('counter');
    expect(await port.send(cmd('INCR', [key], key))).toBe(1);
    expect(await port.send(cmd('INCR', [key], key))).toBe(2);
    expect(await port.send(cmd('GET', [key], key))).toBe('2');
    expect(await port.send(cmd('EXISTS', [key], key))).toBe(1);
    expect(await port.send(cmd('EXISTS', [keys.key('none')], keys.key('none')))).toBe(0);
    expect(await port.send(cmd('DEL', [key], key))).toBe(1);
    expect(await port.send(cmd('DEL', [key], key))).toBe(0);
    expect(await port.send(cmd('EXISTS', [key], key))).toBe(0);
  });

  portTest(
    ctx,
    'PEXPIREAT, PEXPIRETIME, PTTL (-1 without TTL, -2 when missing), GT',
    async (port, keys) => {
      const key = keys.key('expiring');
      const missing = keys.key('missing');
      await port.send(cmd('SET', [key], key, 'v'));
      expect(await port.send(cmd('PTTL', [key], key))).toBe(-1);
      expect(await port.send(cmd('PEXPIRETIME', [key], key))).toBe(-1);
      expect(await port.send(cmd('PTTL', [missing], missing))).toBe(-2);
      expect(await port.send(cmd('PEXPIRETIME', [missing], missing))).toBe(-2);
      expect(await port.send(cmd('PEXPIREAT', [missing], missing, Date.now() + 60_000))).toBe(0);

      // GT treats "no TTL" as infinite: it never sets a first TTL (sess relies on this).
      const at = Date.now() + 60_000;
      expect(await port.send(cmd('PEXPIREAT', [key], key, at, 'GT'))).toBe(0);
      expect(await port.send(cmd('PTTL', [key], key))).toBe(-1);

      expect(await port.send(cmd('PEXPIREAT', [key], key, at))).toBe(1);
      expect(await port.send(cmd('PEXPIRETIME', [key], key))).toBe(at);
      const ttl = (await port.send(cmd('PTTL', [key], key))) as number;
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(60_000);

      expect(await port.send(cmd('PEXPIREAT', [key], key, at - 1_000, 'GT'))).toBe(0);
      expect(await port.send(cmd('PEXPIRETIME', [key], key))).toBe(at);
      expect(await port.send(cmd('PEXPIREAT', [key], key, at + 1_000, 'GT'))).toBe(1);
      expect(await port.send(cmd('PEXPIRETIME', [key], key))).toBe(at + 1_000);
    },
  );

  portTest(ctx, 'a PEXPIREAT in the past deletes the key', async (port, keys) => {
    const key = keys.key('gone');
    await port.send(cmd('SET', [key], key, 'v'));
    expect(await port.send(cmd('PEXPIREAT', [key], key, Date.now() - 1_000))).toBe(1);
    expect(await port.send(cmd('GET', [key], key))).toBeNull();
    expect(await port.send(cmd('EXISTS', [key], key))).toBe(0);
  });

  portTest(ctx, 'ZADD (plain, XX, GT), ZSCORE, ZCARD', async (port, keys) => {
    const key = keys.key('zset');
    const at = 1_700_000_000_123;
    expect(await port.send(cmd('ZADD', [key], key, 1, 'a', 2, 'b'))).toBe(2);
    expect(await port.send(cmd('ZADD', [key], key, at, 'c'))).toBe(1);
    expect(await port.send(cmd('ZSCORE', [key], key, 'c'))).toBe('1700000000123');
    expect(await port.send(cmd('ZADD', [key], key, 1.5, 'a'))).toBe(0);
    expect(await port.send(cmd('ZSCORE', [key], key, 'a'))).toBe('1.5');
    expect(await port.send(cmd('ZSCORE', [key], key, 'nope'))).toBeNull();

    // XX: updates existing members only, never adds.
    expect(await port.send(cmd('ZADD', [key], key, 'XX', 5, 'new'))).toBe(0);
    expect(await port.send(cmd('ZSCORE', [key], key, 'new'))).toBeNull();
    expect(await port.send(cmd('ZADD', [key], key, 'XX', 3, 'a'))).toBe(0);
    expect(await port.send(cmd('ZSCORE', [key], key, 'a'))).toBe('3');

    // GT: only raises a score.
    expect(await port.send(cmd('ZADD', [key], key, 'GT', 1, 'b'))).toBe(0);
    expect(await port.send(cmd('ZSCORE', [key], key, 'b'))).toBe('2');
    expect(await port.send(cmd('ZADD', [key], key, 'GT', 4, 'b'))).toBe(0);
    expect(await port.send(cmd('ZSCORE', [key], key, 'b'))).toBe('4');
    expect(await port.send(cmd('ZADD', [key], key, 'XX', 'GT', 9, 'b'))).toBe(0);
    expect(await port.send(cmd('ZSCORE', [key], key, 'b'))).toBe('9');

    expect(await port.send(cmd('ZCARD', [key], key))).toBe(3);
    expect(await port.send(cmd('ZCARD', [keys.key('none')], keys.key('none')))).toBe(0);
  });

  portTest(ctx, 'ZCOUNT with inclusive and exclusive (min bounds', async (port, keys) => {
    const key = keys.key('zset');
    await port.send(cmd('ZADD', [key], key, 10, 'a', 20, 'b', 30, 'c'));
    expect(await port.send(cmd('ZCOUNT', [key], key, '-inf', '+inf'))).toBe(3);
    expect(await port.send(cmd('ZCOUNT', [key], key, 20, '+inf'))).toBe(2);
    expect(await port.send(cmd('ZCOUNT', [key], key, '(20', '+inf'))).toBe(1);
    expect(await port.send(cmd('ZCOUNT', [key], key, '(10', '(30'))).toBe(1);
    expect(await port.send(cmd('ZCOUNT', [keys.key('none')], keys.key('none'), 0, '+inf'))).toBe(0);
  });

  portTest(
    ctx,
    'ZRANGE BYSCORE LIMIT (with and without WITHSCORES), ZRANGEBYSCORE',
    async (port, keys) => {
      const key = keys.key('zset');
      await port.send(cmd('ZADD', [key], key, 10, 'a', 20, 'b', 30, 'c', 40, 'd'));
      expect(
        await port.send(cmd('ZRANGE', [key], key, '(10', '+inf', 'BYSCORE', 'LIMIT', 0, 2)),
      ).toEqual(['b', 'c']);
      expect(
        await port.send(cmd('ZRANGE', [key], key, '-inf', 30, 'BYSCORE', 'LIMIT', 1, 10)),
      ).toEqual(['b', 'c']);
      expect(
        await port.send(
          cmd('ZRANGE', [key], key, 20, '+inf', 'BYSCORE', 'LIMIT', 0, 2, 'WITHSCORES'),
        ),
      ).toEqual(['b', '20', 'c', '30']);
      expect(
        await port.send(cmd('ZRANGE', [key], key, '(40', '+inf', 'BYSCORE', 'LIMIT', 0, 10)),
      ).toEqual([]);
      expect(await port.send(cmd('ZRANGEBYSCORE', [key], key, '-inf', 25, 'LIMIT', 0, 10))).toEqual(
        ['a', 'b'],
      );
      expect(await port.send(cmd('ZRANGEBYSCORE', [key], key, '-inf', 35, 'LIMIT', 0, 1))).toEqual([
        'a',
      ]);
      expect(
        await port.send(cmd('ZRANGEBYSCORE', [keys.key('none')], keys.key('none'), '-inf', '+inf')),
      ).toEqual([]);
    },
  );

  portTest(ctx, 'ZREMRANGEBYSCORE, ZREM, ZPOPMIN', async (port, keys) => {
    const key = keys.key('zset');
    await port.send(cmd('ZADD', [key], key, 10, 'a', 20, 'b', 30, 'c', 40, 'd', 50, 'e'));
    expect(await port.send(cmd('ZREMRANGEBYSCORE', [key], key, '-inf', 20))).toBe(2);
    expect(await port.send(cmd('ZREMRANGEBYSCORE', [key], key, '-inf', 20))).toBe(0);
    expect(await port.send(cmd('ZREM', [key], key, 'c'))).toBe(1);
    expect(await port.send(cmd('ZREM', [key], key, 'c'))).toBe(0);
    expect(await port.send(cmd('ZPOPMIN', [key], key))).toEqual(['d', '40']);
    expect(await port.send(cmd('ZPOPMIN', [key], key, 5))).toEqual(['e', '50']);
    expect(await port.send(cmd('ZPOPMIN', [key], key))).toEqual([]);
    expect(await port.send(cmd('EXISTS', [key], key))).toBe(0);
  });

  portTest(
    ctx,
    'WAIT, routed by the key just written (not in its args), answers a count',
    async (port, keys) => {
      const key = keys.key('written');
      await port.send(cmd('SET', [key], key, 'v'));
      // `keys` carries the key only to route WAIT to the connection that took the write.
      const acknowledged = await port.send({ command: 'WAIT', keys: [key], args: [0, 100] });
      expect(typeof acknowledged).toBe('number');
    },
  );

  portTest(ctx, 'an error reply rejects with an Error (WRONGTYPE)', async (port, keys) => {
    const key = keys.key('string');
    await port.send(cmd('SET', [key], key, 'v'));
    await expectRejection(ctx, port.send(cmd('HGETALL', [key], key)), /WRONGTYPE/);
    await expectRejection(ctx, port.send(cmd('ZADD', [key], key, 1, 'm')), /WRONGTYPE/);
    // The port is still usable after an error.
    expect(await port.send(cmd('GET', [key], key))).toBe('v');
  });
}

/** `[f1, v1, f2, v2]` as sorted pairs: Redis does not promise an order for HGETALL. */
function pairs(reply: RedisReply): Array<[RedisReply, RedisReply]> {
  const flat = Array.isArray(reply) ? reply : [];
  const out: Array<[RedisReply, RedisReply]> = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    out.push([flat[i] as RedisReply, flat[i + 1] as RedisReply]);
  }
  return out.sort((a, b) => String(a[0]).localeCompare(String(b[0])));
}
