import { createHash } from 'node:crypto';
import type { RedisArg, RedisReply } from './redis-port.js';

/** A Lua script that sess runs on Redis. Ports send `EVALSHA sha1`, or `EVAL source` on NOSCRIPT. */
export interface LuaScript {
  readonly name: string;
  readonly source: string;
  readonly sha1: string;
}

/**
 * What a script emulation may do: the same as `redis.call` in Lua, on the memory port's data.
 * Keeping the emulation a line-by-line mirror of the Lua keeps the two easy to compare.
 */
export type RedisCallFn = (command: string, ...args: RedisArg[]) => RedisReply;
export type ScriptEmulation = (
  call: RedisCallFn,
  keys: readonly string[],
  args: readonly string[],
) => RedisReply;

const emulations = new Map<string, ScriptEmulation>();

export function defineScript(name: string, source: string, emulate: ScriptEmulation): LuaScript {
  const sha1 = createHash('sha1').update(source).digest('hex');
  emulations.set(sha1, emulate);
  return Object.freeze({ name, source, sha1 });
}

/** The memory port's way to run a script core defined. */
export function emulationOf(sha1: string): ScriptEmulation | undefined {
  return emulations.get(sha1);
}
