import {
  type CleanerOptions,
  type ResolvedCleanerOptions,
  resolveCleanerOptions,
} from './cleaner-options.js';
import { SessError } from './errors.js';
import type { EventStreamOptions, ResolvedEventStream } from './event-stream-options.js';
import {
  assertLifetime,
  DEFAULT_LIFETIME,
  type LifetimePolicy,
  type ResolvedLifetimes,
  resolveLifetimes,
} from './lifetime-policy.js';
import type { SessionObserver } from './observer.js';
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
   * Turns attribute values into stored strings and back.
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
   * Most attributes one session may hold. A write past it fails with `TOO_LARGE` before any
   * Redis call.
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
   * The expired-session cleaner of this instance (DESIGN §6): only the instance holding the
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

export function resolveStoreOptions(options: SessionStoreOptions): ResolvedStoreOptions {
  if (options === null || typeof options !== 'object') {
    throw new SessError('INVALID_OPTION', 'options: expected an object with at least `port`');
  }
  const port = options.port;
  if (!port || typeof port.send !== 'function' || typeof port.batch !== 'function') {
    throw new SessError('INVALID_OPTION', 'port: expected a RedisPort');
  }
  const resolved: ResolvedStoreOptions = {
    port,
    prefix: options.prefix ?? 'sess',
    buckets: options.buckets ?? 16,
    idleTimeout: options.idleTimeout ?? 1_800_000,
    absoluteTimeout: options.absoluteTimeout ?? 86_400_000,
    lifetimes: new Map(),
    anonymousLifetime: options.anonymousLifetime ?? DEFAULT_LIFETIME,
    touchInterval: options.touchInterval ?? 60_000,
    grace: options.grace ?? 600_000,
    operationTimeout: options.operationTimeout ?? 1_000,
    serializer: options.serializer ?? jsonSerializer,
    maxAttributeBytes: options.maxAttributeBytes ?? 65_536,
    maxSessionBytes: options.maxSessionBytes ?? 262_144,
    maxAttributes: options.maxAttributes ?? 1_000,
    maxSessionsPerPrincipal: options.maxSessionsPerPrincipal,
    onLimit: options.onLimit ?? 'evict-oldest',
    eventStream:
      options.eventStream === false
        ? false
        : {
            maxLength: options.eventStream?.maxLength ?? 100_000,
            anonymousCreated: options.eventStream?.anonymousCreated ?? false,
          },
    cleaner: resolveCleanerOptions(options.cleaner),
    now: options.now ?? Date.now,
    waitForReplicas: options.waitForReplicas,
    observer: options.observer,
  };
  if (typeof resolved.prefix !== 'string' || !/^[A-Za-z0-9_.:-]{1,64}$/.test(resolved.prefix)) {
    throw new SessError('INVALID_OPTION', 'prefix: 1 to 64 characters of [A-Za-z0-9_.:-]');
  }
  positiveInteger('buckets', resolved.buckets, 1024);
  positiveInteger('idleTimeout', resolved.idleTimeout);
  positiveInteger('absoluteTimeout', resolved.absoluteTimeout);
  positiveInteger('touchInterval', resolved.touchInterval);
  positiveInteger('grace', resolved.grace);
  positiveInteger('operationTimeout', resolved.operationTimeout);
  positiveInteger('maxAttributeBytes', resolved.maxAttributeBytes);
  positiveInteger('maxSessionBytes', resolved.maxSessionBytes);
  positiveInteger('maxAttributes', resolved.maxAttributes, 100_000);
  if (resolved.maxSessionsPerPrincipal !== undefined) {
    positiveInteger('maxSessionsPerPrincipal', resolved.maxSessionsPerPrincipal);
  }
  if (resolved.eventStream) {
    positiveInteger('eventStream.maxLength', resolved.eventStream.maxLength);
    if (typeof resolved.eventStream.anonymousCreated !== 'boolean') {
      throw new SessError('INVALID_OPTION', 'eventStream.anonymousCreated: expected a boolean');
    }
  }
  const wait = resolved.waitForReplicas;
  if (wait !== undefined) {
    if (wait === null || typeof wait !== 'object') {
      throw new SessError('INVALID_OPTION', 'waitForReplicas: expected { replicas, timeoutMs }');
    }
    positiveInteger('waitForReplicas.replicas', wait.replicas);
    // WAIT 0 would wait forever; the store's deadline must leave room for the writes.
    positiveInteger('waitForReplicas.timeoutMs', wait.timeoutMs, resolved.operationTimeout - 1);
    if (wait.onShortfall !== undefined && typeof wait.onShortfall !== 'function') {
      throw new SessError('INVALID_OPTION', 'waitForReplicas.onShortfall: expected a function');
    }
  }
  if (resolved.touchInterval >= resolved.idleTimeout) {
    throw new SessError('INVALID_OPTION', 'touchInterval: must be smaller than idleTimeout');
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

function positiveInteger(name: string, value: unknown, max = Number.MAX_SAFE_INTEGER): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    throw new SessError('INVALID_OPTION', `${name}: expected an integer from 1 to ${max}`);
  }
}
