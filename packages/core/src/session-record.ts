import { isSessError, SessError } from './errors.js';
import type { Serializer } from './serializer.js';
import type { SessionDevice } from './session-device.js';

/**
 * The meta fields of a session hash. They start with `#`, which attribute names may not, so
 * the two never collide and one HGETALL returns both. The timeouts are not stored: they are
 * policy, taken from the store's options (the session's lifetime policy) whenever a session is
 * read (docs/design/decisions.md), so shortening one applies to every live session at once.
 */
export const META = {
  /** The creation and two offsets, `created:lastAccess−created:expiresAt−lastAccess` (`stored-times.ts`). */
  times: '#t',
  principal: '#p',
  /** Only in the mark a regenerate leaves at the old id: the new id (see `moveScript`). */
  moved: '#m',
  /** The lifetime policy's name; absent for `default` (see `lifetime-policy.ts`). */
  lifetime: '#l',
  /** The user agent recorded at sign-in, when the HTTP sessions' `devices` option is on. */
  userAgent: '#u',
  /** The address prefix recorded at sign-in (`/24`, `/48`), when `devices` is on. */
  address: '#a',
} as const;

const MAX_NAME_LENGTH = 200;

/** Up to this many stored attributes, a lookup scans the pairs instead of building a Map. */
const MAX_SCANNED_PAIRS = 16;

/** What a shared pairs' parsed values hold for a value not parsed yet. */
const NOT_PARSED: unique symbol = Symbol('sess.notParsed');

/**
 * Pairs that every record read from one cached reply shares (see `sharePairs`), and the
 * primitives parsed from them so far, by pair (`NOT_PARSED` until then): each is parsed once.
 */
const SHARED_PAIRS = new WeakMap<readonly string[], unknown[]>();

/**
 * Makes `pairs` (fresh, the store's own) the pairs every record read from one cached reply
 * shares: their names become the strings V8 keeps for property names, so that a lookup by a
 * property of the session view compares pointers, and the primitives parsed from them are
 * kept for all those records. Not frozen, though no record changes them: optimized code reads
 * a frozen array's elements through a generic path, and a lookup reads several.
 */
export function sharePairs(pairs: string[]): readonly string[] {
  for (let i = 0; i < pairs.length; i += 2) pairs[i] = propertyName(pairs[i] as string);
  SHARED_PAIRS.set(pairs, new Array<unknown>(pairs.length / 2).fill(NOT_PARSED));
  return pairs;
}

/** `name` as V8 keeps it for property names (internalized): one copy, compared by pointer. */
function propertyName(name: string): string {
  return Object.keys({ [name]: 0 })[0] ?? name;
}

/** Where `name` is among name/value pairs, or -1. */
function pairIndex(pairs: readonly string[], name: string): number {
  for (let i = 0; i + 1 < pairs.length; i += 2) if (pairs[i] === name) return i;
  return -1;
}

/** Name/value pairs (`[name, value, name, value, ...]`) as a Map. */
export function pairsToMap(pairs: readonly string[]): Map<string, string> {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < pairs.length; i += 2) map.set(pairs[i] as string, pairs[i + 1] as string);
  return map;
}

export function assertAttributeName(name: string): void {
  if (typeof name !== 'string' || name.length === 0 || name.length > MAX_NAME_LENGTH) {
    throw new SessError('INVALID_NAME', `attribute names are 1 to ${MAX_NAME_LENGTH} characters`);
  }
  if (name.startsWith('#')) {
    throw new SessError(
      'INVALID_NAME',
      `attribute "${name}": names starting with "#" are reserved`,
    );
  }
}

/** A session's times, with the timeouts of its lifetime policy (policy, not stored data). */
export interface SessionTimes {
  readonly createdAt: number;
  readonly lastAccessAt: number;
  readonly idleTimeout: number;
  /** createdAt + absoluteTimeout: the session never lives past it, however active. */
  readonly absoluteExpiresAt: number;
}

export function expiryOf(times: Omit<SessionTimes, 'createdAt'>): number {
  return Math.min(times.lastAccessAt + times.idleTimeout, times.absoluteExpiresAt);
}

/**
 * One session as the repository sees it: meta data, and attributes decoded lazily from the
 * strings they were stored as. Writing an attribute, or reading one that holds an object,
 * marks it for comparison at commit, which is how a nested mutation
 * (`get('cart').items.push(x)`) is saved and an untouched attribute is not rewritten.
 */
export class SessionRecord {
  /**
   * Attributes as stored in Redis when loaded (empty for a new session): the name/value pairs
   * of the reply until something needs a Map (`#storedMap`). A read looks attributes up in the
   * pairs, since building a Map for a handful of attributes costs a read more than scanning
   * them (docs/design/read-path.md).
   */
  #storedPairs: readonly string[] | undefined;
  /** Primitives parsed from `#storedPairs`, if they are shared (see `SHARED_PAIRS`). */
  #parsed: unknown[] | undefined;
  #stored: Map<string, string> | undefined;
  /**
   * Attributes written in this request, and objects read (they may change in place). Made on
   * the first of those: most reads only read primitives, and never need it.
   */
  #live: Map<string, unknown> | undefined;
  readonly #serializer: Serializer;
  #times: SessionTimes;
  #principal: string | undefined;
  readonly #device: SessionDevice | undefined;
  #lifetime: string;
  /** The lifetime policy changed since the last commit: the commit writes it. */
  #lifetimeChanged = false;
  #isNew: boolean;

