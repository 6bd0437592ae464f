import { type RedisPort, SessError } from '@sess/core';
import {
  type CallOptions,
  type CommandCall,
  isScriptCall,
  type PortCacheStats,
  type PortCall,
  type RedisReply,
  type ScriptCall,
} from '@sess/core/port';
import type { ResolvedCacheOptions } from './cache-options.js';
import type { NodeRedisTopology } from './client-kind.js';
import { commandArgs } from './command-args.js';
import type { ConnectionLink, Route } from './connection-link.js';
import type { NodeRedisAnyClient } from './node-redis-client.js';
import type { NodeRedisNode } from './node-redis-node.js';
import { abortedError, isErrorReply, isNoScript, toPortError } from './port-errors.js';
import { ReadCache, writes } from './read-cache.js';
import type { StartupHints } from './startup-hints.js';
import type { TrackerFactory, TrackingTopology } from './tracking-topology.js';
import { untilAborted } from './until-aborted.js';

/** How long `close()` lets replies still on their way arrive before it cuts the connection. */
const CLOSE_GRACE_MS = 1_000;

/** The fence after a write while the cache is on (see `#fence`). */
const PING: readonly string[] = Object.freeze(['PING']);

function ignore(): void {}

export interface PortSettings {
  /** The port created this client (or duplicated it) and closes it. */
  readonly owned: boolean;
  /**
   * A dedicated port for blocking reads. A call on it that is aborted leaves a command on the
   * connection whose late answer would hold up every later call (or, for a group read, take
   * entries nobody handles): the port drops that connection and opens a new one.
   */
  readonly blocking: boolean;
  /** Listens to the client's `error` events for as long as the port uses the client. */
  readonly onError: (error: Error) => void;
  readonly connectTimeout: number;
  /** The options behind a failure to open, for its message. */
  readonly hints: StartupHints;
  /** Open the client and wait for it first (it is not open yet). */
  readonly connect: boolean;
  /** The nodes of the topology, for `nodes()`. */
  readonly nodes: (link: ConnectionLink) => Promise<NodeRedisNode[]>;
  readonly onClosed?: () => void;
  /** A local cache of session reads (the `cache` option), set up once the client is open. */
  readonly cache?: CacheSettings;
}

/** What the port's read cache needs besides the port's own settings. */
export interface CacheSettings {
  readonly options: ResolvedCacheOptions;
  /** Delay before attempt `n` to set tracking up again after it was lost. */
  readonly backoff: (attempt: number) => number;
  /** Where tracking goes on this topology. */
  readonly topology: (track: TrackerFactory) => TrackingTopology;
}

/**
 * Opens a port on `link`: listens to its client's errors before anything can fail, then
 * opens the client if asked. A client that does not connect in time is left destroyed.
 */
export async function openNodeRedisPort(
  link: ConnectionLink,
  settings: PortSettings,
): Promise<NodeRedisPort> {
  link.attach(settings.onError);
  if (settings.connect) {
    try {
      await link.open(settings.connectTimeout, settings.hints);
    } catch (error) {
      // A destroyed client of ours stays listened to: a straggling socket error must not crash.
      if (!settings.owned) link.detach();
      throw error;
    }
  }
  return new NodeRedisPort(link, settings);
}

/**
 * A RedisPort over node-redis 6, speaking RESP2, on one standalone server, a master found
 * through Sentinel, or a Cluster. Create it with `createNodeRedisPort`.
 *
 * - A call while the connection is down fails at once with `SessError('UNAVAILABLE')`; nothing
 *   waits in an offline queue. So does a call whose `signal` aborts before Redis answers.
 * - An error reply rejects with node-redis' `ErrorReply` (a plain `Error` with Redis' own
 *   message, e.g. `WRONGTYPE ...`); the core reports it as `REDIS_ERROR`. The replies that
 *   only say "not now" (`CLUSTERDOWN`, `TRYAGAIN`, `LOADING`, `READONLY`, `MASTERDOWN`) are
 *   `UNAVAILABLE` instead.
 * - On a Cluster, a call goes to the master of its first key's slot (`capabilities.cluster`).
 */
export class NodeRedisPort implements RedisPort {
  readonly capabilities: { readonly cluster: boolean };
  readonly topology: NodeRedisTopology;
  readonly #settings: PortSettings;
  readonly #dedicatedPorts = new Set<NodeRedisPort>();
  #link: ConnectionLink;
  /** A blocking port whose connection could not be opened again. */
  #linkBroken = false;
  #replacing: Promise<void> | undefined;
  /** How a blocking port gets a new connection; set by `dedicated()`. */
  #renew: (() => ConnectionLink) | undefined;
  #closing: Promise<void> | undefined;
  readonly #cache: ReadCache | undefined;

