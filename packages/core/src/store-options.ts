import {
  CLEANER_OPTION_NAMES,
  type CleanerOptions,
  type ResolvedCleanerOptions,
  resolveCleanerOptions,
} from './cleaner-options.js';
import { SessError } from './errors.js';
import {
  EVENT_STREAM_OPTION_NAMES,
  type EventStreamOptions,
  type ResolvedEventStream,
} from './event-stream-options.js';
import { STORE_OPTION_NAMES, STORE_OPTIONS_INSTEAD } from './foreign-option-names.js';
import {
  assertLifetime,
  DEFAULT_LIFETIME,
  type LifetimePolicy,
  type ResolvedLifetimes,
  resolveLifetimes,
} from './lifetime-policy.js';
import type { SessionObserver } from './observer.js';
import { checkOptionKeys, optionNames } from './option-keys.js';
import { checkInteger, checkShorter, type RelatedOption } from './option-numbers.js';
import type { RedisPort } from './redis-port.js';
import { jsonSerializer, type Serializer } from './serializer.js';

/** A write that fewer replicas acknowledged in time than `waitForReplicas` asks for. */
export interface ReplicationShortfall {
  readonly operation: 'create' | 'regenerate' | 'destroy' | 'revoke';
  /** The sessions the operation wrote (created, taken or revoked). */
  readonly ids: readonly string[];
  /** Replicas that acknowledged, the fewest of any node the operation wrote to. */
  readonly acknowledged: number;
  readonly replicas: number;
}

/**
 * Wait for replication after the writes that matter most in a failover: a session that was
 * created, regenerated (sign-in), destroyed (sign-out) or revoked. `WAIT replicas timeoutMs`
 * goes in the same round trip, after the writes and outside any script.
 */
export interface WaitForReplicasOptions {
  /** Replicas that must acknowledge each write (at least 1). */
  replicas: number;
  /**
   * Longest wait for them (ms, at least 1, below `operationTimeout`). Keep it small (replicas
   * on a LAN acknowledge within a millisecond or two): WAIT holds up the connection it runs on,
   * so while fewer replicas answer than asked for, every command behind it waits too.
   */
  timeoutMs: number;
  /**
   * Told when fewer replicas acknowledged in time; the operation then succeeds as usual.
   * @default undefined (the operation fails with `SessError('NOT_REPLICATED')` after its writes)
   */
  onShortfall?: (shortfall: ReplicationShortfall) => void;
}

