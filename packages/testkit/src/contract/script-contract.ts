import {
  type ContractContext,
  cmd,
  expectRejection,
  portTest,
  probeScript,
} from './contract-context.js';

/** `script`: EVALSHA with the NOSCRIPT fallback, keys and args in place, Lua's reply conversions. */
export function scriptContract(ctx: ContractContext): void {
  const { expect } = ctx;

  portTest(
    ctx,
    'a script never seen before runs (NOSCRIPT falls back to EVAL), and again',
    async (port, keys) => {
      const script = probeScript();
      const key = keys.tagged('n');
      expect(await port.script({ script, keys: [key], args: ['incr'] })).toBe(1);
      expect(await port.script({ script, keys: [key], args: ['incr'] })).toBe(2);
      expect(await port.send(cmd('GET', [key], key))).toBe('2');
    },
  );

  portTest(
    ctx,
    'replies convert as Lua converts them: arrays, integers, false → nil, true → 1',
    async (port) => {
      const script = probeScript();
      expect(await port.script({ script, keys: [], args: ['shapes'] })).toEqual([
        7,
        'text',
        3,
        null,
        1,
        ['nested', -2],
      ]);
      expect(await port.script({ script, keys: [], args: ['nil'] })).toBeNull();
      expect(await port.script({ script, keys: [], args: ['number'] })).toBe(42);
    },
  );

  portTest(ctx, 'keys and args arrive in order, numbers as strings', async (port, keys) => {
    const script = probeScript();
    const a = keys.tagged('a');
    const b = keys.tagged('b');
    expect(await port.script({ script, keys: [a, b], args: ['echo', 'x y', 17] })).toEqual([
      a,
      b,
      'x y',
      '17',
      2,
      3,
    ]);
  });

  portTest(ctx, 'a script writes through its keys', async (port, keys) => {
    const script = probeScript();
    const a = keys.tagged('string');
    const b = keys.tagged('hash');
    expect(await port.script({ script, keys: [a, b], args: ['write', 'v1', 'v2'] })).toEqual([
      'v1',
      'v2',
    ]);
    expect(await port.send(cmd('GET', [a], a))).toBe('v1');
    expect(await port.send(cmd('HGETALL', [b], b))).toEqual(['f', 'v2']);
  });

  portTest(
    ctx,
    'a script error rejects with an Error, and the port goes on',
    async (port, keys) => {
      const script = probeScript();
      const key = keys.tagged('string');
      await port.send(cmd('SET', [key], key, 'v'));
      await expectRejection(
        ctx,
        port.script({ script, keys: [], args: ['fail'] }),
        /CONTRACT deliberate failure/,
      );
      await expectRejection(
        ctx,
        port.script({ script, keys: [key], args: ['wrongtype'] }),
        /WRONGTYPE/,
      );
      expect(await port.script({ script, keys: [], args: ['number'] })).toBe(42);
    },
  );
}
