import type { RedisReply } from '@sess/core/port';

/**
 * What an entry costs besides its strings: the Map slot, the entry object and the reply
 * array's header. Checked against the heap by a test (`reply-cache.test.ts`),
 * rounded up so that the estimate stays above what V8 really takes.
 */
const ENTRY_OVERHEAD = 224;
/** A string's header in V8, plus its slot in the reply array. */
const STRING_OVERHEAD = 32;

/** One cached `HGETALL` reply, and the tracked connection it was read on. */
export interface CacheEntry<Owner> {
  /** Frozen: every hit hands out this array itself (see `set`). */
  readonly reply: readonly RedisReply[];
  readonly bytes: number;
  readonly owner: Owner;
  /** The owner's tracking generation when the reply was read: valid while it is the same. */
  readonly generation: number;
  /** Read since the eviction sweep last passed it. */
  used: boolean;
}

/**
 * Bounded by entries and by bytes. Eviction takes the least recently used first, in the
 * second-chance approximation: a hit only sets a flag (no reordering on the read path), and the
 * sweep gives an entry read since its last pass one more round before dropping it.
 */
export class ReplyCache<Owner> {
  readonly #entries = new Map<string, CacheEntry<Owner>>();
  readonly #maxEntries: number;
  readonly #maxBytes: number;
  #bytes = 0;
  #evictions = 0;

  constructor(maxEntries: number, maxBytes: number) {
    this.#maxEntries = maxEntries;
    this.#maxBytes = maxBytes;
  }

  get size(): number {
    return this.#entries.size;
  }

  get bytes(): number {
    return this.#bytes;
  }

  /** Entries dropped to stay within the bounds, since creation. */
  get evictions(): number {
    return this.#evictions;
  }

  get(key: string): CacheEntry<Owner> | undefined {
    return this.#entries.get(key);
  }

  has(key: string): boolean {
    return this.#entries.has(key);
  }

  /**
   * Holds a frozen copy of `reply`; one too large for the byte bound is not held at all. Hits
   * hand out the copy itself: frozen, it cannot be changed by one reader under the next, and
   * the same array each time lets the store decode it once (see `#decodedOf` in `@sess/core`).
   */
  set(key: string, reply: readonly RedisReply[], owner: Owner, generation: number): void {
    this.delete(key);
    const bytes = sizeOf(key, reply);
    if (bytes > this.#maxBytes) return;
    const held = Object.freeze(reply.slice());
    this.#entries.set(key, { reply: held, bytes, owner, generation, used: false });
    this.#bytes += bytes;
    if (this.#entries.size > this.#maxEntries || this.#bytes > this.#maxBytes) this.#evict();
  }

  delete(key: string): boolean {
    const entry = this.#entries.get(key);
    if (entry === undefined) return false;
    this.#entries.delete(key);
    this.#bytes -= entry.bytes;
    return true;
  }

  /** Drops what was read on `owner`'s connection (its tracking was lost, or Redis flushed). */
  deleteOwnedBy(owner: Owner): void {
    for (const [key, entry] of this.#entries) {
      if (entry.owner === owner) this.delete(key);
    }
  }

  clear(): void {
    this.#entries.clear();
    this.#bytes = 0;
  }

  #evict(): void {
    while (this.#entries.size > this.#maxEntries || this.#bytes > this.#maxBytes) {
      const first = this.#entries.entries().next();
      if (first.done === true) return;
      const [key, entry] = first.value;
      this.#entries.delete(key);
      if (entry.used) {
        // A second chance: to the young end, unflagged.
        entry.used = false;
        this.#entries.set(key, entry);
      } else {
        this.#bytes -= entry.bytes;
        this.#evictions += 1;
      }
    }
  }
}

/** An estimate of the heap an entry takes, on the high side (see `ENTRY_OVERHEAD`). */
function sizeOf(key: string, reply: readonly RedisReply[]): number {
  let bytes = ENTRY_OVERHEAD + stringSize(key);
  for (const item of reply) bytes += typeof item === 'string' ? stringSize(item) : STRING_OVERHEAD;
  return bytes;
}

/** V8 keeps a string of Latin-1 characters at one byte a character, any other at two. */
function stringSize(text: string): number {
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) > 0xff) return STRING_OVERHEAD + 2 * text.length;
  }
  return STRING_OVERHEAD + text.length;
}