  /** @internal Use `createNodeRedisPort`. */
  constructor(link: ConnectionLink, settings: PortSettings) {
    this.#link = link;
    this.#settings = settings;
    this.topology = link.topology;
    this.capabilities = Object.freeze({ cluster: link.topology === 'cluster' });
    const cache = settings.cache;
    this.#cache =
      cache === undefined
        ? undefined
        : new ReadCache(
            cache.options,
            {
              connectTimeout: settings.connectTimeout,
              backoff: cache.backoff,
              onError: settings.onError,
            },
            (call, signal) => this.#send(call, signal),
            cache.topology,
          );
  }

  /** The node-redis client this port sends through (`createClient`, `createSentinel` or `createCluster`). */
  get client(): NodeRedisAnyClient {
    return this.#link.client;
  }

  /**
   * No async frame on the way: a read is node-redis' promise and one wrapper (`#sendOn`).
   * Each frame costs a few promise jobs per call, which a CPU profile of reads shows.
   */
  send(call: CommandCall, options?: CallOptions): Promise<RedisReply> {
    const cache = this.#cache;
    if (cache !== undefined) return cache.send(call, options?.signal);
    return this.#send(call, options?.signal);
  }

  /**
   * `send` with callbacks, for the session read of every request: a read answered from the
   * local cache (the `cache` option) then costs no promise.
   */
  sendWith(
    call: CommandCall,
    onReply: (reply: RedisReply) => void,
    onError: (error: unknown) => void,
  ): void {
    const cache = this.#cache;
    if (cache !== undefined) cache.sendWith(call, onReply, onError);
    else this.#send(call, undefined).then(onReply, onError);
  }

  /**
   * The figures of the local cache of session reads (the `cache` option), undefined without
   * one. `@sess/prometheus` reads them at scrape time.
   */
  cacheStats(): PortCacheStats | undefined {
    return this.#cache?.stats();
  }

