import type { CommandCall, PortCacheStats, PortCall, RedisReply } from '@sess/core/port';
import { AfterNextPoll } from './after-next-poll.js';
import type { ResolvedCacheOptions } from './cache-options.js';
import { commandArgs } from './command-args.js';
import { abortedError, isErrorReply, toPortError } from './port-errors.js';
import { ReplyCache } from './reply-cache.js';
import {
  TrackedConnection,
  type TrackingListener,
  type TrackingSettings,
} from './tracked-connection.js';
import type { TrackerFactory, TrackingTopology } from './tracking-topology.js';
import { untilAborted } from './until-aborted.js';

/** The port's own way of sending a call (no cache on the way). */
export type UncachedSend = (
  call: CommandCall,
  signal: AbortSignal | undefined,
) => Promise<RedisReply>;

/**
 * An `HGETALL` on its way to Redis. Joined by reads of the same key that come meanwhile, and
 * cached when it lands, unless something made its reply doubtful on the way (`poisoned`): an
 * invalidation of its key, a write to it, a newer read of it, or its connection's tracking
 * going down or being flushed (`generation`).
 */
interface Flight {
  readonly owner: TrackedConnection;
  readonly generation: number;
  poisoned: boolean;
  reply: Promise<RedisReply>;
}

/** A read that may be answered from the cache, waiting for the event loop's next turn. */
interface Waiting {
  readonly call: CommandCall;
  readonly key: string;
  readonly signal: AbortSignal | undefined;
  readonly resolve: (reply: RedisReply) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * The port's local cache of session reads. A session is read with one `HGETALL <key>`; the
 * cache keeps such replies, read on a connection Redis tracks, until Redis says the key changed
 * (an invalidation), the port itself sends a write to it, or tracking on that connection is
 * lost. Every other call passes through, and drops the keys it names first.
 *
 * - A read of a key held (or already on its way) is answered only after a whole turn of the
 *   event loop (`AfterNextPoll`), from what holds then: an invalidation that arrived with the
 *   request is applied first. Otherwise it goes to Redis at once.
 * - A read whose reply lands after its key was invalidated or written is not cached, nor one
 *   sent while a write to its key was on its way: the write might come after it.
 * - While a connection's tracking is down its reads go to Redis and nothing read on it is held.
 */
export class ReadCache implements TrackingListener {
  readonly #replies: ReplyCache<TrackedConnection>;
  readonly #flights = new Map<string, Flight>();
  /** Keys with a write on its way, and how many. */
  readonly #writes = new Map<string, number>();
  readonly #uncached: UncachedSend;
  readonly #topology: TrackingTopology;
  readonly #waiting = new AfterNextPoll<Waiting>((waiting) => this.#answer(waiting));
  #closed = false;
  #hits = 0;
  #misses = 0;
  #invalidations = 0;

  constructor(
    options: ResolvedCacheOptions,
    settings: Omit<TrackingSettings, 'heartbeat'>,
    uncached: UncachedSend,
    topology: (track: TrackerFactory) => TrackingTopology,
  ) {
    this.#replies = new ReplyCache(options.maxEntries, options.maxBytes);
    this.#uncached = uncached;
    const tracking: TrackingSettings = { ...settings, heartbeat: options.heartbeat };
    this.#topology = topology((target) => new TrackedConnection(target, tracking, this));
    this.#topology.start();
  }

