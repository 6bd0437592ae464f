import type { CommandCall, RedisPort, RedisReply } from '@sess/core/port';
import { type ContractContext, cmd, portTest } from './contract-context.js';

/** What `sendWith` did: its reply or error, and whether it called back before returning. */
interface Answer {
  readonly reply?: RedisReply;
  readonly error?: unknown;
  readonly sync: boolean;
  readonly calls: number;
}

/** `port.sendWith`, waiting a turn after the first answer to see a second one. */
function answerOf(port: RedisPort, call: CommandCall): Promise<Answer> {
  const sendWith = port.sendWith?.bind(port);
  if (sendWith === undefined) throw new Error('the port has no sendWith');
  return new Promise((resolve) => {
    let returned = false;
    let calls = 0;
    const answered = (outcome: { reply?: RedisReply; error?: unknown }) => {
      calls++;
      const sync = !returned;
      setImmediate(() => resolve({ ...outcome, sync, calls }));
    };
    sendWith(
      call,
      (reply) => answered({ reply }),
      (error) => answered({ error }),
    );
    returned = true;
  });
}

/**
 * `sendWith`, for ports that offer it (it is optional): the replies of `send`, an error reply as
 * an `Error`, exactly one callback, never before it returns. A port without it passes.
 */
export function sendWithContract(ctx: ContractContext): void {
  const { expect } = ctx;

  portTest(ctx, 'answers as send does: HGETALL, a write, an error reply', async (port, keys) => {
    if (port.sendWith === undefined) return;
    const key = keys.key('hash');
    expect(await answerOf(port, cmd('HGETALL', [key], key))).toEqual({
      reply: [],
      sync: false,
      calls: 1,
    });
    expect(await answerOf(port, cmd('HSET', [key], key, 'a', '1'))).toEqual({
      reply: 1,
      sync: false,
      calls: 1,
    });
    for (let i = 0; i < 2; i++) {
      const read = await answerOf(port, cmd('HGETALL', [key], key));
      expect(read).toEqual({ reply: ['a', '1'], sync: false, calls: 1 });
    }
    const list = keys.key('list');
    await port.send(cmd('RPUSH', [list], list, 'x'));
    const wrong = await answerOf(port, cmd('HGETALL', [list], list));
    expect(wrong.sync).toBe(false);
    expect(wrong.calls).toBe(1);
    expect(wrong.error).toBeInstanceOf(Error);
    expect(String((wrong.error as Error).message)).toMatch(/WRONGTYPE/);
  });
}
