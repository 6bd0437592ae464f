import { toSessError, withDeadline } from './deadline.js';
import { SessError } from './errors.js';
import { checkOptionKeys, optionNames } from './option-keys.js';
import { defaultNote } from './option-numbers.js';
import type { CommandCall, PortCall, RedisReply } from './redis-port.js';
import type { SessionStore } from './session-store.js';

/** One expiry bucket (`<prefix>:x:{b}`): its live sessions and those past expiry not yet cleaned. */
export interface BucketFigures {
  readonly key: string;
  /** Entries expiring after now: live sessions. */
  readonly live: number;
  /** Entries whose expiry has passed: waiting for the cleaner. */
  readonly due: number;
  /** The oldest expiry among `due` (ms since the epoch), undefined when none is due. */
  readonly oldestDue: number | undefined;
}

/** The expiry index read in one round trip: three O(log n) commands per bucket. */
export interface ExpiryIndexFigures {
  /** The store's clock when it was read. */
  readonly at: number;
  /** Live sessions, all buckets: what `store.count()` answers. */
  readonly active: number;
  /** Sessions past expiry still in the index, all buckets. */
  readonly due: number;
  /** How far cleanup is behind (ms): now minus the oldest due expiry; 0 when nothing is due. */
  readonly lag: number;
  readonly buckets: readonly BucketFigures[];
}

/** A consumer group of the event stream, as `XINFO GROUPS` tells it. */
export interface EventGroupFigures {
  readonly name: string;
  readonly consumers: number;
  /** Entries handed to a consumer and not acknowledged yet. */
  readonly pending: number;
  /** Entries not handed to the group yet; undefined when Redis cannot tell (after deletions). */
  readonly lag: number | undefined;
  readonly lastDeliveredId: string;
}

/** The event stream `<prefix>:{events}` and its dead-letter stream, in one round trip. */
export interface EventStreamFigures {
  readonly key: string;
  readonly length: number;
  /** Entries set aside after too many deliveries (`<prefix>:{events}:dead`). */
  readonly deadLetters: number;
  readonly groups: readonly EventGroupFigures[];
}

/** Reads every expiry bucket of the store: live and due counts and the oldest due expiry. */
export async function readExpiryIndex(store: SessionStore): Promise<ExpiryIndexFigures> {
  const at = store.options.now();
  const calls: CommandCall[] = [];
  for (const key of store.keys.buckets) {
    calls.push(
      { command: 'ZCOUNT', keys: [key], args: [key, `(${at}`, '+inf'] },
      { command: 'ZCOUNT', keys: [key], args: [key, '-inf', at] },
      {
        command: 'ZRANGE',
        keys: [key],
        args: [key, '-inf', at, 'BYSCORE', 'LIMIT', 0, 1, 'WITHSCORES'],
      },
    );
  }
  const replies = await batch(store, 'expiry index', calls);
  const buckets = store.keys.buckets.map((key, b): BucketFigures => {
    const oldest = replies[3 * b + 2];
    return {
      key,
      live: Number(replies[3 * b]),
      due: Number(replies[3 * b + 1]),
      oldestDue: Array.isArray(oldest) && oldest.length >= 2 ? Number(oldest[1]) : undefined,
    };
  });
  let oldestDue = Number.POSITIVE_INFINITY;
  for (const bucket of buckets) oldestDue = Math.min(oldestDue, bucket.oldestDue ?? oldestDue);
  return {
    at,
    active: buckets.reduce((sum, bucket) => sum + bucket.live, 0),
    due: buckets.reduce((sum, bucket) => sum + bucket.due, 0),
    lag: Number.isFinite(oldestDue) ? Math.max(0, at - oldestDue) : 0,
    buckets,
  };
}

/** Reads the event stream's length, its dead letters and its consumer groups. */
export async function readEventStream(store: SessionStore): Promise<EventStreamFigures> {
  const key = store.keys.events;
  const dead = `${key}:dead`;
  const [length, deadLetters, groups] = await batch(
    store,
    'event stream',
    [
      { command: 'XLEN', keys: [key], args: [key] },
      { command: 'XLEN', keys: [dead], args: [dead] },
      { command: 'XINFO', keys: [key], args: ['GROUPS', key] },
    ],
    // A stream nobody wrote to yet has no groups: XINFO answers "no such key".
    (error) => /no such key/i.test(error.message),
  );
  return {
    key,
    length: Number(length ?? 0),
    deadLetters: Number(deadLetters ?? 0),
    groups: Array.isArray(groups) ? groups.map(groupFigures) : [],
  };
}