  /** `port.send`: a session read through the cache, anything else after dropping its keys. */
  send(call: CommandCall, signal: AbortSignal | undefined): Promise<RedisReply> {
    if (isSessionRead(call)) return this.#read(call, call.keys[0] as string, signal);
    if (!writes(call)) return this.#uncached(call, signal);
    return this.whileWriting([call], () => this.#uncached(call, signal));
  }

  /**
   * `port.sendWith`: `send` without a signal, with callbacks, so that a read answered from the
   * cache costs no promise.
   */
  sendWith(
    call: CommandCall,
    onReply: (reply: RedisReply) => void,
    onError: (error: unknown) => void,
  ): void {
    if (!isSessionRead(call)) {
      this.send(call, undefined).then(onReply, onError);
      return;
    }
    const key = call.keys[0] as string;
    if (this.#held(key)) {
      this.#waiting.push({ call, key, signal: undefined, resolve: onReply, reject: onError });
    } else {
      this.#fetch(call, key, undefined).then(onReply, onError);
    }
  }

  /**
   * `send()`, with the keys of `calls` marked as being written (`writing`) from before it
   * starts until its reply has settled. The marking is synchronous: a read sent from now on is
   * not cached before the write has landed.
   */
  whileWriting<T>(calls: readonly PortCall[], send: () => Promise<T>): Promise<T> {
    const release = this.writing(calls);
    const reply = send();
    reply.then(release, release);
    return reply;
  }

  /**
   * Marks the keys of `calls` (those that may write) as being written, until the function it
   * returns is called when the calls have settled: they are dropped now, and no read of them
   * is cached meanwhile, since it could overtake the write or be overtaken by it.
   */
  writing(calls: readonly PortCall[]): () => void {
    const keys: string[] = [];
    for (const call of calls) {
      if (!writes(call)) continue;
      for (const key of call.keys) {
        this.#writes.set(key, (this.#writes.get(key) ?? 0) + 1);
        this.#drop(key);
        keys.push(key);
      }
    }
    return () => {
      for (const key of keys) {
        const left = (this.#writes.get(key) ?? 1) - 1;
        if (left > 0) this.#writes.set(key, left);
        else this.#writes.delete(key);
      }
    };
  }

  stats(): PortCacheStats {
    let up = 0;
    let down = 0;
    for (const tracker of this.#topology.trackers()) {
      if (tracker.up) up += 1;
      else down += 1;
    }
    return {
      hits: this.#hits,
      misses: this.#misses,
      invalidations: this.#invalidations,
      evictions: this.#replies.evictions,
      entries: this.#replies.size,
      bytes: this.#replies.bytes,
      trackingUp: up,
      trackingDown: down,
    };
  }

  close(): void {
    this.#closed = true;
    this.#topology.close();
    this.#replies.clear();
    for (const flight of this.#flights.values()) flight.poisoned = true;
    this.#flights.clear();
  }

  /** Redis says these keys changed. */
  invalidate(keys: readonly string[]): void {
    this.#invalidations += keys.length;
    for (const key of keys) this.#drop(key);
  }

  dropAll(connection: TrackedConnection, flushed: boolean): void {
    if (flushed) this.#invalidations += 1;
    // Flights read on it fail their generation check when they land.
    if (this.#topology.readsThroughPort) this.#replies.clear();
    else this.#replies.deleteOwnedBy(connection);
  }

  closed(connection: TrackedConnection): void {
    this.#topology.forget(connection);
  }

  #read(call: CommandCall, key: string, signal: AbortSignal | undefined): Promise<RedisReply> {
    if (this.#held(key)) {
      return new Promise((resolve, reject) => {
        this.#waiting.push({ call, key, signal, resolve, reject });
      });
    }
    return this.#fetch(call, key, signal);
  }

  /** Whether a read of `key` waits for the cache's answer: it is held, or already on its way. */
  #held(key: string): boolean {
    return this.#replies.has(key) || this.#flights.has(key);
  }

  /** A whole turn after the read came: from the cache if still valid, else as a miss. */
  #answer(waiting: Waiting): void {
    const { call, key, signal, resolve, reject } = waiting;
    if (signal?.aborted) {
      reject(abortedError(signal));
      return;
    }
    const entry = this.#replies.get(key);
    if (entry !== undefined) {
      if (entry.owner.up && entry.owner.generation === entry.generation) {
        this.#hits += 1;
        entry.used = true;
        // Frozen (`ReplyCache.set`); the type of a reply has no read-only arrays.
        resolve(entry.reply as RedisReply[]);
        return;
      }
      this.#replies.delete(key);
    }
    const flight = this.#flights.get(key);
    if (flight !== undefined && this.#sound(flight)) {
      this.#hits += 1;
      untilAborted(flight.reply, signal).then(
        (reply) => resolve(Array.isArray(reply) ? reply.slice() : reply),
        reject,
      );
      return;
    }
    this.#fetch(call, key, signal).then(resolve, reject);
  }

  #fetch(call: CommandCall, key: string, signal: AbortSignal | undefined): Promise<RedisReply> {
    this.#misses += 1;
    if (this.#closed || this.#writes.has(key)) return this.#uncached(call, signal);
    const tracker = this.#topology.trackerFor(key);
    if (tracker instanceof Promise) {
      return tracker.then((found) => this.#fetchOn(found, call, key, signal));
    }
    return this.#fetchOn(tracker, call, key, signal);
  }

  #fetchOn(
    tracker: TrackedConnection | undefined,
    call: CommandCall,
    key: string,
    signal: AbortSignal | undefined,
  ): Promise<RedisReply> {
    if (tracker === undefined || !tracker.up || this.#closed || this.#writes.has(key)) {
      return this.#uncached(call, signal);
    }
    const flight: Flight = {
      owner: tracker,
      generation: tracker.generation,
      poisoned: false,
      reply: undefined as unknown as Promise<RedisReply>,
    };
    const reply = this.#topology.readsThroughPort
      ? this.#uncached(call, signal)
      : this.#direct(tracker, call, flight, signal);
    flight.reply = reply;
    // Only the newest read of a key can be told about changes to it.
    const older = this.#flights.get(key);
    if (older !== undefined) older.poisoned = true;
    this.#flights.set(key, flight);
    reply.then(
      (value) => this.#landed(key, flight, value),
      () => {
        if (this.#flights.get(key) === flight) this.#flights.delete(key);
      },
    );
    return reply;
  }

  /**
   * A read sent on the tracker's own connection, never redirected: its reply is covered by that
   * connection's tracking. A key whose slot moved (MOVED, ASK) is read again the port's way,
   * and not cached.
   */
  #direct(
    tracker: TrackedConnection,
    call: CommandCall,
    flight: Flight,
    signal: AbortSignal | undefined,
  ): Promise<RedisReply> {
    const sent = tracker.target.send(commandArgs(call)).then(
      (reply) => reply as RedisReply,
      (error: unknown) => {
        if (!isRedirect(error)) throw toPortError(error, signal);
        flight.poisoned = true;
        return this.#uncached(call, signal);
      },
    );
    return signal === undefined ? sent : untilAborted(sent, signal);
  }

  #landed(key: string, flight: Flight, reply: RedisReply): void {
    if (this.#flights.get(key) === flight) this.#flights.delete(key);
    if (!Array.isArray(reply) || !this.#sound(flight) || this.#closed) return;
    this.#replies.set(key, reply, flight.owner, flight.generation);
  }

  #sound(flight: Flight): boolean {
    return !flight.poisoned && flight.owner.up && flight.owner.generation === flight.generation;
  }

  /** Forgets `key`: its entry, and any read of it on its way (which will not be cached). */
  #drop(key: string): void {
    this.#replies.delete(key);
    const flight = this.#flights.get(key);
    if (flight === undefined) return;
    flight.poisoned = true;
    this.#flights.delete(key);
  }
}

/**
 * Commands sess sends that change nothing. Any other call counts as a write of its keys: a
 * read taken for a write costs a dropped entry at most, a write taken for a read would leave
 * a stale one.
 */
const READ_ONLY = new Set([
  'HGETALL',
  'HGET',
  'HMGET',
  'EXISTS',
  'PTTL',
  'PEXPIRETIME',
  'ZCOUNT',
  'ZRANGE',
  'ZRANGEBYSCORE',
  'ZSCORE',
  'XLEN',
  'XINFO',
  'XRANGE',
  'XREVRANGE',
  'XPENDING',
  'PING',
  'WAIT',
]);

/** A session read: what the cache holds. */
function isSessionRead(call: PortCall): call is CommandCall {
  return (call as CommandCall).command === 'HGETALL' && call.keys.length === 1;
}

/** Whether `call` may change its keys: a script, or a command not known to be read-only. */
export function writes(call: PortCall): boolean {
  const command = (call as CommandCall).command;
  return command === undefined || !READ_ONLY.has(command.toUpperCase());
}

/** The slot moved (MOVED) or is moving (ASK). */
function isRedirect(error: unknown): boolean {
  return isErrorReply(error) && /^(MOVED|ASK) /.test(error.message);
}
