import { clientTarget } from './client-target.js';
import type { NodeRedisClient, NodeRedisCluster } from './node-redis-client.js';
import type { TrackedConnection } from './tracked-connection.js';
import type { TrackerFactory, TrackingTopology } from './tracking-topology.js';

/**
 * A Redis Cluster: tracking on the connection to each master, each with an invalidation
 * channel of its own on that node. A master's tracker is made when the port first reads from it
 * (and for every master known at the start); a node connection the Cluster client closed for
 * good (the node left, or was replaced after a failover) takes its tracker with it.
 */
export class ClusterTracking implements TrackingTopology {
  readonly readsThroughPort = false;
  readonly #cluster: NodeRedisCluster;
  readonly #track: TrackerFactory;
  readonly #trackers = new Map<NodeRedisClient, TrackedConnection>();
  #closed = false;

  constructor(cluster: NodeRedisCluster, track: TrackerFactory) {
    this.#cluster = cluster;
    this.#track = track;
  }

  trackerFor(key: string): Promise<TrackedConnection | undefined> | undefined {
    let node: Promise<NodeRedisClient>;
    try {
      node = this.#cluster.getNodeClientForKey(key, false);
    } catch {
      // The Cluster client is not ready: the port's own path says why.
      return undefined;
    }
    return node.then(
      (client) => this.#trackerOf(client),
      () => undefined,
    );
  }

  trackers(): Iterable<TrackedConnection> {
    return this.#trackers.values();
  }

  start(): void {
    for (const master of this.#cluster.masters) {
      this.#cluster.nodeClient(master).then(
        (client) => this.#trackerOf(client),
        () => {},
      );
    }
  }

  close(): void {
    this.#closed = true;
    for (const tracker of [...this.#trackers.values()]) tracker.close();
    this.#trackers.clear();
  }

  #trackerOf(client: NodeRedisClient): TrackedConnection | undefined {
    if (this.#closed || !client.isOpen) return undefined;
    let tracker = this.#trackers.get(client);
    if (tracker === undefined) {
      tracker = this.#track(clientTarget(client));
      this.#trackers.set(client, tracker);
      tracker.start();
    }
    return tracker;
  }

  /** A tracker closed itself (its node connection is gone for good). */
  forget(tracker: TrackedConnection): void {
    for (const [client, known] of this.#trackers) {
      if (known === tracker) this.#trackers.delete(client);
    }
  }
}
