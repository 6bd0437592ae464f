import type { RedisPort } from '@sess/core';
import type { RedisReply } from '@sess/core/port';
import { type ContractContext, cmd, expectRejection, portTest } from './contract-context.js';

const STREAM_ID = /^\d+-\d+$/;

/** Streams, as the cleaner's events and their subscribers use them. */
export function streamContract(ctx: ContractContext): void {
  const { expect } = ctx;

  portTest(ctx, 'XADD MAXLEN ~ with * ids, XLEN, XRANGE', async (port, keys) => {
    const key = keys.key('events');
    const first = await port.send(cmd('XADD', [key], key, 'MAXLEN', '~', 1000, '*', 'type', 'a'));
    const second = await port.send(
      cmd('XADD', [key], key, 'MAXLEN', '~', 1000, '*', 'type', 'b', 'id', 'x'),
    );
    expect(first).toMatch(STREAM_ID);
    expect(second).toMatch(STREAM_ID);
    expect(compareIds(String(first), String(second))).toBe(-1);
    expect(await port.send(cmd('XLEN', [key], key))).toBe(2);
    expect(await port.send(cmd('XLEN', [keys.key('none')], keys.key('none')))).toBe(0);
    expect(await port.send(cmd('XRANGE', [key], key, '-', '+'))).toEqual([
      [first, ['type', 'a']],
      [second, ['type', 'b', 'id', 'x']],
    ]);
    expect(await port.send(cmd('XRANGE', [key], key, '-', '+', 'COUNT', 1))).toEqual([
      [first, ['type', 'a']],
    ]);
    expect(await port.send(cmd('XRANGE', [key], key, `(${first}`, '+'))).toEqual([
      [second, ['type', 'b', 'id', 'x']],
    ]);
  });

  portTest(ctx, 'XGROUP CREATE $ MKSTREAM, and BUSYGROUP on repeat', async (port, keys) => {
    const key = keys.key('events');
    expect(await port.send(cmd('XGROUP', [key], 'CREATE', key, 'g', '$', 'MKSTREAM'))).toBe('OK');
    expect(await port.send(cmd('XLEN', [key], key))).toBe(0);
    await expectRejection(
      ctx,
      port.send(cmd('XGROUP', [key], 'CREATE', key, 'g', '$', 'MKSTREAM')),
      /BUSYGROUP/,
    );
  });

  portTest(ctx, 'XREADGROUP >, XACK, XPENDING summary', async (port, keys) => {
    const key = keys.key('events');
    await port.send(cmd('XGROUP', [key], 'CREATE', key, 'g', '$', 'MKSTREAM'));
    const readGroup = cmd(
      'XREADGROUP',
      [key],
      'GROUP',
      'g',
      'c1',
      'COUNT',
      10,
      'STREAMS',
      key,
      '>',
    );
    expect(await port.send(readGroup)).toBeNull();
    expect(await port.send(cmd('XPENDING', [key], key, 'g'))).toEqual([0, null, null, null]);

    const a = await port.send(cmd('XADD', [key], key, '*', 'n', '1'));
    const b = await port.send(cmd('XADD', [key], key, '*', 'n', '2'));
    expect(await port.send(readGroup)).toEqual([
      [
        key,
        [
          [a, ['n', '1']],
          [b, ['n', '2']],
        ],
      ],
    ]);
    expect(await port.send(readGroup)).toBeNull();
    expect(await port.send(cmd('XPENDING', [key], key, 'g'))).toEqual([2, a, b, [['c1', '2']]]);

    expect(await port.send(cmd('XACK', [key], key, 'g', String(a)))).toBe(1);
    expect(await port.send(cmd('XACK', [key], key, 'g', String(a)))).toBe(0);
    expect(await port.send(cmd('XPENDING', [key], key, 'g'))).toEqual([1, b, b, [['c1', '1']]]);
  });

  portTest(
    ctx,
    'XREADGROUP COUNT limits, XAUTOCLAIM hands pending entries to another consumer',
    async (port, keys) => {
      const key = keys.key('events');
      await port.send(cmd('XGROUP', [key], 'CREATE', key, 'g', '$', 'MKSTREAM'));
      const a = await port.send(cmd('XADD', [key], key, '*', 'n', '1'));
      const b = await port.send(cmd('XADD', [key], key, '*', 'n', '2'));
      expect(
        await port.send(
          cmd('XREADGROUP', [key], 'GROUP', 'g', 'c1', 'COUNT', 1, 'STREAMS', key, '>'),
        ),
      ).toEqual([[key, [[a, ['n', '1']]]]]);

      expect(
        await port.send(cmd('XAUTOCLAIM', [key], key, 'g', 'c2', 0, '0-0', 'COUNT', 10)),
      ).toEqual(['0-0', [[a, ['n', '1']]], []]);
      expect(await port.send(cmd('XPENDING', [key], key, 'g'))).toEqual([1, a, a, [['c2', '1']]]);
      // A long min-idle-time claims nothing.
      expect(
        await port.send(cmd('XAUTOCLAIM', [key], key, 'g', 'c3', 3_600_000, '0-0', 'COUNT', 10)),
      ).toEqual(['0-0', [], []]);
      expect(
        await port.send(
          cmd('XREADGROUP', [key], 'GROUP', 'g', 'c1', 'COUNT', 5, 'STREAMS', key, '>'),
        ),
      ).toEqual([[key, [[b, ['n', '2']]]]]);
    },
  );

  portTest(ctx, 'XREAD COUNT from an id, null when nothing is newer', async (port, keys) => {
    const key = keys.key('events');
    const a = await port.send(cmd('XADD', [key], key, '*', 'n', '1'));
    const b = await port.send(cmd('XADD', [key], key, '*', 'n', '2'));
    const c = await port.send(cmd('XADD', [key], key, '*', 'n', '3'));
    expect(await port.send(cmd('XREAD', [key], 'COUNT', 2, 'STREAMS', key, '0-0'))).toEqual([
      [
        key,
        [
          [a, ['n', '1']],
          [b, ['n', '2']],
        ],
      ],
    ]);
    expect(await port.send(cmd('XREAD', [key], 'COUNT', 10, 'STREAMS', key, String(a)))).toEqual([
      [
        key,
        [
          [b, ['n', '2']],
          [c, ['n', '3']],
        ],
      ],
    ]);
    expect(await port.send(cmd('XREAD', [key], 'COUNT', 10, 'STREAMS', key, String(c)))).toBeNull();
  });

  portTest(
    ctx,
    'dedicated(): XREAD BLOCK $ resolves when another port XADDs',
    async (port, keys) => {
      const key = keys.key('events');
      await port.send(cmd('XADD', [key], key, '*', 'n', 'before'));
      const reader = await port.dedicated();
      try {
        const read = reader.send(cmd('XREAD', [key], 'BLOCK', 2_000, 'STREAMS', key, '$'));
        const added = await addUntilRead(ctx, port, key, read);
        const reply = await read;
        expect(reply).toEqual([[key, [[added.find((id) => hasEntry(reply, id)), ['n', 'after']]]]]);
      } finally {
        await reader.close();
      }
    },
  );

  portTest(
    ctx,
    'dedicated(): a blocked read does not delay commands on the main port',
    async (port, keys) => {
      const key = keys.key('events');
      const other = keys.key('other');
      const reader = await port.dedicated();
      try {
        const read = reader.send(cmd('XREAD', [key], 'BLOCK', 2_000, 'STREAMS', key, '$'));
        const settled = settledFlag(read);
        const started = Date.now();
        expect(await port.send(cmd('SET', [other], other, 'v'))).toBe('OK');
        expect(await port.send(cmd('GET', [other], other))).toBe('v');
        expect(Date.now() - started).toBeLessThanOrEqual(1_000);
        expect(settled()).toBe(false);
        // Ends the read now rather than at its timeout.
        const added = await addUntilRead(ctx, port, key, read);
        const reply = await read;
        expect(reply).toEqual([[key, [[added.find((id) => hasEntry(reply, id)), ['n', 'after']]]]]);
      } finally {
        await reader.close();
      }
    },
  );
}

