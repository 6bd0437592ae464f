import { SessError } from '@sess/core';

/** The local cache of session reads (the port's `cache` option). */
export interface NodeRedisCacheOptions {
  /**
   * Most sessions held. Past it (or past `maxBytes`) the least recently read go first.
   * @default 10_000
   */
  maxEntries?: number;
  /**
   * Most memory the held sessions take (bytes), as the port estimates it from their size.
   * @default 16_777_216 (16 MiB)
   */
  maxBytes?: number;
  /**
   * How often (ms) the port checks, on each master, that Redis still tracks its reads and that
   * the invalidation connection still answers. A connection that fails silently (a network
   * fault without a reset) stops the cache at most twice this long after the last sign of life.
   * @default 1_000
   */
  heartbeat?: number;
}

export interface ResolvedCacheOptions {
  readonly maxEntries: number;
  readonly maxBytes: number;
  readonly heartbeat: number;
}

const KNOWN = ['maxEntries', 'maxBytes', 'heartbeat'];

/** `cache: true` is `cache: {}`; `false` or absent: no cache. */
export function resolveCacheOptions(
  cache: boolean | NodeRedisCacheOptions | undefined,
): ResolvedCacheOptions | undefined {
  if (cache === undefined || cache === false) return undefined;
  const given: NodeRedisCacheOptions = cache === true ? {} : cache;
  if (given === null || typeof given !== 'object' || Array.isArray(given)) {
    invalid('cache', 'expected true or { maxEntries?, maxBytes?, heartbeat? }');
  }
  for (const name of Object.keys(given)) {
    if (!KNOWN.includes(name)) {
      invalid(`cache.${name}`, `unknown option: expected one of ${KNOWN.join(', ')}`);
    }
  }
  const resolved: ResolvedCacheOptions = {
    maxEntries: given.maxEntries ?? 10_000,
    maxBytes: given.maxBytes ?? 16 * 1024 * 1024,
    heartbeat: given.heartbeat ?? 1_000,
  };
  for (const name of KNOWN) {
    const value = resolved[name as keyof ResolvedCacheOptions];
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
      invalid(`cache.${name}`, `expected a positive integer, got ${String(value)}`);
    }
  }
  return resolved;
}

function invalid(name: string, message: string): never {
  throw new SessError('INVALID_OPTION', `${name}: ${message}`);
}
