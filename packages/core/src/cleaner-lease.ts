import { randomBytes } from 'node:crypto';
import { releaseLeaseScript, renewLeaseScript } from './lease-scripts.js';
import type { PortCall, RedisReply } from './redis-port.js';

/** Sends one call with the store's deadline. */
export type LeaseCall = (what: string, call: PortCall) => Promise<RedisReply>;

export type LeaseAttempt =
  | { readonly acquired: true }
  | { readonly acquired: false /** When to look again (ms). */; readonly retryIn: number };

/**
 * The cleaner lease: `SET key token NX PX ttl` to take it, a compare-and-expire script to
 * renew it, a compare-and-delete script to give it back. An instance that does not hold it
 * reads its remaining time (`PTTL`) and looks again only when it could have run out, so a
 * fleet costs about one command per instance per `ttl − interval`, and a dead holder is
 * replaced as soon as its lease ends.
 */
export class CleanerLease {
  /** Unique to this cleaner run: a restarted instance is a new holder. */
  readonly token = randomBytes(16).toString('base64url');

  readonly #call: LeaseCall;

  constructor(
    readonly key: string,
    readonly ttl: number,
    call: LeaseCall,
  ) {
    this.#call = call;
  }

  /** Takes the lease if nobody holds it. */
  async tryAcquire(minRetry: number): Promise<LeaseAttempt> {
    const remaining = Number(
      await this.#call('cleaner lease', { command: 'PTTL', keys: [this.key], args: [this.key] }),
    );
    if (remaining === -2) {
      const reply = await this.#call('cleaner lease', {
        command: 'SET',
        keys: [this.key],
        args: [this.key, this.token, 'NX', 'PX', this.ttl],
      });
      if (reply === 'OK') return { acquired: true };
      // Someone took it just now: it runs a full ttl from about now.
      return { acquired: false, retryIn: Math.max(minRetry, this.ttl / 3) };
    }
    // -1: a lease without expiry, set by hand. Look again later rather than ever break it.
    if (remaining === -1) return { acquired: false, retryIn: this.ttl };
    return { acquired: false, retryIn: Math.max(minRetry, remaining) };
  }

  /** Extends the lease if this cleaner still holds it. */
  async renew(): Promise<boolean> {
    const reply = await this.#call('cleaner lease', {
      script: renewLeaseScript,
      keys: [this.key],
      args: [this.token, this.ttl],
    });
    return reply === 1;
  }

  /** Gives the lease back, if this cleaner still holds it, so another can take over at once. */
  async release(): Promise<boolean> {
    const reply = await this.#call('cleaner lease', {
      script: releaseLeaseScript,
      keys: [this.key],
      args: [this.token],
    });
    return reply === 1;
  }
}
