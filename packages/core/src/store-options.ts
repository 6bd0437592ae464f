import { SessError } from './errors.js';
import type { RedisPort } from './redis-port.js';
import { jsonSerializer, type Serializer } from './serializer.js';

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
   * The expiry is extended at most once per this interval (ms), so a read-only request costs
   * one round trip. Must be smaller than `idleTimeout`.
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
   * Write session events (`created`, `destroyed`, `regenerated`, `revoked`, `expired`) to the
   * Redis stream `<prefix>:{events}`, trimmed to about `maxLength` entries. `false` writes none.
   * @default { maxLength: 100_000 }
   */
  eventStream?: false | { maxLength?: number };
  /**
   * The clock, in ms since the epoch. Sessions use application time, not Redis time.
   * @default Date.now
   */
  now?: () => number;
}

export type ResolvedStoreOptions = Required<
  Omit<SessionStoreOptions, 'maxSessionsPerPrincipal' | 'eventStream'>
> & {
  maxSessionsPerPrincipal: number | undefined;
  eventStream: false | { maxLength: number };
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
    touchInterval: options.touchInterval ?? 60_000,
    grace: options.grace ?? 600_000,
    operationTimeout: options.operationTimeout ?? 1_000,
    serializer: options.serializer ?? jsonSerializer,
    maxAttributeBytes: options.maxAttributeBytes ?? 65_536,
    maxSessionBytes: options.maxSessionBytes ?? 262_144,
    maxSessionsPerPrincipal: options.maxSessionsPerPrincipal,
    onLimit: options.onLimit ?? 'evict-oldest',
    eventStream:
      options.eventStream === false
        ? false
        : { maxLength: options.eventStream?.maxLength ?? 100_000 },
    now: options.now ?? Date.now,
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
  if (resolved.maxSessionsPerPrincipal !== undefined) {
    positiveInteger('maxSessionsPerPrincipal', resolved.maxSessionsPerPrincipal);
  }
  if (resolved.eventStream)
    positiveInteger('eventStream.maxLength', resolved.eventStream.maxLength);
  if (resolved.touchInterval >= resolved.idleTimeout) {
    throw new SessError('INVALID_OPTION', 'touchInterval: must be smaller than idleTimeout');
  }
  if (resolved.onLimit !== 'reject' && resolved.onLimit !== 'evict-oldest') {
    throw new SessError('INVALID_OPTION', "onLimit: 'reject' or 'evict-oldest'");
  }
  const serializer = resolved.serializer;
  if (typeof serializer?.parse !== 'function' || typeof serializer.stringify !== 'function') {
    throw new SessError('INVALID_OPTION', 'serializer: expected { stringify, parse }');
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
