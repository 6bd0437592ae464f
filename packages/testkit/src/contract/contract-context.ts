import { randomBytes } from 'node:crypto';
import type { RedisPort } from '@sess/core';
import { defineScript } from '@sess/core/internal';
import type { CommandCall, LuaScript, RedisArg } from '@sess/core/port';

/**
 * The parts of vitest's `expect` the contract uses, typed structurally so the testkit does
 * not import vitest at runtime (it is an optional peer). Vitest's `expect` fits it.
 */
export interface ContractAssertion {
  toBe(expected: unknown): void;
  toEqual(expected: unknown): void;
  toBeNull(): void;
  toBeInstanceOf(expected: unknown): void;
  toMatch(expected: string | RegExp): void;
  toBeGreaterThan(expected: number): void;
  toBeLessThanOrEqual(expected: number): void;
  toHaveLength(length: number): void;
  readonly not: ContractAssertion;
}
export type ContractExpect = (actual: unknown) => ContractAssertion;
/** Vitest's `it` (or `test`) fits it. */
export type ContractIt = (name: string, body: () => Promise<void>, timeout?: number) => void;
/** Vitest's `describe` fits it. */
export type ContractDescribe = (name: string, body: () => void) => void;

export interface ContractContext {
  readonly it: ContractIt;
  readonly expect: ContractExpect;
  readonly describe: ContractDescribe;
  readonly createPort: () => RedisPort | Promise<RedisPort>;
  readonly timeout: number | undefined;
}

/** Key names unique to one test, so tests never see each other's data and nothing is flushed. */
export interface TestKeys {
  /** A key of its own: `contract:<random>:<name>`. */
  key(name: string): string;
  /** A key in the test's hash-tag slot, for several keys in one script: `contract:{<random>}:<name>`. */
  tagged(name: string): string;
  /** The random part, usable as a store prefix. */
  readonly id: string;
}

export function newTestKeys(): TestKeys {
  const id = randomBytes(6).toString('hex');
  return {
    id,
    key: (name) => `contract:${id}:${name}`,
    tagged: (name) => `contract:{${id}}:${name}`,
  };
}

/** A test that gets a fresh port (closed afterwards, even on failure) and its own keys. */
export function portTest(
  ctx: ContractContext,
  name: string,
  body: (port: RedisPort, keys: TestKeys) => Promise<void>,
): void {
  ctx.it(
    name,
    async () => {
      const port = await ctx.createPort();
      try {
        await body(port, newTestKeys());
      } finally {
        await port.close();
      }
    },
    ctx.timeout,
  );
}

/** A command call: `keys` are the arguments that are keys (listed separately, as ports route by them). */
export function cmd(command: string, keys: readonly string[], ...args: RedisArg[]): CommandCall {
  return { command, keys, args };
}

/** Expects `promise` to reject with an `Error` whose message matches `pattern`. */
export async function expectRejection(
  ctx: ContractContext,
  promise: Promise<unknown>,
  pattern: RegExp,
): Promise<void> {
  let failure: unknown = 'resolved, no rejection';
  try {
    await promise;
  } catch (error) {
    failure = error;
  }
  ctx.expect(failure).toBeInstanceOf(Error);
  ctx.expect((failure as Error).message).toMatch(pattern);
}

/**
 * A script no server has seen (a random comment changes its SHA1), so its first call must
 * get NOSCRIPT and fall back to EVAL. ARGV[1] picks what it does. The emulation mirrors the
 * Lua line by line, for the memory port.
 */
export function probeScript(): LuaScript {
  const nonce = randomBytes(8).toString('hex');
  return defineScript(
    `contract_probe_${nonce}`,
    `-- sess contract probe ${nonce}
local mode = ARGV[1]
if mode == 'shapes' then
  return {7, 'text', 3.99, false, true, {'nested', -2}}
elseif mode == 'nil' then
  return nil
elseif mode == 'number' then
  return 42
elseif mode == 'echo' then
  return {KEYS[1], KEYS[2], ARGV[2], ARGV[3], #KEYS, #ARGV}
elseif mode == 'write' then
  redis.call('SET', KEYS[1], ARGV[2])
  redis.call('HSET', KEYS[2], 'f', ARGV[3])
  return {redis.call('GET', KEYS[1]), redis.call('HGET', KEYS[2], 'f')}
elseif mode == 'incr' then
  return redis.call('INCR', KEYS[1])
elseif mode == 'fail' then
  return redis.error_reply('CONTRACT deliberate failure')
elseif mode == 'wrongtype' then
  return redis.call('HGETALL', KEYS[1])
end
return redis.error_reply('CONTRACT unknown mode')`,
    (call, keys, args) => {
      const mode = args[0];
      if (mode === 'shapes') return [7, 'text', 3, null, 1, ['nested', -2]];
      if (mode === 'nil') return null;
      if (mode === 'number') return 42;
      if (mode === 'echo') {
        return [
          keys[0] as string,
          keys[1] as string,
          args[1] as string,
          args[2] as string,
          keys.length,
          args.length,
        ];
      }
      if (mode === 'write') {
        call('SET', keys[0] as string, args[1] as string);
        call('HSET', keys[1] as string, 'f', args[2] as string);
        return [call('GET', keys[0] as string), call('HGET', keys[1] as string, 'f')];
      }
      if (mode === 'incr') return call('INCR', keys[0] as string);
      if (mode === 'fail') throw new Error('CONTRACT deliberate failure');
      if (mode === 'wrongtype') return call('HGETALL', keys[0] as string);
      throw new Error('CONTRACT unknown mode');
    },
  );
}
