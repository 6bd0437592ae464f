import type { NodeRedisClient, NodeRedisCommandOptions } from './node-redis-client.js';

/**
 * `timeout: 0` switches node-redis' own command timeout off: node-redis 6 gives every command a
 * 5 s timeout by default, enforced with an `AbortSignal.timeout` per command until it is
 * written, a large share of an HGETALL's CPU, for nothing, since the core's deadline covers
 * every call.
 * No `abortSignal`: node-redis would honour it only for commands not written yet, at the cost
 * of one listener per command on the caller's signal (a 16-call batch trips Node's leak
 * warning). `untilAborted` stops the wait instead, with one listener per signal.
 */
const PLAIN: NodeRedisCommandOptions = Object.freeze({ timeout: 0 });

/**
 * The same, and `typeMapping: {}`: it overrides a mapping the client was given, so replies keep
 * their RESP2 shapes.
 */
export const COMMAND_OPTIONS: NodeRedisCommandOptions = Object.freeze({
  typeMapping: {},
  timeout: 0,
});

/**
 * The options for calls on a client whose default command options (what node-redis merges
 * each call's options into) are `defaults`. Any `typeMapping` key in a call's options costs
 * node-redis work on every call (it shows in read requests' profiles), so the override goes only to a client that has a mapping, or whose defaults
 * cannot be read. A Sentinel client always gets it: the clients it opens to the master take
 * options (`nodeClientOptions`) it does not show.
 */
export function commandOptionsFor(
  defaults: { readonly typeMapping?: unknown } | undefined,
): NodeRedisCommandOptions {
  return defaults !== undefined && defaults.typeMapping === undefined ? PLAIN : COMMAND_OPTIONS;
}

/**
 * node-redis' defaults for every command of a client (`commandOptions` at creation, or
 * `withTypeMapping()`), which each call's options are merged into. A member its types call
 * private; should it ever go, every call simply carries the override.
 */
function defaultsOf(client: NodeRedisClient): { readonly typeMapping?: unknown } | undefined {
  return (client as { readonly _commandOptions?: { readonly typeMapping?: unknown } })
    ._commandOptions;
}

/** `client.sendCommand`, with a synchronous throw turned into a rejection. */
export function sendCommand(client: NodeRedisClient, args: readonly string[]): Promise<unknown> {
  try {
    return client.sendCommand(args, commandOptionsFor(defaultsOf(client)));
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * `ASKING`, then `args`, on `client`: the target of an ASK redirect serves a slot it is
 * importing only to the command right after an `ASKING`. Both are queued in the same tick,
 * so nothing gets between them on the connection; the chain makes node-redis fail the
 * command with the connection rather than send it alone on a new one.
 */
export function sendAsking(client: NodeRedisClient, args: readonly string[]): Promise<unknown> {
  const chainId = Symbol('ASK');
  const options = { ...commandOptionsFor(defaultsOf(client)), chainId };
  try {
    // Its failure is the command's: a dropped connection fails both, and ASKING itself
    // cannot be refused.
    client.sendCommand(['ASKING'], options).catch(() => {});
    return client.sendCommand(args, options);
  } catch (error) {
    return Promise.reject(error);
  }
}
