import { asError } from './connect-within.js';
import { InvalidationChannel, within } from './invalidation-channel.js';
import type { TrackingTarget } from './tracking-target.js';

/** How a `TrackedConnection` works and whom it tells. */
export interface TrackingSettings {
  /** How long each step of setting tracking up may take (ms). */
  readonly connectTimeout: number;
  /** The interval of the liveness check (ms); see `NodeRedisCacheOptions.heartbeat`. */
  readonly heartbeat: number;
  /** The delay before attempt `n` (from 0) to set tracking up again. */
  readonly backoff: (attempt: number) => number;
  readonly onError: (error: Error) => void;
}

/** What the cache hears from one tracked connection. */
export interface TrackingListener {
  /** These keys changed: drop them. */
  invalidate(keys: readonly string[]): void;
  /** Nothing read on this connection may be served any more: tracking was lost, or Redis flushed (`flushed`). */
  dropAll(connection: TrackedConnection, flushed: boolean): void;
  /** The connection is closed for good and forgotten. */
  closed?(connection: TrackedConnection): void;
}

type State = 'down' | 'starting' | 'up' | 'closed';

/**
 * Client-side caching on one data connection, in RESP2: an invalidation channel of its own
 * (`InvalidationChannel`), `CLIENT TRACKING ON REDIRECT <channel id>` on the data connection,
 * and a heartbeat. It is `up` only while all three hold; every change of that bumps
 * `generation`, so a reply read in an earlier generation is never cached.
 *
 * Tracking is lost with either connection: the data connection's tracking state dies with it
 * (a new one starts untracked), and invalidations sent to a closed channel are lost (in RESP2
 * Redis tells nobody). Either way the connection goes `down` at once, the cache drops what it
 * read, and it is set up again from scratch (a new channel, a new redirect) after a backoff.
 *
 * No `NOLOOP`: this instance's own writes come back as invalidations too. The cache drops a
 * key when the port sends a write anyway, but a write that reached Redis on the same
 * connection another way (the application's own use of a client it passed in) is covered only
 * so.
 */
export class TrackedConnection {
  readonly target: TrackingTarget;
  readonly #settings: TrackingSettings;
  readonly #listener: TrackingListener;
  readonly #unwatch: () => void;
  #state: State = 'down';
  #generation = 0;
  /** Data connection losses seen: a setup that saw one on its way starts over. */
  #losses = 0;
  #attempt = 0;
  #channel: InvalidationChannel | undefined;
  #retry: NodeJS.Timeout | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #probe: Promise<unknown> | undefined;

