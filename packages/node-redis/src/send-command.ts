import type { NodeRedisClient, NodeRedisCommandOptions } from './node-redis-client.js';

/**
 * `typeMapping: {}` overrides any mapping the client was given, so replies keep RESP2 shapes.
 * `timeout: 0` switches node-redis' own command timeout off (see below).
 * No `abortSignal`: node-redis would honour it only for commands not written yet, at the cost
 * of one listener per command on the caller's signal (a 16-call batch trips Node's leak
 * warning). `untilAborted` stops the wait instead, with one listener per signal.
 */
export const COMMAND_OPTIONS: NodeRedisCommandOptions = Object.freeze({
  typeMapping: {},
  // node-redis 6 gives every command a 5 s timeout by default, enforced with an
  // `AbortSignal.timeout` per command until it is written: half the CPU of an HGETALL
  // (measured in bench/peers), for nothing, since the core's deadline (1 s) covers every call.
  timeout: 0,
});

/** `client.sendCommand`, with a synchronous throw turned into a rejection. */
export function sendCommand(client: NodeRedisClient, args: readonly string[]): Promise<unknown> {
  try {
    return client.sendCommand(args, COMMAND_OPTIONS);
  } catch (error) {
    return Promise.reject(error);
  }
}
