import { SessError } from '@sess/core';
import { asError, connectWithin } from './connect-within.js';
import type { NodeRedisClient } from './node-redis-client.js';
import { sendCommand } from './send-command.js';
import { untilAborted } from './until-aborted.js';

/** Where Redis publishes the keys a tracked connection read and someone changed since. */
const INVALIDATE = '__redis__:invalidate';

/** A node-redis 6 client that can subscribe (any `createClient()` result). */
export interface SubscriberClient extends NodeRedisClient {
  subscribe(channel: string, listener: (message: unknown) => void): Promise<void>;
}

/** What the channel hears. */
export interface InvalidationListener {
  /** These keys changed (or were deleted, expired, evicted). */
  keys(keys: readonly string[]): void;
  /** Everything this server's tracking covered is void (a flush). */
  flush(): void;
  /** The connection is gone: what Redis sends from now on is lost. Called once. */
  lost(error: Error): void;
}

/**
 * The connection invalidation messages are redirected to (`CLIENT TRACKING ON REDIRECT <id>`):
 * a RESP2 connection subscribed to `__redis__:invalidate`. It never reconnects by itself: a new
 * connection has a new id, which the tracked connection would not know, so whoever owns the
 * channel opens a new one and redirects tracking to it.
 */
export class InvalidationChannel {
  readonly #client: SubscriberClient;
  readonly #listener: InvalidationListener;
  #id: number | undefined;
  #lost = false;

  /** `client`: unopened, without reconnects, to the server whose tracking it serves. */
  constructor(client: SubscriberClient, listener: InvalidationListener) {
    this.#client = client;
    this.#listener = listener;
    // Before anything can fail: an error event nobody listens to would crash the process.
    client.on('error', (error) => this.#fail(asError(error)));
  }

  /** Its client id, once open. */
  get id(): number {
    if (this.#id === undefined) throw new SessError('UNAVAILABLE', 'invalidation channel not open');
    return this.#id;
  }

  get lost(): boolean {
    return this.#lost;
  }

  /** Connects, learns its id, subscribes; each step within `timeout` ms. */
  async open(timeout: number): Promise<void> {
    await connectWithin(this.#client, timeout);
    const id = await within(sendCommand(this.#client, ['CLIENT', 'ID']), timeout);
    if (typeof id !== 'number') throw new Error(`CLIENT ID answered ${String(id)}`);
    await within(
      this.#client.subscribe(INVALIDATE, (message) => this.#message(message)),
      timeout,
    );
    this.#id = id;
  }

  /** A round trip on the channel: its answer comes after every message Redis sent before it. */
  ping(): Promise<unknown> {
    return sendCommand(this.#client, ['PING']);
  }

  close(): void {
    this.#lost = true;
    if (this.#client.isOpen) this.#client.destroy();
  }

  #message(message: unknown): void {
    if (this.#lost) return;
    // A flush comes as a nil instead of a list of keys.
    if (Array.isArray(message)) this.#listener.keys(message as string[]);
    else this.#listener.flush();
  }

  #fail(error: Error): void {
    if (this.#lost) return;
    this.#lost = true;
    this.#listener.lost(error);
  }
}

/** `promise`, or UNAVAILABLE after `ms`. */
export function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  return untilAborted(promise, AbortSignal.timeout(ms));
}