  constructor(target: TrackingTarget, settings: TrackingSettings, listener: TrackingListener) {
    this.target = target;
    this.#settings = settings;
    this.#listener = listener;
    this.#unwatch = target.watch({
      lost: () => this.#dataLost(),
      ready: () => this.#dataReady(),
    });
  }

  /** Redis tracks what this connection reads, and its invalidations reach the cache. */
  get up(): boolean {
    return this.#state === 'up';
  }

  /** Changes whenever tracking comes up, goes down or is flushed. */
  get generation(): number {
    return this.#generation;
  }

  /** Starts setting tracking up (now, then again after every loss). */
  start(): void {
    if (this.#state === 'down' && this.#retry === undefined) void this.#attemptNow();
  }

  /**
   * Stops tracking for good. Tracking is switched off on the data connection too: a client of
   * the application's stays open, and would otherwise keep its reads tracked into a channel
   * that is gone.
   */
  close(): void {
    if (this.#state === 'closed') return;
    const wasUp = this.#state === 'up';
    if (!this.target.closed)
      this.target.send(['CLIENT', 'TRACKING', 'OFF']).then(undefined, () => {});
    this.#state = 'closed';
    this.#generation += 1;
    clearTimeout(this.#retry);
    this.#retry = undefined;
    this.#stopHeartbeat();
    this.#channel?.close();
    this.#channel = undefined;
    this.#unwatch();
    if (wasUp) this.#listener.dropAll(this, false);
    this.#listener.closed?.(this);
  }

  async #attemptNow(): Promise<void> {
    if (this.#state !== 'down') return;
    if (this.target.closed) {
      this.close();
      return;
    }
    this.#state = 'starting';
    try {
      await this.#setUp();
      this.#attempt = 0;
    } catch (error) {
      if (this.#state !== 'starting') return;
      this.#channel?.close();
      this.#channel = undefined;
      this.#state = 'down';
      this.#settings.onError(
        new Error(
          `sess cache: no tracking on ${this.target.address} (reads go to Redis): ${asError(error).message}`,
          { cause: error },
        ),
      );
      this.#later(this.#settings.backoff(this.#attempt++));
    }
  }

  async #setUp(): Promise<void> {
    const losses = this.#losses;
    const timeout = this.#settings.connectTimeout;
    const channel = new InvalidationChannel(this.target.invalidationClient(), {
      keys: (keys) => this.#listener.invalidate(keys),
      flush: () => this.#flushed(channel),
      lost: (error) => this.#channelLost(channel, error),
    });
    this.#channel = channel;
    await channel.open(timeout);
    this.#assertStill(losses, channel);
    const reply = await within(
      this.target.send(['CLIENT', 'TRACKING', 'ON', 'REDIRECT', String(channel.id)]),
      timeout,
    );
    if (reply !== 'OK') throw new Error(`CLIENT TRACKING answered ${String(reply)}`);
    // The data connection may have dropped and come back (untracked) meanwhile.
    this.#assertStill(losses, channel);
    this.#state = 'up';
    this.#generation += 1;
    this.#startHeartbeat();
  }

  #assertStill(losses: number, channel: InvalidationChannel): void {
    if (this.#state !== 'starting') throw new Error('closed');
    if (this.#losses !== losses) throw new Error('the data connection dropped meanwhile');
    if (channel.lost) throw new Error('the invalidation connection dropped meanwhile');
  }

  #dataLost(): void {
    this.#losses += 1;
    if (this.#state === 'up') this.#down(new Error('the data connection dropped'));
  }

  #dataReady(): void {
    // A new connection: try at once rather than after the backoff.
    if (this.#state !== 'down') return;
    clearTimeout(this.#retry);
    this.#retry = undefined;
    void this.#attemptNow();
  }

  #channelLost(channel: InvalidationChannel, error: Error): void {
    if (this.#channel !== channel) return;
    if (this.#state === 'up') this.#down(error);
  }

  #flushed(channel: InvalidationChannel): void {
    if (this.#channel !== channel || this.#state !== 'up') return;
    this.#generation += 1;
    this.#listener.dropAll(this, true);
  }

  /** Tracking is gone: drop what was read, and set it up again after a backoff. */
  #down(error: Error): void {
    this.#state = 'down';
    this.#generation += 1;
    this.#stopHeartbeat();
    this.#channel?.close();
    this.#channel = undefined;
    this.#listener.dropAll(this, false);
    this.#settings.onError(
      new Error(
        `sess cache: tracking lost on ${this.target.address} (reads go to Redis until it is back): ${error.message}`,
        { cause: error },
      ),
    );
    this.#later(this.#settings.backoff(this.#attempt++));
  }

  #later(delay: number): void {
    if (this.#state === 'closed' || this.#retry !== undefined) return;
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      void this.#attemptNow();
    }, delay);
    this.#retry.unref();
  }

  /**
   * Each beat checks both halves: the channel answers a PING (so nothing Redis sent before it
   * is stuck), and the data connection reports tracking on, redirected to this channel. A
   * check still unanswered at the next beat means a connection that died without a word.
   */
  #startHeartbeat(): void {
    this.#heartbeat = setInterval(() => this.#beat(), this.#settings.heartbeat);
    this.#heartbeat.unref();
  }

  #stopHeartbeat(): void {
    clearInterval(this.#heartbeat);
    this.#heartbeat = undefined;
    this.#probe = undefined;
  }

  #beat(): void {
    const channel = this.#channel;
    if (this.#state !== 'up' || channel === undefined) return;
    const pending = this.#probe;
    if (pending !== undefined) {
      // Timers run before the event loop reads its sockets: after a turn held up past the
      // beat (a long GC pause, synchronous work), the answer may be waiting there unread. The
      // verdict waits for the check phase, after this turn's read.
      setImmediate(() => {
        if (this.#probe !== pending || this.#state !== 'up') return;
        this.#down(
          new Error(`no answer to the tracking check within ${this.#settings.heartbeat} ms`),
        );
      });
      return;
    }
    const probe = Promise.all([channel.ping(), this.target.send(['CLIENT', 'TRACKINGINFO'])]);
    this.#probe = probe;
    probe.then(
      ([, info]) => {
        if (this.#probe !== probe) return;
        this.#probe = undefined;
        const wrong = trackingProblem(info, channel.id);
        if (wrong !== undefined) this.#down(new Error(wrong));
      },
      (error: unknown) => {
        if (this.#probe !== probe) return;
        this.#probe = undefined;
        this.#down(asError(error));
      },
    );
  }
}

/** What is wrong with a `CLIENT TRACKINGINFO` reply, if anything, for tracking into `channelId`. */
function trackingProblem(info: unknown, channelId: number): string | undefined {
  if (!Array.isArray(info)) return `CLIENT TRACKINGINFO answered ${String(info)}`;
  let flags: unknown;
  let redirect: unknown;
  for (let i = 0; i + 1 < info.length; i += 2) {
    if (info[i] === 'flags') flags = info[i + 1];
    else if (info[i] === 'redirect') redirect = info[i + 1];
  }
  if (!Array.isArray(flags) || !flags.includes('on'))
    return 'tracking is off on the data connection';
  if (flags.includes('broken_redirect')) return 'the invalidation connection is gone';
  if (redirect !== channelId)
    return `tracking goes to client ${String(redirect)}, not ${channelId}`;
  return undefined;
}