export interface SessionStoreOptions {
  /** How sess talks to Redis: `@sess/node-redis`, the memory port, or your own. */
  port: RedisPort;
  /**
   * Prefix of every key. Keep it short: it is stored in every key name.
   * @default 'sess'
   */
  prefix?: string;
  /**
   * Number of expiry index buckets. Fixed per deployment: changing it strands index entries.
   * Use at least the number of Cluster masters so the buckets spread over them.
   * @default 16
   */
  buckets?: number;
  /**
   * A session ends after this long without a request that touched it (ms).
   * @default 1_800_000 (30 minutes)
   */
  idleTimeout?: number;
  /**
   * A session ends this long after it was created, however active (ms).
   * @default 86_400_000 (24 hours)
   */
  absoluteTimeout?: number;
  /**
   * Named lifetime policies besides `default` (which is `idleTimeout` and `absoluteTimeout`),
   * chosen per session: `signIn(principal, { lifetime: 'remember' })`. A session stores only
   * the name, so changing a policy here applies to its live sessions. See `LifetimePolicy`.
   * @default {} (only `default`)
   */
  lifetimes?: Record<string, LifetimePolicy>;
  /**
   * The policy of a session created without a sign-in (by its first write), e.g. a short one
   * for carts and CSRF tokens. A sign-in moves the session to the policy it names, or `default`.
   * @default 'default'
   */
  anonymousLifetime?: string;
  /**
   * The expiry is extended at most once per this interval (ms), so a read-only request costs
   * one round trip. Must be smaller than every policy's idle timeout.
   * @default 60_000
   */
  touchInterval?: number;
  /**
   * How long Redis keeps a session hash past its expiry (ms), so the cleaner can still report
   * what the session held. The hash TTL is a backstop: Redis deletes it even if no cleaner runs.
   * @default 600_000 (10 minutes)
   */
  grace?: number;
  /**
   * Deadline of every store operation (ms). Past it the operation fails with `UNAVAILABLE`,
   * whatever the client does.
   * @default 1_000
   */
  operationTimeout?: number;
  /**
   * Turns attribute values into stored strings and back. `parse` must give the same value
   * for the same text: with the port's cache on, a string, number or boolean it returned is
   * handed to every later read of the same held reply without calling it again.
   * @default jsonSerializer (refuses `__proto__` and `constructor.prototype` keys)
   */
  serializer?: Serializer;
  /**
   * Largest serialized attribute (bytes).
   * @default 65_536
   */
  maxAttributeBytes?: number;
  /**
   * Largest session, all attributes and their names (bytes).
   * @default 262_144
   */
  maxSessionBytes?: number;
  /**
   * The most attributes one session may hold (1 to 100_000), enforced with `TOO_LARGE` before
   * any Redis call.
   * @default 1_000
   */
  maxAttributes?: number;
  /**
   * At most this many live sessions per principal, enforced atomically.
   * @default undefined (no limit)
   */
  maxSessionsPerPrincipal?: number;
  /**
   * What a sign-in over `maxSessionsPerPrincipal` does: fail with `LIMIT_REACHED`, or end the
   * session of that principal that would expire first.
   * @default 'evict-oldest'
   */
  onLimit?: 'reject' | 'evict-oldest';
  /**
   * Write session events to the Redis stream `<prefix>:{events}` (see `EventStreamOptions`):
   * every end of a session (`destroyed`, `revoked`, `expired`), every `regenerated`, and every
   * `created` with a principal (a sign-in). `false` writes none.
   * @default {} (on: maxLength 100_000, anonymousCreated false)
   */
  eventStream?: false | EventStreamOptions;
  /**
   * The expired-session cleaner of this instance (docs/design/cleaner.md): only the instance holding the
   * Redis lease works, so leaving it on everywhere costs about one command per instance per
   * `leaseTtl − interval`. `false` switches it off here (another instance, or `sess cleanup`,
   * does the work). See `CleanerOptions` for each setting's default.
   * @default {} (on: interval 5 s, leaseTtl 30 s, batchSize 500, tickBudget 1 s, eventsPerEntry 50)
   */
  cleaner?: false | CleanerOptions;
  /**
   * Make create, regenerate, destroy and revoke wait until this many replicas have the write.
   * Redis replicates asynchronously: without it, a write Redis acknowledged can be lost in a
   * failover (a sign-out undone, a new session gone).
   * @default undefined (no waiting)
   */
  waitForReplicas?: WaitForReplicasOptions;
  /**
   * The clock, in ms since the epoch. Sessions use application time, not Redis time.
   * @default Date.now
   */
  now?: () => number;
  /**
   * Receives the store's measurements: latency and errors of each round trip, calls in flight,
   * events written, cleaner ticks and leadership. `@sess/prometheus` provides one.
   * @default undefined (nothing measured, nothing spent on it)
   */
  observer?: SessionObserver;
}

export type ResolvedStoreOptions = Required<
  Omit<
    SessionStoreOptions,
    | 'maxSessionsPerPrincipal'
    | 'eventStream'
    | 'cleaner'
    | 'observer'
    | 'waitForReplicas'
    | 'lifetimes'
  >
> & {
  /** Every policy by name, `default` included. */
  lifetimes: ResolvedLifetimes;
  waitForReplicas: WaitForReplicasOptions | undefined;
  maxSessionsPerPrincipal: number | undefined;
  eventStream: false | ResolvedEventStream;
  cleaner: false | ResolvedCleanerOptions;
  observer: SessionObserver | undefined;
};

/** The defaults of the numeric options, for resolving them and for the messages about them. */
const DEFAULTS = {
  buckets: 16,
  idleTimeout: 1_800_000,
  absoluteTimeout: 86_400_000,
  touchInterval: 60_000,
  grace: 600_000,
  operationTimeout: 1_000,
  maxAttributeBytes: 65_536,
  maxSessionBytes: 262_144,
  maxAttributes: 1_000,
  maxLength: 100_000,
} as const;

