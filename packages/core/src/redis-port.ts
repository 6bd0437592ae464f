import type { LuaScript } from './lua-script.js';

/** An argument on the wire. Numbers are sent as their decimal string. */
export type RedisArg = string | number;

/**
 * A reply as RESP2 shapes it: bulk and simple strings are `string`, integers `number`,
 * nil `null`, arrays `RedisReply[]`. Error replies are not values: they reject the call
 * (or stand as an `Error` in a batch result).
 */
export type RedisReply = string | number | null | RedisReply[];

/** One Redis command. `args` is everything after the name, keys included. */
export interface CommandCall {
  /** The command name, e.g. `HGETALL`. */
  readonly command: string;
  /** The arguments after the name, in wire order (keys included where the command wants them). */
  readonly args: readonly RedisArg[];
  /**
   * The keys this command touches, each also present in `args`. A Cluster port routes by
   * the first; a command with no keys may go to any master. A command about a connection
   * rather than a key may carry a key here that is not in `args`, only to be routed: sess
   * sends `WAIT numreplicas timeout` with the key it just wrote, so that on a Cluster it
   * reaches the node (and the connection) that took the write.
   */
  readonly keys: readonly string[];
}

/** One Lua script call: `EVALSHA sha numkeys ...keys ...args`, `EVAL` on NOSCRIPT. */
export interface ScriptCall {
  readonly script: LuaScript;
  /** All keys hash to one slot: sess never writes a script that crosses slots. */
  readonly keys: readonly string[];
  readonly args: readonly RedisArg[];
}

export type PortCall = CommandCall | ScriptCall;

/**
 * How a port fails: a connection that is down, or a call aborted, rejects with
 * `SessError('UNAVAILABLE')`; an error reply from Redis rejects with any `Error` carrying the
 * server's message (the core reports it as `REDIS_ERROR`).
 */
export interface CallOptions {
  /**
   * Aborted when the core's deadline passes. A port should stop waiting and reject, and not
   * send a call whose signal has aborted; the core does not rely on it and rejects at its
   * deadline regardless. A session load comes without one: sent late, a read changes nothing.
   */
  readonly signal?: AbortSignal;
}

export interface PortCapabilities {
  /** The port talks to a Redis Cluster: calls are routed by key, one slot per call. */
  readonly cluster: boolean;
}

/**
 * Figures of a port that answers session reads (`HGETALL`) from a local cache which Redis
 * invalidates (`RedisPort.cacheStats`). Counters count from the port's creation.
 */
export interface PortCacheStats {
  /** Reads answered without a Redis command of their own: from the cache, or sharing the reply of the same read already on its way. */
  readonly hits: number;
  /** Reads sent to Redis (not cached yet, changed since, or tracking down). */
  readonly misses: number;
  /** Keys Redis said changed (one per key of each invalidation), and whole-cache flushes. */
  readonly invalidations: number;
  /** Entries dropped to stay within the cache's bounds. */
  readonly evictions: number;
  /** Entries held now. */
  readonly entries: number;
  /** Estimated memory the entries take (bytes). */
  readonly bytes: number;
  /** Connections whose reads Redis tracks now (one per master). */
  readonly trackingUp: number;
  /** Connections whose tracking is down or being set up: their reads go to Redis meanwhile. */
  readonly trackingDown: number;
}

/**
 * The seam between sess and a Redis client. Implement it to run sess on any client:
 * `@sess/testkit`'s contract suite tells whether an implementation behaves as sess expects.
 */
export interface RedisPort {
  readonly capabilities: PortCapabilities;
  /** Sends one command. */
  send(call: CommandCall, options?: CallOptions): Promise<RedisReply>;
  /**
   * Optional: `send` with callbacks instead of a promise, for the session read every request
   * makes (`HGETALL`, without a signal). Exactly one of the two is called, never
   * synchronously. A port that answers reads from a local cache offers it: a promise and its
   * turn of the microtask queue are a large share of what a cached read costs. The core's
   * deadline applies as it does to `send`.
   */
  sendWith?(
    call: CommandCall,
    onReply: (reply: RedisReply) => void,
    onError: (error: unknown) => void,
  ): void;
  /** Runs a script: `EVALSHA`, falling back to `EVAL` when the server answers NOSCRIPT. */
  script(call: ScriptCall, options?: CallOptions): Promise<RedisReply>;
  /**
   * Sends several calls in one round trip (a pipeline, not a transaction). They take effect in
   * order, and results come in the order of the calls; a call that failed stands as an `Error`
   * in its place.
   */
  batch(calls: readonly PortCall[], options?: CallOptions): Promise<Array<RedisReply | Error>>;
  /**
   * Opens a port on a connection of its own, for commands that block (`XREAD BLOCK`), so
   * that they never hold up the connection that serves requests. The caller closes it.
   */
  dedicated(): Promise<RedisPort>;
  /** Closes the connection(s) this port opened. A port given a client it did not create leaves it open. */
  close(): Promise<void>;
  /**
   * A port with a local cache of session reads tells its figures here (`@sess/prometheus`
   * reads them at scrape time); a port without one leaves it out or answers undefined.
   */
  cacheStats?(): PortCacheStats | undefined;
}

export function isScriptCall(call: PortCall): call is ScriptCall {
  return 'script' in call;
}
