import { type ContractContext, cmd, portTest, probeScript } from './contract-context.js';

/** `batch`: one round trip, results in call order, a failed call is an Error in its slot. */
export function batchContract(ctx: ContractContext): void {
  const { expect } = ctx;

  portTest(
    ctx,
    'results come in order; an error reply stands as an Error in its slot',
    async (port, keys) => {
      const text = keys.key('text');
      const counter = keys.key('counter');
      const results = await port.batch([
        cmd('SET', [text], text, 'v'),
        cmd('GET', [text], text),
        cmd('HGETALL', [text], text),
        cmd('INCR', [counter], counter),
        cmd('GET', [keys.key('missing')], keys.key('missing')),
        cmd('ZRANGEBYSCORE', [keys.key('none')], keys.key('none'), '-inf', '+inf'),
      ]);
      expect(results).toHaveLength(6);
      expect(results[0]).toBe('OK');
      expect(results[1]).toBe('v');
      expect(results[2]).toBeInstanceOf(Error);
      expect((results[2] as Error).message).toMatch(/WRONGTYPE/);
      expect(results[3]).toBe(1);
      expect(results[4]).toBeNull();
      expect(results[5]).toEqual([]);
    },
  );

  portTest(
    ctx,
    'commands and scripts mix (a script never seen before included)',
    async (port, keys) => {
      const script = probeScript();
      const a = keys.tagged('a');
      const b = keys.tagged('b');
      const results = await port.batch([
        cmd('SET', [keys.key('x')], keys.key('x'), '1'),
        { script, keys: [a, b], args: ['write', 'v1', 'v2'] },
        { script, keys: [], args: ['fail'] },
        cmd('GET', [a], a),
        { script, keys: [], args: ['shapes'] },
      ]);
      expect(results).toHaveLength(5);
      expect(results[0]).toBe('OK');
      expect(results[1]).toEqual(['v1', 'v2']);
      expect(results[2]).toBeInstanceOf(Error);
      expect((results[2] as Error).message).toMatch(/CONTRACT deliberate failure/);
      expect(results[3]).toBe('v1');
      expect(results[4]).toEqual([7, 'text', 3, null, 1, ['nested', -2]]);
    },
  );

  portTest(
    ctx,
    'calls take effect in order, even when a script must be loaded first',
    async (port, keys) => {
      const script = probeScript();
      const key = keys.tagged('n');
      // A port that retried NOSCRIPT scripts after the rest of the pipeline would run the GETs
      // before the INCRs: each GET must see the INCR before it.
      const results = await port.batch([
        { script, keys: [key], args: ['incr'] },
        cmd('GET', [key], key),
        { script, keys: [key], args: ['incr'] },
        cmd('GET', [key], key),
      ]);
      expect(results).toEqual([1, '1', 2, '2']);
    },
  );

  portTest(ctx, 'an empty batch returns []', async (port) => {
    expect(await port.batch([])).toEqual([]);
  });
}