  #send(call: CommandCall, signal: AbortSignal | undefined): Promise<RedisReply> {
    try {
      const routed = this.#readyRoute(call, signal);
      if (this.#cache !== undefined && writes(call)) {
        const fenced = (route: Route) =>
          this.#afterFence(this.#sendOn(route, commandArgs(call), signal), [route], signal);
        return routed instanceof Promise ? routed.then(fenced) : fenced(routed);
      }
      return routed instanceof Promise
        ? routed.then((route) => this.#sendOn(route, commandArgs(call), signal))
        : this.#sendOn(routed, commandArgs(call), signal);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  script(call: ScriptCall, options?: CallOptions): Promise<RedisReply> {
    const cache = this.#cache;
    if (cache === undefined) return this.#script(call, options?.signal);
    return cache.whileWriting([call], () => this.#script(call, options?.signal));
  }

  async #script(call: ScriptCall, signal: AbortSignal | undefined): Promise<RedisReply> {
    const routed = this.#readyRoute(call, signal);
    const route = routed instanceof Promise ? await routed : routed;
    // Chosen once the route is known: a script counts as sent only on the connection it goes to.
    const command = route.scripts.commandFor(call);
    const fenced = this.#cache !== undefined;
    try {
      const reply = this.#sendOn(route, command, signal);
      return await (fenced ? this.#afterFence(reply, [route], signal) : reply);
    } catch (error) {
      if (!sentByHash(command) || !isNoScript(error)) throw error;
      route.scripts.forget(call.script.sha1);
      const reply = this.#sendOn(route, route.scripts.commandFor(call), signal);
      return fenced ? this.#afterFence(reply, [route], signal) : reply;
    }
  }

  /**
   * Every call is handed to node-redis before any answer is awaited (on one connection, in
   * the same tick as `batch()` was called), so each connection writes its share together.
   */
  batch(calls: readonly PortCall[], options?: CallOptions): Promise<Array<RedisReply | Error>> {
    const cache = this.#cache;
    if (cache === undefined) return this.#batch(calls, options?.signal);
    return cache.whileWriting(calls, () => this.#batch(calls, options?.signal));
  }

  async #batch(
    calls: readonly PortCall[],
    signal: AbortSignal | undefined,
  ): Promise<Array<RedisReply | Error>> {
    if (calls.length === 0) return [];
    const waiting = this.#usable(signal);
    if (waiting) await waiting;
    const routed = this.#routes(calls, signal);
    const routes = Array.isArray(routed) ? routed : await routed;
    const commands = calls.map((call, i) => {
      const route = routes[i] as Route;
      return isScriptCall(call) ? route.scripts.commandFor(call) : commandArgs(call);
    });
    const results = await this.#pipeline(routes, commands, signal);
    const unknown: number[] = [];
    calls.forEach((call, i) => {
      if (isScriptCall(call) && sentByHash(commands[i]) && isNoScript(results[i])) unknown.push(i);
    });
    const written =
      this.#cache === undefined ? [] : routes.filter((_, i) => writes(calls[i] as PortCall));
    if (unknown.length === 0) {
      if (written.length > 0) await this.#fence(written, signal);
      return results;
    }
    // The script cache was flushed under a connection (or the call followed a redirect to
    // another node): a second round trip, only now, for the scripts Redis did not know. They
    // take effect after the batch's other calls.
    for (const i of unknown) {
      (routes[i] as Route).scripts.forget((calls[i] as ScriptCall).script.sha1);
    }
    const again = await this.#pipeline(
      unknown.map((i) => routes[i] as Route),
      unknown.map((i) => (routes[i] as Route).scripts.commandFor(calls[i] as ScriptCall)),
      signal,
    );
    unknown.forEach((index, k) => {
      results[index] = again[k] as RedisReply | Error;
    });
    if (written.length > 0) await this.#fence(written, signal);
    return results;
  }

  /**
   * A port on connections of its own (a duplicate of this port's client), connected, for
   * blocking reads. Close it when done; closing this port closes it too.
   */
  async dedicated(): Promise<NodeRedisPort> {
    this.#assertOpen();
    const template = this.#link;
    const port: NodeRedisPort = await openNodeRedisPort(template.duplicate(), {
      owned: true,
      blocking: true,
      onError: this.#settings.onError,
      connectTimeout: this.#settings.connectTimeout,
      hints: this.#settings.hints,
      connect: true,
      nodes: this.#settings.nodes,
      onClosed: () => this.#dedicatedPorts.delete(port),
    });
    port.#renew = () => template.duplicate();
    if (this.#closing) {
      await port.close();
      throw closedError();
    }
    this.#dedicatedPorts.add(port);
    return port;
  }

  /**
   * The servers behind this port, each with a way to send it a command: the master of a
   * standalone or Sentinel setup (and the Sentinels this port knows), every master and
   * replica of a Cluster. For operations tools (`sess doctor`); sessions never need it.
   */
  async nodes(): Promise<NodeRedisNode[]> {
    this.#assertOpen();
    const nodes = await this.#settings.nodes(this.#link);
    const cache = this.#cache;
    if (cache === undefined) return nodes;
    // A node's calls may go on a connection the cache reads on: they drop their keys too.
    return nodes.map((node) => ({
      ...node,
      send: (call, options) => cache.whileWriting([call], () => node.send(call, options)),
    }));
  }

  /**
   * Closes what this port opened: its own client (waiting up to 1 s for replies on their way)
   * and its dedicated ports. A client you passed in stays open. Idempotent.
   */
  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  async #shutdown(): Promise<void> {
    this.#cache?.close();
    await Promise.all([...this.#dedicatedPorts].map((port) => port.close()));
    if (this.#settings.owned) {
      // A blocking read may never end by itself: a dedicated connection is cut at once.
      await this.#link.close(this.#settings.blocking ? 0 : CLOSE_GRACE_MS);
    } else {
      this.#link.detach();
    }
    // A connection being renewed was just cut (or is never opened): this ends at once.
    await this.#replacing;
    this.#settings.onClosed?.();
  }

  /** `route.send`, rejecting with `#failure` (at once when `signal` aborts). */
  #sendOn(
    route: Route,
    args: readonly string[],
    signal: AbortSignal | undefined,
  ): Promise<RedisReply> {
    return this.#guarded(route.send(args, signal) as Promise<RedisReply>, signal);
  }

  /** `reply`, settled once a fence (`#fence`) on `routes` followed it; an error reply too. */
  #afterFence<T>(
    reply: Promise<T>,
    routes: readonly Route[],
    signal: AbortSignal | undefined,
  ): Promise<T> {
    return reply.then(
      (value) => this.#fence(routes, signal).then(() => value),
      (error: unknown) => {
        // No answer, or a script Redis did not run: nothing changed that others could hold.
        if (!isErrorReply(error) || isNoScript(error)) throw error;
        return this.#fence(routes, signal).then(() => {
          throw error;
        });
      },
    );
  }

  /**
   * With the cache on, a write returns only after a PING on each connection it went to was
   * answered: a round trip that starts once the write's reply has arrived, so Redis handles it
   * in a later iteration of its event loop than the write. Redis writes out what it queued in
   * an iteration (the write's reply, and the invalidations it caused for the other instances'
   * channels) before it handles the next, as far as each socket takes it, so when the PING is
   * answered the invalidations have left Redis. Without it, Redis writes the reply first (it
   * flushes the client that got output last first), and an instance on the same host could
   * read the change's reply, and a request that followed it, before the invalidation: without
   * the fence, the three-instance test in packages/tests sees stale reads. A failed PING
   * changes nothing: the write is done either way.
   */
  #fence(routes: readonly Route[], signal: AbortSignal | undefined): Promise<void> {
    const pings: Array<Promise<void>> = [];
    // Routes on one connection share `scripts`: one PING per connection.
    const connections = new Set<unknown>();
    for (const route of routes) {
      if (connections.has(route.scripts)) continue;
      connections.add(route.scripts);
      pings.push(route.send(PING).then(ignore, ignore));
    }
    return this.#guarded(Promise.all(pings).then(ignore), signal);
  }

  /**
   * Hands every command to node-redis in the same tick: each connection writes its share
   * together, one round trip. Error replies stay in their slots; a lost connection or an
   * abort fails the whole batch.
   */
  async #pipeline(
    routes: readonly Route[],
    commands: readonly (readonly string[])[],
    signal: AbortSignal | undefined,
  ): Promise<Array<RedisReply | Error>> {
    if (commands.length === 0) return [];
    const replies = Promise.allSettled(
      commands.map((args, i) => (routes[i] as Route).send(args, signal)),
    );
    const settled = await this.#guarded(replies, signal);
    return settled.map((outcome) => {
      if (outcome.status === 'fulfilled') return outcome.value as RedisReply;
      const error = toPortError(outcome.reason, signal);
      // Redis answered this call with an error: it stays in its slot.
      if (isErrorReply(outcome.reason)) return error;
      throw error;
    });
  }

  /**
   * The route of `call` once the port is usable: at once (no promise, no extra turn) when
   * nothing is awaited and the link knows the route without asking (one connection).
   */
  #readyRoute(call: PortCall, signal: AbortSignal | undefined): Route | Promise<Route> {
    const waiting = this.#usable(signal);
    return waiting ? waiting.then(() => this.#route(call, signal)) : this.#route(call, signal);
  }

  #route(call: PortCall, signal: AbortSignal | undefined): Route | Promise<Route> {
    const route = this.#link.route(call.keys[0]);
    if (!(route instanceof Promise)) return route;
    return this.#guarded(route, signal);
  }

  /** The routes of `calls`, at once when the link knows them without asking (one connection). */
  #routes(calls: readonly PortCall[], signal: AbortSignal | undefined): Route[] | Promise<Route[]> {
    const routes = calls.map((call) => this.#link.route(call.keys[0]));
    if (routes.every((route): route is Route => !(route instanceof Promise))) return routes;
    return this.#guarded(Promise.all(routes), signal);
  }

  /** `promise`, given up when `signal` aborts, and failing with `#failure`. */
  #guarded<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
    return untilAborted(promise, signal, (error) => this.#failure(error, signal));
  }

  /** What a failed call rejects with; an abort on a blocking port also renews its connection. */
  #failure(error: unknown, signal: AbortSignal | undefined): Error {
    if (signal?.aborted) this.#recycle();
    return toPortError(error, signal);
  }

  /**
   * Fails fast instead of queueing: also for a client given with its offline queue on. A
   * blocking port first waits for a connection being renewed; otherwise nothing is awaited.
   */
  #usable(signal: AbortSignal | undefined): Promise<void> | undefined {
    this.#assertOpen();
    if (signal?.aborted) throw abortedError(signal);
    if (this.#settings.blocking) {
      if (this.#linkBroken) this.#recycle();
      const replacing = this.#replacing;
      if (replacing) {
        return untilAborted(replacing, signal).then(
          () => {
            this.#assertOpen();
            this.#link.assertReady();
          },
          (error: unknown) => {
            throw toPortError(error, signal);
          },
        );
      }
    }
    this.#link.assertReady();
    return undefined;
  }

  /** A blocking port drops its connection and opens a new one (see `PortSettings.blocking`). */
  #recycle(): void {
    const renew = this.#renew;
    if (!renew || this.#closing || this.#replacing) return;
    const old = this.#link;
    this.#replacing = (async () => {
      // The old client stays listened to: a straggling socket error must not crash.
      await old.close(0);
      if (this.#closing) return;
      const next = renew();
      next.attach(this.#settings.onError);
      this.#link = next;
      try {
        await next.open(this.#settings.connectTimeout, this.#settings.hints);
        this.#linkBroken = false;
      } catch {
        this.#linkBroken = true;
      }
    })().finally(() => {
      this.#replacing = undefined;
    });
  }

  #assertOpen(): void {
    if (this.#closing) throw closedError();
  }
}

function closedError(): SessError {
  return new SessError('UNAVAILABLE', 'the node-redis port was closed');
}

function sentByHash(command: readonly string[] | undefined): boolean {
  return command?.[0] === 'EVALSHA';
}
