import { SessError } from '@sess/core';
import { closeClient } from './close-client.js';
import { clusterStartup } from './cluster-startup.js';
import { asError, connectWithin } from './connect-within.js';
import type { ConnectionLink, Route } from './connection-link.js';
import { LoadedScripts } from './loaded-scripts.js';
import type {
  NodeRedisClient,
  NodeRedisCluster,
  NodeRedisNodeAddress,
} from './node-redis-client.js';
import { isErrorReply } from './port-errors.js';
import { COMMAND_OPTIONS, sendCommand } from './send-command.js';
import type { StartupHints } from './startup-hints.js';

interface NodeConnection {
  readonly scripts: LoadedScripts;
  readonly onReady: () => void;
}

/**
 * A Redis Cluster (`createCluster()`). A call goes straight to the connection of the master
 * that serves its first key's slot (a call without keys: to any master), so calls routed in
 * order reach each node in order and scripts are tracked per connection. A call answered with
 * MOVED or ASK goes again through the Cluster client, which follows the redirect and refreshes
 * its slot map.
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

  constructor(cluster: NodeRedisCluster) {
    this.#cluster = cluster;
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
      send: (args) => this.#send(node, key, args),
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
  }

  open(timeout: number, hints: StartupHints): Promise<void> {
    return connectWithin(this.#cluster, timeout, clusterStartup(this.#cluster, hints));
  }

  duplicate(): ClusterLink {
    // Connections only to the nodes a blocking read needs.
    return new ClusterLink(this.#cluster.duplicate({ minimizeConnections: true }));
  }

  close(graceMs: number): Promise<void> {
    return closeClient(this.#cluster, graceMs);
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

  #send(node: NodeRedisClient, key: string | undefined, args: readonly string[]): Promise<unknown> {
    // Fails fast, also on a user's client with its offline queue on.
    if (!node.isReady) {
      const state = node.isOpen ? 'down (reconnecting)' : 'closed';
      return Promise.reject(
        new SessError('UNAVAILABLE', `the connection to a Redis Cluster node is ${state}`),
      );
    }
    return sendCommand(node, args).catch((error: unknown) => {
      if (!isRedirect(error)) throw error;
      return this.#cluster.sendCommand(key, false, [...args], COMMAND_OPTIONS);
    });
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

/** The slot moved (MOVED) or is moving (ASK): the Cluster client knows where to go. */
function isRedirect(error: unknown): boolean {
  return isErrorReply(error) && /^(MOVED|ASK) /.test(error.message);
}
