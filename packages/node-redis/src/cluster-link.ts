import { SessError } from '@sess/core';
import { closeClient } from './close-client.js';
import { type ClusterRedirect, redirectOf } from './cluster-redirect.js';
import { clusterStartup } from './cluster-startup.js';
import { asError, connectWithin } from './connect-within.js';
import type { ConnectionLink, Route } from './connection-link.js';
import { LoadedScripts } from './loaded-scripts.js';
import type {
  NodeRedisClient,
  NodeRedisCluster,
  NodeRedisClusterNode,
  NodeRedisNodeAddress,
} from './node-redis-client.js';
import { OutsideNodes } from './outside-nodes.js';
import { abortedError } from './port-errors.js';
import { sendAsking, sendCommand } from './send-command.js';

import type { StartupHints } from './startup-hints.js';

/** Redirects one call may follow, as many as node-redis follows by default. */
const MAX_REDIRECTS = 16;

interface NodeConnection {
  readonly scripts: LoadedScripts;
  readonly onReady: () => void;
}

/**
 * A Redis Cluster (`createCluster()`). A call goes straight to the connection of the master
 * that serves its first key's slot (a call without keys: to any master), so calls routed in
 * order reach each node in order and scripts are tracked per connection. A call answered with
 * MOVED or ASK follows the redirect itself, to the node Redis named: on the Cluster client's
 * connection to it, or on a connection of the link's own when the slot map does not list it
 * (a master that serves no slot yet). After a MOVED, node-redis reads the slot map again.
 */