const WAIT_FOR_REPLICAS_NAMES = optionNames<WaitForReplicasOptions>({
  replicas: true,
  timeoutMs: true,
  onShortfall: true,
});

/** Options of the nested objects given at the top level: where they belong. */
const NESTED_INSTEAD: Readonly<Record<string, string>> = Object.fromEntries(
  (
    [
      ['cleaner', CLEANER_OPTION_NAMES],
      ['eventStream', EVENT_STREAM_OPTION_NAMES],
      ['waitForReplicas', WAIT_FOR_REPLICAS_NAMES],
    ] as const
  ).flatMap(([parent, names]) =>
    names.map((name) => [name, `an option of \`${parent}\`: \`${parent}: { ${name} }\``]),
  ),
);

export function resolveStoreOptions(options: SessionStoreOptions): ResolvedStoreOptions {
  if (options === null || typeof options !== 'object') {
    throw new SessError('INVALID_OPTION', 'options: expected an object with at least `port`');
  }
  checkOptionKeys(options, {
    known: STORE_OPTION_NAMES,
    instead: { ...NESTED_INSTEAD, ...STORE_OPTIONS_INSTEAD },
  });
  const port = options.port;
  if (!port || typeof port.send !== 'function' || typeof port.batch !== 'function') {
    throw new SessError(
      'INVALID_OPTION',
      'port: expected a RedisPort, e.g. `await createNodeRedisPort({ url })` from @sess/node-redis or `createMemoryPort()`',
    );
  }
  const eventStream = options.eventStream;
  if (eventStream !== undefined && eventStream !== false) {
    if (eventStream === null || typeof eventStream !== 'object') {
      throw new SessError('INVALID_OPTION', 'eventStream: expected false or an options object');
    }
    checkOptionKeys(eventStream, { path: 'eventStream', known: EVENT_STREAM_OPTION_NAMES });
  }
  const resolved: ResolvedStoreOptions = {
    port,
    prefix: options.prefix ?? 'sess',
    buckets: options.buckets ?? DEFAULTS.buckets,
    idleTimeout: options.idleTimeout ?? DEFAULTS.idleTimeout,
    absoluteTimeout: options.absoluteTimeout ?? DEFAULTS.absoluteTimeout,
    lifetimes: new Map(),
    anonymousLifetime: options.anonymousLifetime ?? DEFAULT_LIFETIME,
    touchInterval: options.touchInterval ?? DEFAULTS.touchInterval,
    grace: options.grace ?? DEFAULTS.grace,
    operationTimeout: options.operationTimeout ?? DEFAULTS.operationTimeout,
    serializer: options.serializer ?? jsonSerializer,
    maxAttributeBytes: options.maxAttributeBytes ?? DEFAULTS.maxAttributeBytes,
    maxSessionBytes: options.maxSessionBytes ?? DEFAULTS.maxSessionBytes,
    maxAttributes: options.maxAttributes ?? DEFAULTS.maxAttributes,
    maxSessionsPerPrincipal: options.maxSessionsPerPrincipal,
    onLimit: options.onLimit ?? 'evict-oldest',
    eventStream:
      eventStream === false
        ? false
        : {
            maxLength: eventStream?.maxLength ?? DEFAULTS.maxLength,
            anonymousCreated: eventStream?.anonymousCreated ?? false,
          },
    cleaner: resolveCleanerOptions(options.cleaner),
    now: options.now ?? Date.now,
    waitForReplicas: options.waitForReplicas,
    observer: options.observer,
  };
  if (typeof resolved.prefix !== 'string' || !/^[A-Za-z0-9_.:-]{1,64}$/.test(resolved.prefix)) {
    throw new SessError('INVALID_OPTION', 'prefix: 1 to 64 characters of [A-Za-z0-9_.:-]');
  }
  checkInteger(
    { name: 'buckets', unit: 'buckets', min: 1, max: 1024, default: DEFAULTS.buckets },
    resolved.buckets,
  );
  for (const name of [
    'idleTimeout',
    'absoluteTimeout',
    'touchInterval',
    'grace',
    'operationTimeout',
  ] as const) {
    checkInteger({ name, unit: 'ms', min: 1, default: DEFAULTS[name] }, resolved[name]);
  }
  for (const name of ['maxAttributeBytes', 'maxSessionBytes'] as const) {
    checkInteger({ name, unit: 'bytes', min: 1, default: DEFAULTS[name] }, resolved[name]);
  }
  checkInteger(
    {
      name: 'maxAttributes',
      unit: 'attributes',
      min: 1,
      max: 100_000,
      default: DEFAULTS.maxAttributes,
    },
    resolved.maxAttributes,
  );
  if (resolved.maxSessionsPerPrincipal !== undefined) {
    checkInteger(
      { name: 'maxSessionsPerPrincipal', unit: 'sessions', min: 1 },
      resolved.maxSessionsPerPrincipal,
    );
  }
  if (resolved.eventStream) {
    checkInteger(
      { name: 'eventStream.maxLength', unit: 'entries', min: 1, default: DEFAULTS.maxLength },
      resolved.eventStream.maxLength,
    );
    if (typeof resolved.eventStream.anonymousCreated !== 'boolean') {
      throw new SessError('INVALID_OPTION', 'eventStream.anonymousCreated: expected a boolean');
    }
  }
  checkShorter(
    related('touchInterval', resolved, options, true),
    related('idleTimeout', resolved, options, false),
    'a touch extends the expiry at most once per touchInterval, so it must come before the session is idle for idleTimeout',
  );
  const wait = resolved.waitForReplicas;
  if (wait !== undefined) {
    if (wait === null || typeof wait !== 'object') {
      throw new SessError('INVALID_OPTION', 'waitForReplicas: expected { replicas, timeoutMs }');
    }
    checkOptionKeys(wait, { path: 'waitForReplicas', known: WAIT_FOR_REPLICAS_NAMES });
    checkInteger({ name: 'waitForReplicas.replicas', unit: 'replicas', min: 1 }, wait.replicas);
    // WAIT 0 would wait forever; the store's deadline must leave room for the writes.
    checkInteger({ name: 'waitForReplicas.timeoutMs', unit: 'ms', min: 1 }, wait.timeoutMs);
    checkShorter(
      {
        name: 'waitForReplicas.timeoutMs',
        value: wait.timeoutMs,
        given: true,
        default: undefined,
        growing: true,
      },
      related('operationTimeout', resolved, options, false),
      'the wait runs within the deadline of the operation, which must leave room for its writes',
    );
    if (wait.onShortfall !== undefined && typeof wait.onShortfall !== 'function') {
      throw new SessError('INVALID_OPTION', 'waitForReplicas.onShortfall: expected a function');
    }
  }
  resolved.lifetimes = resolveLifetimes(options.lifetimes, resolved);
  for (const [name, policy] of resolved.lifetimes) {
    if (resolved.touchInterval >= policy.idleTimeout) {
      throw new SessError(
        'INVALID_OPTION',
        `lifetimes.${name}.idleTimeout: ${policy.idleTimeout} ms is not longer than touchInterval (${resolved.touchInterval} ms); timeouts are in milliseconds`,
      );
    }
  }
  assertLifetime(
    resolved.lifetimes,
    resolved.anonymousLifetime,
    'anonymousLifetime',
    'INVALID_OPTION',
  );
  if (resolved.onLimit !== 'reject' && resolved.onLimit !== 'evict-oldest') {
    throw new SessError('INVALID_OPTION', "onLimit: 'reject' or 'evict-oldest'");
  }
  const serializer = resolved.serializer;
  if (typeof serializer?.parse !== 'function' || typeof serializer.stringify !== 'function') {
    throw new SessError('INVALID_OPTION', 'serializer: expected { stringify, parse }');
  }
  if (
    resolved.observer !== undefined &&
    (resolved.observer === null || typeof resolved.observer !== 'object')
  ) {
    throw new SessError('INVALID_OPTION', 'observer: expected an object (a SessionObserver)');
  }
  if (typeof resolved.now !== 'function') {
    throw new SessError('INVALID_OPTION', 'now: expected a function returning ms since the epoch');
  }
  return resolved;
}

function related(
  name: 'touchInterval' | 'idleTimeout' | 'operationTimeout',
  resolved: ResolvedStoreOptions,
  given: SessionStoreOptions,
  growing: boolean,
): RelatedOption {
  return {
    name,
    value: resolved[name],
    given: given[name] !== undefined,
    default: DEFAULTS[name],
    growing,
  };
}
