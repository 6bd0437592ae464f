import { createClient } from 'redis';
import { closeClient } from './close-client.js';
import { asError, connectWithin } from './connect-within.js';
import type { NodeRedisClient, NodeRedisCluster } from './node-redis-client.js';

/** node-redis' default `socket.connectTimeout`. */
const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
/** How long replies on their way to a connection being dropped may still arrive. */
const DROP_GRACE_MS = 1_000;

interface OutsideNode {
  readonly client: NodeRedisClient;
  /** Settles once the connection is ready, or rejects (the client is then destroyed). */
  readonly ready: Promise<NodeRedisClient>;
}

/**
 * Connections to Cluster nodes that Redis redirects to but the Cluster client cannot reach:
 * node-redis knows only the nodes its slot map lists (`CLUSTER SLOTS`), and a master that
 * serves no slot yet (just added, a slot on its way to it) is not among them, so node-redis
 * fails an ASK towards it ("Cannot find node"). Opened on the first redirect to the address,
 * with the Cluster client's connection settings (credentials, TLS, `nodeAddressMap`); dropped
 * once the slot map lists the node, when the connection is lost (no reconnect loop towards a
 * node that may have left), or with the link.
 */
export class OutsideNodes {
  readonly #cluster: NodeRedisCluster;
  readonly #nodes = new Map<string, OutsideNode>();
  readonly #onError: (error: Error) => void;

  constructor(cluster: NodeRedisCluster, onError: (error: Error) => void) {
    this.#cluster = cluster;
    this.#onError = onError;
  }

  /** A ready connection to the node Redis announced at `address` (`host:port`). */
  clientFor(address: string, host: string, port: number): Promise<NodeRedisClient> {
    const known = this.#nodes.get(address);
    if (known?.client.isOpen) return known.ready;
    const client = this.#open(address, host, port);
    const ready = connectWithin(client, this.#connectTimeout()).then(
      () => client,
      (error: unknown) => {
        if (this.#nodes.get(address)?.client === client) this.#nodes.delete(address);
        throw error;
      },
    );
    this.#nodes.set(address, { client, ready });
    return ready;
  }

  /** The slot map lists the node now: the Cluster client's own connection takes over. */
  drop(address: string): void {
    const node = this.#nodes.get(address);
    if (!node) return;
    this.#nodes.delete(address);
    void closeClient(node.client, DROP_GRACE_MS);
  }

  close(graceMs: number): Promise<void> {
    const clients = [...this.#nodes.values()].map((node) => node.client);
    this.#nodes.clear();
    return Promise.all(clients.map((client) => closeClient(client, graceMs))).then(() => {});
  }

  #open(address: string, host: string, port: number): NodeRedisClient {
    const options = this.#cluster._options;
    const defaults = (options?.defaults ?? {}) as { readonly socket?: object };
    const map = options?.nodeAddressMap;
    const reached = (typeof map === 'function' ? map(address) : map?.[address]) ?? { host, port };
    const client = createClient({
      ...defaults,
      RESP: options?.RESP ?? 2,
      // No reconnects: a lost connection closes the client, and the next redirect opens
      // another (or finds the node in the slot map by then).
      socket: {
        ...defaults.socket,
        host: reached.host,
        port: reached.port,
        reconnectStrategy: false,
      },
    } as Parameters<typeof createClient>[0]) as unknown as NodeRedisClient;
    client.on('error', (error: Error) => {
      const failed = asError(error);
      this.#onError(
        new Error(`Cluster node ${address} (outside the slot map): ${failed.message}`, {
          cause: failed,
        }),
      );
    });
    return client;
  }

  #connectTimeout(): number {
    const socket = this.#cluster._options?.defaults?.socket as
      | { readonly connectTimeout?: unknown }
      | undefined;
    const timeout = socket?.connectTimeout;
    return typeof timeout === 'number' && timeout > 0 ? timeout : DEFAULT_CONNECT_TIMEOUT_MS;
  }
}