export class ClusterLink implements ConnectionLink {
  readonly topology = 'cluster' as const;
  readonly #cluster: NodeRedisCluster;
  readonly #nodes = new Map<NodeRedisClient, NodeConnection>();
  #onError: ((error: Error) => void) | undefined;
  readonly #onNodeError = (error: Error, node: NodeRedisNodeAddress): void => {
    const failed = asError(error);
    this.#onError?.(
      new Error(`Cluster node ${node.host}:${node.port}: ${failed.message}`, { cause: failed }),
    );
  };
  readonly #onClusterError = (error: unknown): void => this.#onError?.(asError(error));
  readonly #outside: OutsideNodes;

  constructor(cluster: NodeRedisCluster) {
    this.#cluster = cluster;
    this.#outside = new OutsideNodes(cluster, (error) => this.#onError?.(error));
  }

  get client(): NodeRedisCluster {
    return this.#cluster;
  }

  assertReady(): void {
    if (this.#cluster.isReady) return;
    const state = this.#cluster.isOpen ? 'not ready' : 'closed';
    throw new SessError('UNAVAILABLE', `the Redis Cluster client is ${state}`);
  }

  async route(key: string | undefined): Promise<Route> {
    const node = await this.#nodeFor(key);
    return {
      scripts: this.#connection(node).scripts,
      send: (args, signal) => this.#send(node, args, signal),
    };
  }

  attach(onError: (error: Error) => void): void {
    this.#onError = onError;
    this.#cluster.on('error', this.#onClusterError);
    this.#cluster.on('node-error', this.#onNodeError);
  }

  detach(): void {
    this.#cluster.off('error', this.#onClusterError);
    this.#cluster.off('node-error', this.#onNodeError);
    for (const [node, { onReady }] of this.#nodes) node.off('ready', onReady);
    this.#nodes.clear();
    // The link's own connections, not the user's client: they close with it.
    void this.#outside.close(CLOSE_OUTSIDE_GRACE_MS);
  }

  open(timeout: number, hints: StartupHints): Promise<void> {
    return connectWithin(this.#cluster, timeout, clusterStartup(this.#cluster, hints));
  }

  duplicate(): ClusterLink {
    // Connections only to the nodes a blocking read needs.
    return new ClusterLink(this.#cluster.duplicate({ minimizeConnections: true }));
  }

  async close(graceMs: number): Promise<void> {
    await Promise.all([closeClient(this.#cluster, graceMs), this.#outside.close(graceMs)]);
  }

  async #nodeFor(key: string | undefined): Promise<NodeRedisClient> {
    try {
      if (key !== undefined) return await this.#cluster.getNodeClientForKey(key, false);
      const masters = this.#cluster.masters;
      const master = masters[Math.floor(Math.random() * masters.length)];
      if (!master) throw new Error('the Cluster client knows no master');
      return await this.#cluster.nodeClient(master);
    } catch (error) {
      throw new SessError(
        'UNAVAILABLE',
        `no Redis Cluster node for the call: ${asError(error).message}`,
        {
          cause: error,
        },
      );
    }
  }

  #send(
    node: NodeRedisClient,
    args: readonly string[],
    signal: AbortSignal | undefined,
  ): Promise<unknown> {
    // Fails fast, also on a user's client with its offline queue on.
    if (!node.isReady) {
      const state = node.isOpen ? 'down (reconnecting)' : 'closed';
      return Promise.reject(
        new SessError('UNAVAILABLE', `the connection to a Redis Cluster node is ${state}`),
      );
    }
    return sendCommand(node, args).catch((error: unknown) =>
      this.#redirected(error, node, args, signal, 1),
    );
  }

  /** Follows `error` if it is a redirect (the `hops`-th for this call); else rethrows it. */
  #redirected(
    error: unknown,
    from: NodeRedisClient,
    args: readonly string[],
    signal: AbortSignal | undefined,
    hops: number,
  ): Promise<unknown> {
    const redirect = redirectOf(error, hostOf(from));
    if (!redirect) return Promise.reject(error);
    if (redirect.kind === 'MOVED') this.#refreshSlotMap(from);
    return this.#follow(redirect, args, signal, hops);
  }

  /**
   * Sends `args` where `redirect` says, as node-redis does for the nodes its map lists: after
   * ASK, `ASKING` and the command on that node's connection; after MOVED, the command alone.
   * Nothing is sent once `signal` aborted (the caller stopped waiting at its deadline).
   */
  async #follow(
    redirect: ClusterRedirect,
    args: readonly string[],
    signal: AbortSignal | undefined,
    hops: number,
  ): Promise<unknown> {
    if (hops > MAX_REDIRECTS) {
      throw new SessError(
        'UNAVAILABLE',
        `Redis cannot serve the call now: still redirected after ${MAX_REDIRECTS} redirects (last: ${redirect.reply})`,
      );
    }
    const target = await this.#nodeAt(redirect);
    if (signal?.aborted) throw abortedError(signal);
    const reply = redirect.kind === 'ASK' ? sendAsking(target, args) : sendCommand(target, args);
    return reply.catch((error: unknown) => this.#redirected(error, target, args, signal, hops + 1));
  }

  /** A ready connection to the node a redirect names. */
  async #nodeAt(redirect: ClusterRedirect): Promise<NodeRedisClient> {
    const { address } = redirect;
    const listed =
      findNode(this.#cluster.masters, address) ?? findNode(this.#cluster.replicas, address);
    let client: NodeRedisClient;
    try {
      if (listed) {
        this.#outside.drop(address);
        client = await this.#cluster.nodeClient(listed);
      } else {
        client = await this.#outside.clientFor(address, redirect.host, redirect.port);
      }
    } catch (error) {
      throw new SessError(
        'UNAVAILABLE',
        `Redis cannot serve the call now: ${redirect.reply}, and there is no connection to ${address}: ${asError(error).message}`,
        { cause: error },
      );
    }
    if (!client.isReady) {
      const state = client.isOpen ? 'down (reconnecting)' : 'closed';
      throw new SessError(
        'UNAVAILABLE',
        `Redis cannot serve the call now: ${redirect.reply}, and the connection to ${address} is ${state}`,
      );
    }
    return client;
  }

  /**
   * Has node-redis read the slot map again, starting with the node that answered MOVED (it
   * knows where the slot went). node-redis runs one refresh at a time and reports a failed
   * one as an `error` event. `rediscover` is a member its types call internal: without it,
   * calls keep following MOVED until node-redis refreshes by itself (on a reconnect).
   */
  #refreshSlotMap(from: NodeRedisClient): void {
    const slots = (this.#cluster as { readonly _slots?: SlotMapRefresh })._slots;
    if (typeof slots?.rediscover !== 'function') return;
    slots.rediscover(from).then(
      () => {
        // Calls now go straight to the nodes the map lists: the link's own connections to
        // them would see no more redirects, and no other reason to go.
        for (const node of [...this.#cluster.masters, ...this.#cluster.replicas]) {
          this.#outside.drop(node.address);
        }
      },
      () => {},
    );
  }

  /** The scripts of a node connection, forgotten when it reconnects (maybe to a new server). */
  #connection(node: NodeRedisClient): NodeConnection {
    let connection = this.#nodes.get(node);
    if (connection) return connection;
    for (const [known, { onReady }] of this.#nodes) {
      if (known.isOpen) continue;
      known.off('ready', onReady);
      this.#nodes.delete(known);
    }
    const scripts = new LoadedScripts();
    connection = { scripts, onReady: () => scripts.clear() };
    node.on('ready', connection.onReady);
    this.#nodes.set(node, connection);
    return connection;
  }
}

/** How long the link's own connections let replies arrive when a user's client is let go. */
const CLOSE_OUTSIDE_GRACE_MS = 1_000;

/** What `#refreshSlotMap` uses of node-redis' slot map (`cluster._slots`). */
interface SlotMapRefresh {
  rediscover(startWith: NodeRedisClient): Promise<unknown>;
}

function findNode(
  nodes: readonly NodeRedisClusterNode[],
  address: string,
): NodeRedisClusterNode | undefined {
  for (const node of nodes) if (node.address === address) return node;
  return undefined;
}

/** The host a node client connects to, for a redirect that names none. */
function hostOf(client: NodeRedisClient): string {
  const socket = client.options?.socket as { readonly host?: unknown } | undefined;
  return typeof socket?.host === 'string' ? socket.host : 'localhost';
}