/**
 * XADDs until a blocked `XREAD ... $` on another connection answers, and returns the ids added.
 * One XADD is not enough: nothing orders two connections, so the first XADD may reach the
 * server before the XREAD does and so be older than its `$`. Each XADD is a round trip, which
 * gives the read time to arrive without sleeping.
 */
async function addUntilRead(
  ctx: ContractContext,
  port: RedisPort,
  key: string,
  read: Promise<RedisReply>,
): Promise<string[]> {
  const settled = settledFlag(read);
  const added: string[] = [];
  const deadline = Date.now() + 1_500;
  do {
    added.push(String(await port.send(cmd('XADD', [key], key, '*', 'n', 'after'))));
  } while (!settled() && Date.now() < deadline);
  ctx.expect(added.length).toBeGreaterThan(0);
  return added;
}

function settledFlag(promise: Promise<unknown>): () => boolean {
  let settled = false;
  const done = (): void => {
    settled = true;
  };
  promise.then(done, done);
  return () => settled;
}

function hasEntry(reply: RedisReply, id: string): boolean {
  return JSON.stringify(reply).includes(JSON.stringify(id));
}

function compareIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(BigInt) as [bigint, bigint];
  const [bm, bs] = b.split('-').map(BigInt) as [bigint, bigint];
  if (am !== bm) return am < bm ? -1 : 1;
  if (as !== bs) return as < bs ? -1 : 1;
  return 0;
}
