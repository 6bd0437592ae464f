import type { TrackedConnection } from './tracked-connection.js';
import type { TrackingTarget } from './tracking-target.js';

/** Makes the tracked connection of a target (the cache's settings and listener bound in). */
export type TrackerFactory = (target: TrackingTarget) => TrackedConnection;

/** The tracked connections of a topology, and which one a read of a key goes to. */
export interface TrackingTopology {
  /**
   * A read goes through the port's own path, which sends on the one tracked connection
   * (standalone, Sentinel); otherwise (Cluster) the cache sends it on the tracker's target
   * itself, so that a reply always comes from the connection whose tracking covers it.
   */
  readonly readsThroughPort: boolean;
  /** The tracked connection a read of `key` goes to, if one can be named (else: not cached). */
  trackerFor(key: string): TrackedConnection | undefined | Promise<TrackedConnection | undefined>;
  /** Every tracked connection now. */
  trackers(): Iterable<TrackedConnection>;
  /** Starts tracking where it can already. */
  start(): void;
  /** A tracked connection closed itself for good: no read goes to it any more. */
  forget(tracker: TrackedConnection): void;
  close(): void;
}

/** One connection: a standalone server, or the master of a Sentinel set. */
export class SingleTracking implements TrackingTopology {
  readonly readsThroughPort = true;
  readonly #tracker: TrackedConnection;

  constructor(target: TrackingTarget, track: TrackerFactory) {
    this.#tracker = track(target);
  }

  trackerFor(): TrackedConnection {
    return this.#tracker;
  }

  trackers(): Iterable<TrackedConnection> {
    return [this.#tracker];
  }

  start(): void {
    this.#tracker.start();
  }

  forget(): void {}

  close(): void {
    this.#tracker.close();
  }
}