  constructor(
    readonly id: string,
    init: {
      times: SessionTimes;
      principal: string | undefined;
      /** What the session's sign-in recorded about its device, if anything. */
      device?: SessionDevice | undefined;
      /** The lifetime policy's name. */
      lifetime: string;
      /** A Map, or name/value pairs (`[name, value, name, value, ...]`). */
      stored: Map<string, string> | readonly string[];
      serializer: Serializer;
      isNew: boolean;
    },
  ) {
    this.#times = init.times;
    this.#principal = init.principal;
    this.#device = init.device;
    this.#lifetime = init.lifetime;
    const stored = init.stored;
    if (stored instanceof Map) this.#stored = stored;
    // A scan is cheaper than a Map for a few attributes, not for many.
    else if (stored.length <= MAX_SCANNED_PAIRS * 2) {
      this.#storedPairs = stored;
      this.#parsed = SHARED_PAIRS.get(stored);
    } else this.#stored = pairsToMap(stored);
    this.#serializer = init.serializer;
    this.#isNew = init.isNew;
  }

  /** True until the session was first written to Redis. */
  get isNew(): boolean {
    return this.#isNew;
  }
  get principal(): string | undefined {
    return this.#principal;
  }
  /** The user agent and address prefix recorded at sign-in (the `devices` option), if any. */
  get device(): SessionDevice | undefined {
    return this.#device;
  }
  /** The name of the session's lifetime policy. */
  get lifetime(): string {
    return this.#lifetime;
  }
  /** The lifetime policy changed and the next commit writes it. */
  get lifetimeChanged(): boolean {
    return this.#lifetimeChanged;
  }
  get createdAt(): number {
    return this.#times.createdAt;
  }
  get lastAccessAt(): number {
    return this.#times.lastAccessAt;
  }
  get expiresAt(): number {
    return expiryOf(this.#times);
  }
  get times(): SessionTimes {
    return this.#times;
  }

  get(name: string): unknown {
    const live = this.#live;
    if (live?.has(name)) return live.get(name);
    const pairs = this.#storedPairs;
    if (pairs === undefined) {
      const text = this.#stored?.get(name);
      return text === undefined ? undefined : this.#parsedValue(name, text);
    }
    const i = pairIndex(pairs, name);
    if (i === -1) return undefined;
    const parsed = this.#parsed;
    if (parsed === undefined) return this.#parsedValue(name, pairs[i + 1] as string);
    const known = parsed[i >> 1];
    if (known !== NOT_PARSED) return known;
    const value = this.#parsedValue(name, pairs[i + 1] as string);
    // Objects are the request's own (`#live`); a primitive is the same for every reader.
    if (value === null || typeof value !== 'object') parsed[i >> 1] = value;
    return value;
  }

  #parsedValue(name: string, text: string): unknown {
    const value = this.#serializer.parse(text);
    // Only an object can change without a `set` (a nested mutation), so only an object is
    // compared at commit; a primitive that was merely read costs no serialization there.
    if (value !== null && typeof value === 'object') this.#liveMap().set(name, value);
    return value;
  }

  set(name: string, value: unknown): void {
    assertAttributeName(name);
    this.#liveMap().set(name, value);
  }

  delete(name: string): void {
    this.#liveMap().set(name, undefined);
  }

  has(name: string): boolean {
    const live = this.#live;
    return live?.has(name) ? live.get(name) !== undefined : this.#storedText(name) !== undefined;
  }

