import * as crypto from 'node:crypto';

/**
 * SHA-256 in base64url. `crypto.hash` (Node 20.12+) digests in one call, without a Hash object;
 * a namespace import, so that a Node without it falls back instead of failing.
 */
const sha256 =
  typeof crypto.hash === 'function'
    ? (text: string) => crypto.hash('sha256', text, 'base64url')
    : (text: string) => crypto.createHash('sha256').update(text).digest('base64url');

/**
 * Where everything lives in Redis (docs/design/data-layout.md). Each key carries a hash tag, so per-session
 * keys land on the slot of their id and the shared keys spread over the cluster.
 */
export class KeyLayout {
  readonly events: string;
  readonly lease: string;
  readonly buckets: readonly string[];

  constructor(
    readonly prefix: string,
    readonly bucketCount: number,
  ) {
    this.events = `${prefix}:{events}`;
    this.lease = `${prefix}:{cleaner}`;
    this.buckets = Array.from({ length: bucketCount }, (_, b) => `${prefix}:x:{${b}}`);
  }

  session(id: string): string {
    return `${this.prefix}:s:{${id}}`;
  }

  /** The expiry bucket of a session: fixed for its whole life, so an extension is one ZADD. */
  bucketOf(id: string): string {
    // FNV-1a over the id: ids are random already, this only has to be stable and cheap.
    let hash = 0x811c9dc5;
    for (let i = 0; i < id.length; i++) {
      hash ^= id.charCodeAt(i);
      hash = Math.imul(hash, 0x01000193);
    }
    return this.buckets[(hash >>> 0) % this.bucketCount] as string;
  }

  /** The principal index: a digest, so any principal string is safe inside a key. */
  principal(principal: string): string {
    const digest = sha256(principal).slice(0, 22);
    return `${this.prefix}:p:{${digest}}`;
  }
}