export interface StoreGaugesOptions {
  /**
   * How long a reading is reused (ms). Scrapers of every instance ask at their own pace; this
   * bounds what they cost Redis to one reading per `maxAge` per instance.
   * @default 5_000
   */
  maxAge?: number;
}

const STORE_GAUGES_OPTION_NAMES = optionNames<StoreGaugesOptions>({ maxAge: true });
const DEFAULT_MAX_AGE = 5_000;

/**
 * The figures of a store that are read from Redis on demand (active sessions, cleanup lag, the
 * event stream and its consumer groups), each reading reused for `maxAge`. Concurrent asks
 * share one reading; a failed reading is not kept.
 */
export class StoreGauges {
  readonly store: SessionStore;
  readonly #maxAge: number;
  readonly #expiryIndex: () => Promise<ExpiryIndexFigures>;
  readonly #eventStream: () => Promise<EventStreamFigures>;

  constructor(store: SessionStore, options: StoreGaugesOptions = {}) {
    if (options === null || typeof options !== 'object') {
      throw new SessError('INVALID_OPTION', 'options: expected { maxAge? }');
    }
    checkOptionKeys(options, { known: STORE_GAUGES_OPTION_NAMES });
    const maxAge = options.maxAge ?? DEFAULT_MAX_AGE;
    if (typeof maxAge !== 'number' || !Number.isFinite(maxAge) || maxAge < 0) {
      throw new SessError(
        'INVALID_OPTION',
        `maxAge: expected a number of milliseconds, 0 or more; got ${String(maxAge)}${defaultNote({ unit: 'ms', default: DEFAULT_MAX_AGE })}`,
      );
    }
    this.store = store;
    this.#maxAge = maxAge;
    this.#expiryIndex = this.#cached(() => readExpiryIndex(store));
    this.#eventStream = this.#cached(() => readEventStream(store));
  }

  /** Live sessions, due sessions, cleanup lag and the per-bucket spread. */
  expiryIndex(): Promise<ExpiryIndexFigures> {
    return this.#expiryIndex();
  }

  /** Stream length, dead letters and consumer groups (pending, lag) — empty with `eventStream: false`. */
  eventStream(): Promise<EventStreamFigures> {
    return this.#eventStream();
  }

  #cached<T>(read: () => Promise<T>): () => Promise<T> {
    let value: { at: number; promise: Promise<T> } | undefined;
    return () => {
      const now = performance.now();
      if (value && now - value.at < this.#maxAge) return value.promise;
      const promise = read();
      const entry = { at: now, promise };
      value = entry;
      promise.catch(() => {
        if (value === entry) value = undefined;
      });
      return promise;
    };
  }
}

async function batch(
  store: SessionStore,
  what: string,
  calls: PortCall[],
  tolerated: (error: Error) => boolean = () => false,
): Promise<Array<RedisReply | undefined>> {
  const port = store.options.port;
  const results = await withDeadline(store.options.operationTimeout, what, (signal) =>
    port.batch(calls, { signal }),
  );
  return results.map((result) => {
    if (!(result instanceof Error)) return result;
    if (tolerated(result)) return undefined;
    throw toSessError(result, what);
  });
}

function groupFigures(reply: RedisReply): EventGroupFigures {
  const fields = new Map<string, RedisReply>();
  if (Array.isArray(reply)) {
    for (let i = 0; i + 1 < reply.length; i += 2)
      fields.set(String(reply[i]), reply[i + 1] ?? null);
  }
  const lag = fields.get('lag');
  return {
    name: String(fields.get('name') ?? ''),
    consumers: Number(fields.get('consumers') ?? 0),
    pending: Number(fields.get('pending') ?? 0),
    lag: lag === null || lag === undefined ? undefined : Number(lag),
    lastDeliveredId: String(fields.get('last-delivered-id') ?? ''),
  };
}