  /** Names of the attributes present now. */
  names(): string[] {
    const names = new Set(this.#storedMap().keys());
    for (const [name, value] of this.#live ?? []) {
      if (value === undefined) names.delete(name);
      else names.add(name);
    }
    return [...names];
  }

  /**
   * An attribute as it is stored (loaded, or written by the last commit), whatever this
   * request changed since: what the session held before.
   */
  storedValue(name: string): unknown {
    const text = this.#storedText(name);
    return text === undefined ? undefined : this.#serializer.parse(text);
  }

  /** The names of the attributes as stored, whatever this request changed since. */
  storedNames(): string[] {
    return [...this.#storedMap().keys()];
  }

  /** Every attribute, decoded. */
  toObject(): Record<string, unknown> {
    const out: Record<string, unknown> = Object.create(null);
    for (const name of this.names()) out[name] = this.get(name);
    return out;
  }

  /**
   * Whether a commit has anything to write: stops at the first attribute that differs from its
   * stored form, and checks no size limit (`changes` does, when there is something to write).
   */
  hasChanges(): boolean {
    for (const [name, value] of this.#live ?? []) {
      const stored = this.#storedText(name);
      if (
        value === undefined ? stored !== undefined : stored !== this.#serializer.stringify(value)
      ) {
        return true;
      }
    }
    return false;
  }

  /**
   * What a commit must write: attributes whose serialized form differs from the stored one,
   * and attributes removed (those never stored are left out). Also checks the size and count
   * limits, before anything is sent.
   */
  changes(limits: { maxAttributeBytes: number; maxSessionBytes: number; maxAttributes: number }): {
    set: Map<string, string>;
    removed: string[];
  } {
    const set = new Map<string, string>();
    const removed: string[] = [];
    const live = this.#live;
    if (live === undefined) return { set, removed };
    // The attributes the session holds after the commit, counted as they go: what this request
    // touched now, what it left alone below.
    let count = 0;
    let bytes = 0;
    for (const [name, value] of live) {
      if (value === undefined) {
        if (this.#storedText(name) !== undefined) removed.push(name);
        continue;
      }
      const text = this.#serializer.stringify(value);
      const size = Buffer.byteLength(text);
      if (size > limits.maxAttributeBytes) {
        throw new SessError(
          'TOO_LARGE',
          `attribute "${name}" is ${size} bytes, more than maxAttributeBytes (${limits.maxAttributeBytes})`,
        );
      }
      if (this.#storedText(name) !== text) set.set(name, text);
      count++;
      bytes += Buffer.byteLength(name) + size;
    }
    if (set.size === 0) return { set, removed };
    for (const [name, text] of this.#storedEntries()) {
      if (live.has(name)) continue;
      count++;
      bytes += Buffer.byteLength(name) + Buffer.byteLength(text);
    }
    if (count > limits.maxAttributes) {
      throw new SessError(
        'TOO_LARGE',
        `session would hold ${count} attributes, more than maxAttributes (${limits.maxAttributes})`,
      );
    }
    if (bytes > limits.maxSessionBytes) {
      throw new SessError(
        'TOO_LARGE',
        `session would be ${bytes} bytes, more than maxSessionBytes (${limits.maxSessionBytes})`,
      );
    }
    return { set, removed };
  }

  /**
   * Drops an attribute from the record altogether, stored form and change alike: `take` removed
   * it in Redis, so the commit has nothing to write or delete for it.
   */
  forget(name: string): void {
    this.#storedMap().delete(name);
    this.#live?.delete(name);
  }

  #storedText(name: string): string | undefined {
    const stored = this.#stored;
    if (stored !== undefined) return stored.get(name);
    const pairs = this.#storedPairs as readonly string[];
    const i = pairIndex(pairs, name);
    return i === -1 ? undefined : pairs[i + 1];
  }

  /** The stored attributes as name/text pairs, without building a Map for a few of them. */
  *#storedEntries(): Generator<[name: string, text: string]> {
    const stored = this.#stored;
    if (stored !== undefined) {
      yield* stored;
      return;
    }
    const pairs = this.#storedPairs as readonly string[];
    for (let i = 0; i + 1 < pairs.length; i += 2)
      yield [pairs[i] as string, pairs[i + 1] as string];
  }

  #storedMap(): Map<string, string> {
    if (this.#stored === undefined) {
      this.#stored = pairsToMap(this.#storedPairs as readonly string[]);
      this.#storedPairs = undefined;
      this.#parsed = undefined;
    }
    return this.#stored;
  }

  #liveMap(): Map<string, unknown> {
    this.#live ??= new Map();
    return this.#live;
  }

  /** Moves the session to another lifetime policy, `times` computed with it; written at commit. */
  useLifetime(lifetime: string, times: SessionTimes): void {
    if (lifetime === this.#lifetime) return;
    this.#lifetime = lifetime;
    this.#times = times;
    this.#lifetimeChanged = true;
  }

  /** After a successful commit: what was written is now what is stored. */
  committed(written: { set: Map<string, string>; removed: string[] }, times: SessionTimes): void {
    const stored = this.#storedMap();
    for (const [name, text] of written.set) stored.set(name, text);
    for (const name of written.removed) stored.delete(name);
    this.#times = times;
    this.#isNew = false;
    this.#lifetimeChanged = false;
  }

  /** A fresh record for a new id, carrying the chosen attributes (regenerate, sign-in). */
  carryTo(
    id: string,
    keep: 'all' | 'none' | readonly string[],
    init: {
      times: SessionTimes;
      principal: string | undefined;
      device: SessionDevice | undefined;
      lifetime: string;
    },
  ): SessionRecord {
    const next = new SessionRecord(id, {
      ...init,
      stored: new Map(),
      serializer: this.#serializer,
      isNew: true,
    });
    const names = keep === 'all' ? this.names() : keep === 'none' ? [] : keep;
    for (const name of names) {
      const value = this.get(name);
      if (value !== undefined) next.set(name, value);
    }
    return next;
  }
}

/**
 * For a read that threw: undefined where the serializer refused the stored text (`__proto__`
 * keys planted in Redis), so that a session hands such a value out as absent; else throws.
 */
export function absentIfInvalid(error: unknown): undefined {
  if (isSessError(error, 'INVALID_VALUE')) return undefined;
  throw error;
}
