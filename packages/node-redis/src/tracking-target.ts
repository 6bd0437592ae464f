import type { SubscriberClient } from './invalidation-channel.js';

/** What happens to a data connection, as a `TrackedConnection` needs to hear it. */
export interface DataConnectionEvents {
  /** It dropped, or now leads to another server: Redis no longer tracks what it read. */
  lost(): void;
  /** It is connected (again): tracking can be set up on it. */
  ready(): void;
}

/**
 * One connection the port reads sessions on (the standalone client, the Sentinel client's
 * connection to the master, a Cluster master's connection), as tracking needs it.
 */
export interface TrackingTarget {
  /** The server, for messages. */
  readonly address: string;
  /** Closed for good (a Cluster node that left the topology): stop tracking it. */
  readonly closed: boolean;
  /** Sends a command on this very connection (no redirects, no other connection). */
  send(args: readonly string[]): Promise<unknown>;
  /** A new, unopened RESP2 client to the same server, without reconnects. */
  invalidationClient(): SubscriberClient;
  /** Starts telling `events`; the function it returns stops. */
  watch(events: DataConnectionEvents): () => void;
}
