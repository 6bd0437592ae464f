import type { NodeRedisTopology } from './client-kind.js';
import type { LoadedScripts } from './loaded-scripts.js';
import type { NodeRedisAnyClient } from './node-redis-client.js';
import type { StartupHints } from './startup-hints.js';

/** Where one call goes: a connection, and the scripts that connection has sent in full. */
export interface Route {
  readonly scripts: LoadedScripts;
  /**
   * Hands the command to node-redis now, so calls routed in order are sent in order. A
   * redirect is followed (Cluster) until `signal` aborts: nothing is sent after that.
   */
  send(args: readonly string[], signal?: AbortSignal): Promise<unknown>;
}

/**
 * What the port needs of a node-redis client of any kind: whether a call can go now, the
 * connection a key's calls go to, and the client's lifecycle. One per topology.
 */
export interface ConnectionLink {
  readonly topology: NodeRedisTopology;
  readonly client: NodeRedisAnyClient;
  /** Throws `SessError('UNAVAILABLE')` when no call can go now: nothing waits in a queue. */
  assertReady(): void;
  /** The route of a call whose first key is `key` (`undefined`: a call without keys). */
  route(key: string | undefined): Route | Promise<Route>;
  /** Starts listening to the client (its errors, its new connections). */
  attach(onError: (error: Error) => void): void;
  /** Stops listening; a client of the user's stays as it is otherwise. */
  detach(): void;
  /**
   * Opens the client within `timeout` ms, failing at once when retrying cannot help (`hints`
   * name the options behind such a failure); a client that does not open is destroyed.
   */
  open(timeout: number, hints: StartupHints): Promise<void>;
  /** An unopened link on connections of its own, for blocking reads. */
  duplicate(): ConnectionLink;
  /** Closes the client: replies on their way may arrive for `graceMs`, then it is cut. */
  close(graceMs: number): Promise<void>;
}
